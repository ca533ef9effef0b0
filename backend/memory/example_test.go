package memory_test

import (
	"context"
	"fmt"
	"log"
	"time"

	"github.com/mimeiapify/store"
	"github.com/mimeiapify/store/backend/memory"
)

// Open a backend by URL, as an application configured with a URL would.
func Example_open() {
	ctx := context.Background()
	b, err := store.Open(ctx, "memory://?shards=16")
	if err != nil {
		log.Fatal(err)
	}
	defer b.Close()

	if err := b.Set(ctx, "greeting", "hello", time.Minute); err != nil {
		log.Fatal(err)
	}
	v, err := b.Get(ctx, "greeting")
	fmt.Println(v, err)
	ttl, err := b.TTL(ctx, "greeting")
	fmt.Println(ttl.Round(time.Second), err)

	_, err = store.Open(ctx, "memory://?bogus=1")
	fmt.Println(err)
	// Output:
	// hello <nil>
	// 1m0s <nil>
	// memory: open: store: invalid argument: unknown URL parameter "bogus" (known: shards, sweep)
}

// New builds a backend directly; nil options mean the defaults.
func ExampleNew() {
	ctx := context.Background()
	b := memory.New(nil)
	defer b.Close()

	n, _ := b.LPush(ctx, "jobs", "a", "b", "c")
	fmt.Println(n)
	jobs, _ := b.LRange(ctx, "jobs", 0, -1)
	fmt.Println(jobs)
	_, err := b.HGet(ctx, "jobs", "field")
	fmt.Println(err)
	// Output:
	// 3
	// [c b a]
	// memory: hget "jobs": store: operation against a key holding the wrong kind of value
}

// Apply writes a hash and its TTL and counts a visit as one step: other
// callers see all of it or none of it.
func ExampleBackend_Apply() {
	ctx := context.Background()
	b := memory.New(nil)
	defer b.Close()

	visits := &store.IncrByOp{Key: "visits", Delta: 1}
	err := b.Apply(ctx,
		&store.HSetOp{Key: "session:42", Fields: map[string]string{"user": "ada"}},
		&store.ExpireOp{Key: "session:42", TTL: 30 * time.Minute},
		visits,
	)
	fmt.Println(err, visits.Result)

	// A failed check writes nothing: "session:42" is a hash, not a counter.
	err = b.Apply(ctx,
		&store.SetOp{Key: "last", Value: "ada"},
		&store.IncrByOp{Key: "session:42", Delta: 1},
	)
	fmt.Println(err != nil)
	_, err = b.Get(ctx, "last")
	fmt.Println(err)
	// Output:
	// <nil> 1
	// true
	// memory: get "last": store: not found
}

// Update reads and writes as one step; its function must read through r.
func ExampleBackend_Update() {
	ctx := context.Background()
	b := memory.New(nil)
	defer b.Close()

	_ = b.Set(ctx, "stock", "3", 0)
	err := b.Update(ctx, []string{"stock"}, func(r store.Reader) ([]store.Op, error) {
		v, err := r.Get(ctx, "stock")
		if err != nil {
			return nil, err
		}
		if v == "0" {
			return nil, fmt.Errorf("sold out")
		}
		return []store.Op{&store.IncrByOp{Key: "stock", Delta: -1}}, nil
	})
	fmt.Println(err)
	v, _ := b.Get(ctx, "stock")
	fmt.Println(v)
	// Output:
	// <nil>
	// 2
}
