package repos_test

import (
	"context"
	"fmt"
	"time"

	"github.com/mimeiapify/store/backend/memory"
	"github.com/mimeiapify/store/repos"
)

// ExampleGeneric counts requests in a one-minute window: the first Incr
// creates the counter with the TTL, later ones keep it.
func ExampleGeneric() {
	ctx := context.Background()
	b := memory.New(nil)
	defer b.Close()

	kv, _ := repos.NewGeneric(b, "acme", &repos.Options{TTL: time.Minute})
	for range 3 {
		_, _ = kv.Incr(ctx, "requests", 1)
	}
	n, _ := kv.Get(ctx, "requests")
	ttl, _ := kv.TTL(ctx, "requests")
	fmt.Println(n, ttl > 59*time.Second)

	_ = kv.Set(ctx, "greeting", "hola", repos.WithTTL(0))
	v, _ := kv.Get(ctx, "greeting")
	fmt.Println(v)
	// Output:
	// 3 true
	// hola
}
