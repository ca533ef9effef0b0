// Package reposfill fills a backend with the repositories' data for the
// tests of transfer and cmd/storectl: users with handler and shared
// states, table rows, queued items, pending triggers, generic values,
// binary bytes and TTLs, spread over several (hostile) tenant ids.
package reposfill

import (
	"context"
	"fmt"
	"time"

	"github.com/mimeiapify/store"
	"github.com/mimeiapify/store/repos"
)

// Tenants are hostile tenant ids: glob metacharacters, a separator, a
// hash tag and a percent-encoding look-alike.
var Tenants = []string{"acme", "acme*", "*", "%41cme", "a:b", "{x}"}

// Options say what Fill writes.
type Options struct {
	// Users is how many users are made, spread over Tenants.
	Users int
	// Prefix is the repositories' key prefix (repos.Options.Prefix).
	Prefix string
	// Soon is how many of the users get a trigger "soon" due after
	// SoonDelay (the others' triggers are due in an hour).
	Soon      int
	SoonDelay time.Duration
}

// Fired names one trigger: tenant, action and identifier.
type Fired struct{ Tenant, Action, Ident string }

// Fill writes opts.Users users' data to b and returns the triggers due
// soon.
func Fill(ctx context.Context, b store.Backend, opts Options) ([]Fired, error) {
	ro := &repos.Options{Prefix: opts.Prefix}
	var soon []Fired
	for i := range opts.Users {
		tenant := Tenants[i%len(Tenants)]
		user := fmt.Sprintf("u%d", i)
		if i%7 == 0 {
			user += ":\xff{y}*"
		}
		if err := fillUser(ctx, b, ro, tenant, user, i); err != nil {
			return nil, fmt.Errorf("fill user %d: %w", i, err)
		}
		if i < opts.Soon {
			tr, err := repos.NewTriggers(b, tenant, ro)
			if err != nil {
				return nil, err
			}
			if err := tr.Set(ctx, "soon", user, "p", repos.WithTTL(opts.SoonDelay)); err != nil {
				return nil, err
			}
			soon = append(soon, Fired{tenant, "soon", user})
		}
	}
	return soon, nil
}

// fillUser writes one user's data, about ten keys.
func fillUser(ctx context.Context, b store.Backend, ro *repos.Options, tenant, user string, i int) error {
	var ttl []repos.CallOption
	if i%2 == 1 {
		ttl = append(ttl, repos.WithTTL(time.Hour))
	}
	u, err := repos.NewUser(b, tenant, user, ro)
	if err != nil {
		return err
	}
	if err := u.Upsert(ctx, map[string]string{"name": fmt.Sprint("user ", i), "blob": "\x00\xff" + fmt.Sprint(i)}, ttl...); err != nil {
		return err
	}
	sh, err := repos.NewStateHandler(b, tenant, user, ro)
	if err != nil {
		return err
	}
	if err := sh.Set(ctx, "chat", map[string]int{"step": i}, ttl...); err != nil {
		return err
	}
	ss, err := repos.NewSharedState(b, tenant, user, ro)
	if err != nil {
		return err
	}
	if err := ss.Set(ctx, "cart", map[string]int{"items": i}, repos.WithTTL(30*time.Minute)); err != nil {
		return err
	}
	tb, err := repos.NewTable(b, tenant, ro)
	if err != nil {
		return err
	}
	if err := tb.SetRow(ctx, "orders", fmt.Sprint("o", i), map[string]int{"total": i}); err != nil {
		return err
	}
	bt, err := repos.NewBatch(b, tenant, ro)
	if err != nil {
		return err
	}
	q := repos.Queue{Service: "mailer", Batch: fmt.Sprint("b", i%5), Action: "send"}
	if err := bt.EnqueueAll(ctx, q, []string{"m1", "m2\xff"}); err != nil {
		return err
	}
	tr, err := repos.NewTriggers(b, tenant, ro)
	if err != nil {
		return err
	}
	if err := tr.Set(ctx, "remind", user, "later", repos.WithTTL(time.Hour)); err != nil {
		return err
	}
	kv, err := repos.NewGeneric(b, tenant, ro)
	if err != nil {
		return err
	}
	return kv.Set(ctx, fmt.Sprint("g", i), "\xff\x00bin", ttl...)
}
