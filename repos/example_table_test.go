package repos_test

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/mimeiapify/store"
	"github.com/mimeiapify/store/backend/memory"
	"github.com/mimeiapify/store/repos"
)

// ExampleTable stores rows of two tables under one primary key, then
// deletes every row of that key at once.
func ExampleTable() {
	ctx := context.Background()
	b := memory.New(nil)
	defer b.Close()

	type Order struct {
		Item  string `json:"item"`
		Total int    `json:"total"`
	}
	tb, err := repos.NewTable(b, "acme", nil)
	if err != nil {
		panic(err)
	}
	_ = tb.SetRow(ctx, "orders", "cust-7", Order{Item: "book", Total: 12})
	_ = tb.SetRow(ctx, "carts", "cust-7", map[string]any{"items": 2})
	_ = tb.UpdateField(ctx, "orders", "cust-7", "total", 15)

	o, err := repos.GetRowAs[Order](ctx, tb, "orders", "cust-7")
	fmt.Println(o, err)

	tables, _ := tb.DeletePK(ctx, "cust-7")
	slices.Sort(tables)
	fmt.Println("deleted:", tables)

	_, err = tb.GetRow(ctx, "carts", "cust-7")
	fmt.Println(errors.Is(err, store.ErrNotFound))
	// Output:
	// {book 15} <nil>
	// deleted: [carts orders]
	// true
}
