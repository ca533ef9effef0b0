package repos_test

import (
	"context"
	"fmt"

	"github.com/mimeiapify/store"
	_ "github.com/mimeiapify/store/backend/memory"
	"github.com/mimeiapify/store/repos"
)

func ExampleUsers_List() {
	ctx := context.Background()
	b, _ := store.Open(ctx, "memory://")
	defer b.Close()

	opts := &repos.Options{IndexedFields: []string{"plan"}}
	for _, id := range []string{"ann", "bob", "cy"} {
		u, _ := repos.NewUser(b, "acme", id, opts)
		_ = u.Upsert(ctx, map[string]any{"plan": map[bool]string{true: "pro", false: "free"}[id != "bob"]})
	}
	counter, _ := repos.NewUser(b, "acme", "dee", opts)
	_, _ = counter.Incr(ctx, "visits", 1) // a user made by Incr is listed too

	users, _ := repos.NewUsers(b, "acme", opts)
	n := 0
	for _, err := range users.List(ctx) { // pages, bucket by bucket
		if err != nil {
			panic(err)
		}
		n++
	}
	fmt.Println(n, "users")

	type Account struct {
		Plan string `json:"plan"`
	}
	pro, _ := repos.FindUsersBy[Account](ctx, users, "plan", "pro") // through the field index
	for _, u := range pro {
		fmt.Println(u.ID, u.Record.Plan)
	}
	// Output:
	// 4 users
	// ann pro
	// cy pro
}

func ExampleDeleteTenant() {
	ctx := context.Background()
	b, _ := store.Open(ctx, "memory://")
	defer b.Close()

	for _, tenant := range []string{"acme", "acme*"} {
		u, _ := repos.NewUser(b, tenant, "ann", nil)
		_ = u.Upsert(ctx, map[string]any{"name": "Ann"})
		kv, _ := repos.NewGeneric(b, tenant, nil)
		_ = kv.Set(ctx, "greeting", "hello")
	}
	for key, err := range repos.TenantKeys(ctx, b, "acme", nil) {
		if err != nil {
			panic(err)
		}
		fmt.Println("acme has", key)
	}
	deleted, _ := repos.DeleteTenant(ctx, b, "acme", nil)
	fmt.Println("deleted", deleted)
	left := 0
	for range b.Scan(ctx, "*") {
		left++
	}
	fmt.Println("keys of acme* left:", left)
	// Unordered output:
	// acme has t:acme:kv:greeting
	// acme has t:acme:{acme:users:24}:user:ann
	// acme has t:acme:{acme:users:24}:ids
	// deleted 3
	// keys of acme* left: 3
}
