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

// hostileIDs are ids a malicious tenant B may pick.
var hostileIDs = []string{
	"*", "?", "[", "]", "[a-z]", "\\", "\\*", ":", "::", "{", "}", "{a}", " ", "a b", "\x00",
	"é", "日本", "%2A", "a*", "t:a", "a:{a:u0}", "u0", "a", "users", "*:*", strings.Repeat("*", 512),
}

// isolationSnapshot returns every key and its value (hashes and sets only) of the
// store.
func isolationSnapshot(t *testing.T, b store.Backend) map[string]string {
	t.Helper()
	ctx := context.Background()
	out := map[string]string{}
	for k, err := range b.Scan(ctx, "*") {
		require.NoError(t, err)
		typ, err := b.Type(ctx, k)
		require.NoError(t, err)
		switch typ {
		case store.TypeHash:
			h, err := b.HGetAll(ctx, k)
			require.NoError(t, err)
			out[k] = fmt.Sprint(h)
		case store.TypeSet:
			m, err := b.SCard(ctx, k)
			require.NoError(t, err)
			out[k] = fmt.Sprint(m)
		}
	}
	return out
}

func TestTenantIsolationAgainstHostileIDs(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b store.Backend) {
		ctx := context.Background()
		for i := range 1000 {
			id := fmt.Sprintf("u%d", i)
			u, err := repos.NewUser(b, "a", id, nil)
			require.NoError(t, err)
			require.NoError(t, u.Upsert(ctx, map[string]any{"n": i}))
			if i%100 == 0 {
				ss, err := repos.NewSharedState(b, "a", id, nil)
				require.NoError(t, err)
				require.NoError(t, ss.Set(ctx, "s", map[string]string{"x": "1"}))
				h, err := repos.NewStateHandler(b, "a", id, nil)
				require.NoError(t, err)
				require.NoError(t, h.Set(ctx, "h", map[string]string{"x": "1"}))
			}
		}
		before := isolationSnapshot(t, b)
		require.Len(t, before, 1000+repos.UserBuckets+3*10) // records, index buckets, 10 x (state, shared, shared index)
		for _, tenant := range hostileIDs {
			if tenant == "a" {
				continue // B is another tenant
			}
			for _, id := range hostileIDs {
				attackAsTenant(t, b, tenant, id)
			}
		}
		require.Equal(t, before, isolationSnapshot(t, b))
	})
}

// attackAsTenant calls every delete and clear tenant may call with id.
func attackAsTenant(t *testing.T, b store.Backend, tenant, id string) {
	ctx := context.Background()
	u, err := repos.NewUser(b, tenant, id, nil)
	require.NoError(t, err)
	_, err = u.Delete(ctx)
	require.NoError(t, err)
	ss, err := repos.NewSharedState(b, tenant, id, nil)
	require.NoError(t, err)
	require.NoError(t, ss.Delete(ctx, id))
	require.NoError(t, ss.Clear(ctx))
	h, err := repos.NewStateHandler(b, tenant, id, nil)
	require.NoError(t, err)
	_, err = h.Delete(ctx, id)
	require.NoError(t, err)
	us, err := repos.NewUsers(b, tenant, nil)
	require.NoError(t, err)
	_, err = us.FindBy(ctx, "n", "1")
	require.NoError(t, err)
}
