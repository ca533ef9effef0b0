package valkey_test

import (
	"context"
	"fmt"

	"github.com/alicebob/miniredis/v2"
	"github.com/valkey-io/valkey-go"

	"github.com/mimeiapify/store"
	vkbackend "github.com/mimeiapify/store/backend/valkey"
)

// ExampleNew wraps a client the caller built and keeps owning.
func ExampleNew() {
	mr := miniredis.NewMiniRedis()
	if err := mr.Start(); err != nil {
		panic(err)
	}
	defer mr.Close()
	client, err := valkey.NewClient(valkey.ClientOption{
		InitAddress:       []string{mr.Addr()},
		DisableCache:      true, // miniredis has no CLIENT TRACKING
		ForceSingleClient: true, // and is no cluster
	})
	if err != nil {
		panic(err)
	}
	defer client.Close()
	b := vkbackend.New(client, nil)
	defer b.Close()

	ctx := context.Background()
	visits := &store.HIncrByOp{Key: "user:1", Field: "visits", Delta: 1}
	err = b.Apply(ctx,
		&store.HSetOp{Key: "user:1", Fields: map[string]string{"name": "Ada"}},
		visits,
	)
	fmt.Println(visits.Result, err)
	name, err := b.HGet(ctx, "user:1", "name")
	fmt.Println(name, err)
	// Output:
	// 1 <nil>
	// Ada <nil>
}

// Example_open opens a backend by URL; it owns its client.
func Example_open() {
	mr := miniredis.NewMiniRedis()
	if err := mr.Start(); err != nil {
		panic(err)
	}
	defer mr.Close()

	ctx := context.Background()
	b, err := store.Open(ctx, "valkey://"+mr.Addr()+"/0?standalone=true")
	if err != nil {
		panic(err)
	}
	defer b.Close()
	ok, err := b.SetNX(ctx, "lock", "me", 0)
	fmt.Println(ok, err)
	ok, err = b.SetNX(ctx, "lock", "you", 0)
	fmt.Println(ok, err)
	// Output:
	// true <nil>
	// false <nil>
}
