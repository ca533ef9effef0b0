package repos_test

import (
	"context"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/mimeiapify/store"
	"github.com/mimeiapify/store/repos"
)

// TestTenantSharedByGoroutines: one cached Tenant serves 64 goroutines at
// once (run with -race); every write lands, in the tenant's keys only.
func TestTenantSharedByGoroutines(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b store.Backend) {
		ctx := context.Background()
		tn := newTenant(t, b, "acme", &repos.Options{Prefix: "app"})
		other := newTenant(t, b, "acme*", &repos.Options{Prefix: "app"})
		const workers = 64
		var wg sync.WaitGroup
		errs := make(chan error, workers)
		for i := range workers {
			wg.Go(func() { errs <- useTenant(ctx, tn, "u"+strconv.Itoa(i%8)) })
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			require.NoError(t, err)
		}
		n, err := tn.Generic().Get(ctx, "hits")
		require.NoError(t, err)
		require.Equal(t, strconv.Itoa(workers), n)
		ids, err := tn.Users().ListAll(ctx)
		require.NoError(t, err)
		require.Len(t, ids, 8)
		// The other tenant, whose id would glob over acme's, sees nothing.
		ids, err = other.Users().ListAll(ctx)
		require.NoError(t, err)
		require.Empty(t, ids)
		_, err = other.Generic().Get(ctx, "hits")
		require.ErrorIs(t, err, store.ErrNotFound)
		for _, k := range keysOf(t, b) { // the tenant's, or application-wide
			require.Regexp(t, `^app:(t:acme:|pending:|triggers:)`, k)
		}
	})
}

// useTenant touches each of a tenant's repositories once for user.
func useTenant(ctx context.Context, tn *repos.Tenant, user string) error {
	u, err := tn.User(user)
	if err == nil {
		err = u.Upsert(ctx, map[string]any{"name": user})
	}
	if err == nil {
		var h *repos.StateHandler
		if h, err = tn.State(user); err == nil {
			_, err = h.Upsert(ctx, "chat", map[string]any{"seen": true})
		}
	}
	if err == nil {
		var ss *repos.SharedState
		if ss, err = tn.Shared(user); err == nil {
			err = ss.SetField(ctx, "notes", "last", user)
		}
	}
	if err == nil {
		err = tn.Table().SetRow(ctx, "orders", user, map[string]any{"total": 1})
	}
	if err == nil {
		err = tn.Batch().Enqueue(ctx, repos.Queue{Service: "s", Batch: "b", Action: "a"}, user)
	}
	if err == nil {
		err = tn.Triggers().Set(ctx, "remind", user, "", repos.WithTTL(time.Hour))
	}
	if err == nil {
		_, err = tn.Generic().Incr(ctx, "hits", 1)
	}
	if err == nil {
		var lk *repos.Lock
		if lk, err = tn.Locks().Lock(ctx, user, time.Minute); err == nil {
			err = lk.Unlock(ctx)
		}
	}
	return err
}

func TestTenantBadArgumentsAndOptionsCopied(t *testing.T) {
	b := memoryBackend(t)
	_, err := repos.NewTenant(b, "", nil)
	require.ErrorIs(t, err, repos.ErrInvalidID)
	_, err = repos.NewTenant(b, "acme", &repos.Options{TTL: -time.Second})
	require.ErrorIs(t, err, repos.ErrInvalidOption)
	opts := &repos.Options{Prefix: "app", TTL: time.Hour}
	tn := newTenant(t, b, "acme", opts)
	opts.Prefix = "changed"
	require.Equal(t, "acme", tn.ID())
	require.Same(t, b, tn.Backend())
	require.Equal(t, "app", tn.Options().Prefix)
	_, err = tn.User("")
	require.ErrorIs(t, err, repos.ErrInvalidID)
	_, err = tn.State("")
	require.ErrorIs(t, err, repos.ErrInvalidID)
	_, err = tn.Shared("")
	require.ErrorIs(t, err, repos.ErrInvalidID)
	ctx := context.Background()
	require.NoError(t, tn.Generic().Set(ctx, "k", "v"))
	requireTTL(t, b, keyWith(t, b, "kv:k"), time.Hour)
	require.Regexp(t, `^app:`, keyWith(t, b, "kv:k"))
}
