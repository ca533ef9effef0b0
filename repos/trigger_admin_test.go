package repos_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/mimeiapify/store"
	"github.com/mimeiapify/store/backend/memory"
	"github.com/mimeiapify/store/repos"
	"github.com/mimeiapify/store/transfer"
)

// TestRescheduleTriggersMakesACopiedTenantsTriggersFire copies one
// tenant's keys alone (no application-wide schedule) to another backend:
// its triggers fire there once rescheduled, and dead ones are listed.
func TestRescheduleTriggersMakesACopiedTenantsTriggersFire(t *testing.T) {
	forEachBackend(t, func(t *testing.T, dst store.Backend) {
		ctx := context.Background()
		src := memory.New(nil)
		defer src.Close()
		opts := &repos.Options{Prefix: "app"}
		tr, err := repos.NewTriggers(src, "a:b*", opts)
		require.NoError(t, err)
		require.NoError(t, tr.Set(ctx, "remind", "u{1}", "p1", repos.WithTTL(200*time.Millisecond)))
		require.NoError(t, tr.Set(ctx, "remind", "u2", "p2", repos.WithTTL(300*time.Millisecond)))
		other, err := repos.NewTriggers(src, "other", opts)
		require.NoError(t, err)
		require.NoError(t, other.Set(ctx, "x", "y", "", repos.WithTTL(time.Hour)))

		pat, err := repos.TenantPattern("app", "a:b*")
		require.NoError(t, err)
		_, err = transfer.Copy(ctx, src, dst, src.Scan(ctx, pat), nil)
		require.NoError(t, err)
		var keys []string
		for k, err := range dst.Scan(ctx, "*") {
			require.NoError(t, err)
			keys = append(keys, k)
		}
		n, err := repos.RescheduleTriggers(ctx, dst, keys, opts)
		require.NoError(t, err)
		require.Equal(t, 2, n)
		n, err = repos.RescheduleTriggers(ctx, dst, keys, opts)
		require.NoError(t, err)
		require.Equal(t, 2, n, "rescheduling again changes nothing")

		lctx, cancel := context.WithTimeout(ctx, 20*time.Second)
		defer cancel()
		var mu sync.Mutex
		got := map[string]int{}
		require.NoError(t, repos.ListenTriggers(lctx, dst, opts, func(_ context.Context, f repos.Fired) error {
			mu.Lock()
			defer mu.Unlock()
			got[f.Identifier+"/"+f.Payload]++
			if len(got) == 2 {
				cancel()
			}
			return nil
		}, &repos.ListenOptions{Interval: 20 * time.Millisecond}))
		require.Equal(t, map[string]int{"u{1}/p1": 1, "u2/p2": 1}, got)

		_, err = repos.RescheduleTriggers(ctx, dst, []string{"t:x:users"}, &repos.Options{Prefix: "a*"})
		require.ErrorIs(t, err, repos.ErrInvalidOption)
	})
}

func TestRescheduleTriggersListsADeadTriggerAgain(t *testing.T) {
	ctx := context.Background()
	src, dst := memory.New(nil), memory.New(nil)
	defer src.Close()
	defer dst.Close()
	tr, err := repos.NewTriggers(src, "t", nil)
	require.NoError(t, err)
	require.NoError(t, tr.Set(ctx, "a", "i", "p", repos.WithTTL(time.Millisecond)))
	lctx, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	go func() {
		for lctx.Err() == nil {
			if d, _ := tr.DeadTriggers(ctx); len(d) == 1 {
				cancel()
			}
			time.Sleep(10 * time.Millisecond)
		}
	}()
	require.NoError(t, tr.Listen(lctx, func(context.Context, repos.Fired) error {
		return errors.New("boom") // a failed attempt: the last of MaxAttempts 1
	}, &repos.ListenOptions{MaxAttempts: 1, Interval: 10 * time.Millisecond}))
	d, err := tr.DeadTriggers(ctx)
	require.NoError(t, err)
	require.Len(t, d, 1)

	pat, err := repos.TenantPattern("", "t")
	require.NoError(t, err)
	_, err = transfer.Copy(ctx, src, dst, src.Scan(ctx, pat), nil)
	require.NoError(t, err)
	dead, err := repos.DeadTriggers(ctx, dst, nil)
	require.NoError(t, err)
	require.Empty(t, dead, "the dead letters are application-wide: not copied")
	var keys []string
	for k := range dst.Scan(ctx, "*") {
		keys = append(keys, k)
	}
	n, err := repos.RescheduleTriggers(ctx, dst, keys, nil)
	require.NoError(t, err)
	require.Equal(t, 1, n)
	dead, err = repos.DeadTriggers(ctx, dst, nil)
	require.NoError(t, err)
	require.Len(t, dead, 1)
	require.Equal(t, "p", dead[0].Payload)
}
