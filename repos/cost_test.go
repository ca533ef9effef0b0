package repos_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/mimeiapify/store"
	"github.com/mimeiapify/store/repos"
	"github.com/stretchr/testify/require"
)

// TestCostTouchesOnlyTheUsersKeys fills the store with 100,000 unrelated
// keys (other users of the same tenant and other tenants) and checks that
// each call costs the documented number of backend calls, never scans,
// and touches only the user's own keys.
func TestCostTouchesOnlyTheUsersKeys(t *testing.T) {
	forEachBackend(t, func(t *testing.T, raw store.Backend) {
		ctx := context.Background()
		for i := range 100_000 {
			tenant := "acme"
			if i%2 == 1 {
				tenant = fmt.Sprintf("t%d", i%97)
			}
			k := fmt.Sprintf("t:%s:{%s:x%d}:shared:s", tenant, tenant, i)
			_, err := raw.HSet(ctx, k, map[string]string{"x": "1"})
			require.NoError(t, err)
		}
		b := newCounting(raw)
		ss, err := repos.NewSharedState(b, "acme", "u1", nil)
		require.NoError(t, err)
		for i := range 10 {
			require.NoError(t, ss.Set(ctx, fmt.Sprintf("s%d", i), map[string]string{"x": "1"}))
		}
		own := "t:acme:{acme:u1}:"
		cases := []struct {
			name  string
			calls int
			run   func() error
		}{
			{"List", 2, func() error { _, err := ss.List(ctx); return err }},
			{"Set", 1, func() error { return ss.Set(ctx, "s0", map[string]string{"y": "2"}) }},
			{"SetField", 1, func() error { return ss.SetField(ctx, "s1", "y", 2) }},
			{"Get", 1, func() error { _, err := ss.Get(ctx, "s1"); return err }},
			{"Delete", 1, func() error { return ss.Delete(ctx, "s2") }},
			{"Clear", 1, func() error { return ss.Clear(ctx) }},
		}
		for _, c := range cases {
			b.reset()
			require.NoError(t, c.run(), c.name)
			require.Equal(t, c.calls, b.calls, c.name)
			require.Zero(t, b.scans, c.name)
			for _, k := range b.touched() {
				require.True(t, strings.HasPrefix(k, own), "%s touched %q", c.name, k)
			}
			t.Logf("%s: %d calls, %d keys", c.name, b.calls, len(b.touched()))
		}
	})
}

// TestCostUserAndHandler checks the documented call counts of User and
// StateHandler.
func TestCostUserAndHandler(t *testing.T) {
	forEachBackend(t, func(t *testing.T, raw store.Backend) {
		ctx := context.Background()
		b := newCounting(raw)
		u, err := repos.NewUser(b, "acme", "u1", nil)
		require.NoError(t, err)
		h, err := repos.NewStateHandler(b, "acme", "u1", nil)
		require.NoError(t, err)
		cases := []struct {
			name  string
			calls int
			run   func() error
		}{
			{"User.Upsert", 2, func() error { return u.Upsert(ctx, map[string]any{"n": 1}) }},
			{"User.Get", 1, func() error { _, err := u.Get(ctx); return err }},
			{"User.Incr", 1, func() error { _, err := u.Incr(ctx, "n", 1); return err }},
			{"User.UpdateField", 1, func() error { return u.UpdateField(ctx, "n", 5) }},
			{"User.AppendToField", 1, func() error { return u.AppendToField(ctx, "l", 5) }},
			{"User.Exists", 1, func() error { _, err := u.Exists(ctx); return err }},
			{"User.Delete", 2, func() error { _, err := u.Delete(ctx); return err }},
			{"Handler.Set", 1, func() error { return h.Set(ctx, "h", map[string]any{"n": 1}) }},
			{"Handler.Upsert", 1, func() error { _, err := h.Upsert(ctx, "h", map[string]any{"m": 1}); return err }},
			{"Handler.Get", 1, func() error { _, err := h.Get(ctx, "h"); return err }},
			{"Handler.Delete", 1, func() error { _, err := h.Delete(ctx, "h"); return err }},
		}
		for _, c := range cases {
			b.reset()
			require.NoError(t, c.run(), c.name)
			require.Equal(t, c.calls, b.calls, c.name)
		}
	})
}
