package repos_test

import (
	"context"
	"fmt"

	"github.com/mimeiapify/store"
	_ "github.com/mimeiapify/store/backend/memory"
	"github.com/mimeiapify/store/repos"
)

func ExampleUser() {
	ctx := context.Background()
	b, err := store.Open(ctx, "memory://")
	if err != nil {
		panic(err)
	}
	defer b.Close()

	type Profile struct {
		Name   string `json:"name"`
		Plan   string `json:"plan"`
		Active bool   `json:"active"`
	}
	u, _ := repos.NewUser(b, "acme", "user-42", &repos.Options{Prefix: "bot"})
	_ = u.Upsert(ctx, Profile{Name: "Ann", Plan: "pro", Active: true})
	visits, _ := u.Incr(ctx, "visits", 1)
	_ = u.AppendToField(ctx, "tags", "vip")

	p, _ := repos.GetUserAs[Profile](ctx, u)
	fields, _ := u.Get(ctx)
	fmt.Println(p.Name, p.Plan, visits, fields["tags"])

	users, _ := repos.NewUsers(b, "acme", &repos.Options{Prefix: "bot"})
	ids, _ := users.FindBy(ctx, "plan", "pro")
	fmt.Println(ids)
	// Output:
	// Ann pro 1 ["vip"]
	// [user-42]
}

func ExampleStateHandler() {
	ctx := context.Background()
	b, _ := store.Open(ctx, "memory://")
	defer b.Close()

	h, _ := repos.NewStateHandler(b, "acme", "user-42", nil)
	_ = h.Set(ctx, "checkout", map[string]any{"step": "cart"})
	state, _ := h.Upsert(ctx, "checkout", map[string]any{"step": "pay", "items": 3})
	fmt.Println(state["step"], state["items"])
	_, _ = h.Delete(ctx, "checkout")
	ok, _ := h.Exists(ctx, "checkout")
	fmt.Println(ok)
	// Output:
	// pay 3
	// false
}

func ExampleSharedState() {
	ctx := context.Background()
	b, _ := store.Open(ctx, "memory://")
	defer b.Close()

	ss, _ := repos.NewSharedState(b, "acme", "user-42", nil)
	ctx = repos.WithSharedState(ctx, ss)

	// A tool, given only the context, records what it found.
	tool := func(ctx context.Context) error {
		s, _ := repos.SharedStateFrom(ctx)
		return s.SetField(ctx, "search", "query", "red shoes")
	}
	_ = tool(ctx)
	_ = ss.Set(ctx, "cart", map[string]any{"items": []string{"sku-1"}})

	q, _ := ss.GetField(ctx, "search", "query")
	names, _ := ss.List(ctx)
	fmt.Println(q, names)
	_ = ss.Clear(ctx)
	names, _ = ss.List(ctx)
	fmt.Println(len(names))
	// Output:
	// red shoes [cart search]
	// 0
}
