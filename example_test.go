package store_test

import (
	"context"
	"fmt"
	"strings"

	"github.com/mimeiapify/store"
	_ "github.com/mimeiapify/store/backend/memory" // registers memory://
)

// ExampleOpen opens a backend by URL: the scheme picks the backend, whose
// package registers it when imported. An unknown scheme lists the known
// ones.
func ExampleOpen() {
	ctx := context.Background()
	b, err := store.Open(ctx, "memory://")
	if err != nil {
		panic(err)
	}
	defer b.Close()
	_ = b.Set(ctx, "greeting", "hello", 0)
	v, _ := b.Get(ctx, "greeting")
	fmt.Println(v)

	_, err = store.Open(ctx, "nope://")
	fmt.Println(strings.Contains(err.Error(), `unknown scheme "nope"`))
	// Output:
	// hello
	// true
}
