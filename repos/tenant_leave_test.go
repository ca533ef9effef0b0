package repos_test

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/mimeiapify/store"
	"github.com/mimeiapify/store/repos"
)

// neighbours are tenants whose names look like "acme" to a careless glob
// or decoder.
var neighbours = []string{"acme*", "*", "%41cme", "acme2", "Acme", "acm", "acme:x", "[a]cme", "acme\\"}

// fillTenant writes users (users of them) and one of every other kind of
// record for tenant.
func fillTenant(t *testing.T, b store.Backend, tenant string, users int) {
	t.Helper()
	ctx := context.Background()
	for i := range users {
		var opts *repos.Options // the bulk without field index: cheaper to fill
		if i < 3 {
			opts = &repos.Options{IndexedFields: []string{"plan"}}
		}
		u, err := repos.NewUser(b, tenant, fmt.Sprintf("u%d", i), opts)
		require.NoError(t, err)
		require.NoError(t, u.Upsert(ctx, map[string]any{"plan": "pro", "n": i}))
	}
	ss, err := repos.NewSharedState(b, tenant, "u0", nil)
	require.NoError(t, err)
	require.NoError(t, ss.Set(ctx, "draft", map[string]any{"x": 1}))
	h, err := repos.NewStateHandler(b, tenant, "u0", nil)
	require.NoError(t, err)
	require.NoError(t, h.Set(ctx, "flow", map[string]any{"step": 1}))
	tb, err := repos.NewTable(b, tenant, nil)
	require.NoError(t, err)
	require.NoError(t, tb.SetRow(ctx, "orders", "o1", map[string]any{"x": 1}))
	bt, err := repos.NewBatch(b, tenant, nil)
	require.NoError(t, err)
	require.NoError(t, bt.Enqueue(ctx, mailQueue, "x"))
	tr, err := repos.NewTriggers(b, tenant, nil)
	require.NoError(t, err)
	require.NoError(t, tr.Set(ctx, "remind", "u0", "p", repos.WithTTL(time.Hour)))
	kv, err := repos.NewGeneric(b, tenant, nil)
	require.NoError(t, err)
	require.NoError(t, kv.Set(ctx, "k", "v"))
}

// withoutAcme returns snap without the keys of tenant "acme" and
// without the members and fields that name it in application-wide keys;
// keys left empty are dropped.
func withoutAcme(snap map[string]any) map[string]any {
	out := map[string]any{}
	for k, v := range snap {
		if strings.HasPrefix(k, "t:acme:") {
			continue
		}
		switch v := v.(type) {
		case []string:
			var keep []string
			for _, m := range v {
				ref := strings.HasPrefix(k, "triggers:") && strings.HasPrefix(m, "acme:")
				if m != "acme" && !ref {
					keep = append(keep, m)
				}
			}
			if len(keep) > 0 {
				out[k] = keep
			}
		case map[string]string:
			m := maps.Clone(v)
			delete(m, "acme")
			if len(m) > 0 {
				out[k] = m
			}
		default:
			out[k] = v
		}
	}
	return out
}

// TestDeleteTenantLeavesNeighboursUntouched deletes tenant "acme" (10,000
// users on memory, 2,000 on miniredis, 200 elsewhere) beside tenants named
// "acme*", "*", "%41cme" and others, and compares the full contents of
// the store before and after.
func TestDeleteTenantLeavesNeighboursUntouched(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b store.Backend) {
		ctx := context.Background()
		n := 200
		switch {
		case onMini(b):
			n = 2_000
		case isMemory(b):
			n = 10_000
		}
		fillTenant(t, b, "acme", n)
		for _, other := range neighbours {
			fillTenant(t, b, other, 3)
		}
		before := snapshot(t, b)
		var mine []string
		for k := range before {
			if strings.HasPrefix(k, "t:acme:") {
				mine = append(mine, k)
			}
		}
		var listed []string
		for k, err := range repos.TenantKeys(ctx, b, "acme", nil) {
			require.NoError(t, err)
			listed = append(listed, k)
		}
		slices.Sort(mine)
		slices.Sort(listed)
		require.Equal(t, mine, listed) // not ElementsMatch: quadratic

		deleted, err := repos.DeleteTenant(ctx, b, "acme", nil)
		require.NoError(t, err)
		require.EqualValues(t, len(mine), deleted)
		after := snapshot(t, b)
		require.Equal(t, withoutAcme(before), after, "only acme's keys and entries are gone")
		for k := range repos.TenantKeys(ctx, b, "acme", nil) {
			require.Fail(t, "key left", k)
		}
		pending, err := repos.PendingTenants(ctx, b, mailQueue.Service, nil)
		require.NoError(t, err)
		require.ElementsMatch(t, neighbours, pending)
	})
}

// isMemory reports whether b is the memory backend.
func isMemory(b store.Backend) bool {
	return strings.Contains(fmt.Sprintf("%T", b), "memory")
}

func TestTenantCallsRejectBadInput(t *testing.T) {
	ctx := context.Background()
	b := newCounting(nil)
	_, err := repos.DeleteTenant(ctx, b, "", nil)
	require.ErrorIs(t, err, repos.ErrInvalidID)
	_, err = repos.DeleteTenant(ctx, b, "t", &repos.Options{Prefix: "a*"})
	require.ErrorIs(t, err, repos.ErrInvalidOption)
	for _, err := range repos.TenantKeys(ctx, b, string(make([]byte, repos.MaxIDLen+1)), nil) {
		require.ErrorIs(t, err, repos.ErrInvalidID)
	}
	require.Zero(t, b.calls)
}
