package prefix_test

import (
	"context"
	"fmt"

	"github.com/mimeiapify/store/backend/memory"
	"github.com/mimeiapify/store/prefix"
)

// ExampleNew confines two applications to their own keys of one backend:
// each sees only its keys, and Purge deletes only its own.
func ExampleNew() {
	ctx := context.Background()
	shared := memory.New(nil)
	defer shared.Close()
	billing, _ := prefix.New(shared, "billing:")
	chat, _ := prefix.New(shared, "chat:")

	_ = billing.Set(ctx, "config", "eur", 0)
	_ = chat.Set(ctx, "config", "es", 0)
	v, _ := chat.Get(ctx, "config")
	raw, _ := shared.Get(ctx, "billing:config")
	fmt.Println(v, raw)

	n, _ := chat.Purge(ctx)
	left, _ := shared.Exists(ctx, "billing:config", "chat:config")
	fmt.Println(n, left)
	// Output:
	// es eur
	// 1 1
}
