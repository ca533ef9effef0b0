package bolt_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/mimeiapify/store"
	"github.com/mimeiapify/store/backend/bolt"
)

func Example() {
	dir, _ := os.MkdirTemp("", "bolt-example")
	defer os.RemoveAll(dir)
	ctx := context.Background()

	b, err := bolt.Open(filepath.Join(dir, "state.db"), nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer b.Close()

	_, _ = b.HSet(ctx, "user:1", map[string]string{"name": "Ada"})
	_, _ = b.RPush(ctx, "queue", "a", "b")
	name, _ := b.HGet(ctx, "user:1", "name")
	items, _ := b.LRange(ctx, "queue", 0, -1)
	fmt.Println(name, items)
	// Output: Ada [a b]
}

func Example_url() {
	dir, _ := os.MkdirTemp("", "bolt-example")
	defer os.RemoveAll(dir)
	ctx := context.Background()

	b, err := store.Open(ctx, "bolt://"+filepath.Join(dir, "state.db")+"?timeout=1s")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer b.Close()

	_ = b.Apply(ctx,
		&store.SetOp{Key: "greeting", Value: "hello"},
		&store.IncrByOp{Key: "visits", Delta: 1},
	)
	v, _ := b.Get(ctx, "greeting")
	n, _ := b.Get(ctx, "visits")
	fmt.Println(v, n)
	// Output: hello 1
}
