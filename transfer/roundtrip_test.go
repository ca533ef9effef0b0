package transfer_test

import (
	"context"
	"os"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/mimeiapify/store"
	"github.com/mimeiapify/store/internal/reposfill"
	"github.com/mimeiapify/store/repos"
	"github.com/mimeiapify/store/transfer"
)

// fillUsers is how many users the round trips write: 200 in CI, more with
// STORE_TEST_TRANSFER_USERS (1000 for the by-hand run).
func fillUsers(t *testing.T) int {
	if v := os.Getenv("STORE_TEST_TRANSFER_USERS"); v != "" {
		n, err := strconv.Atoi(v)
		require.NoError(t, err)
		return n
	}
	return 200
}

// pairs are the copies the round trip makes: every backend is a source and
// a target at least once.
var pairs = [][2]string{
	{"memory", "bolt"},
	{"bolt", "redis-miniredis"},
	{"redis-miniredis", "valkey-miniredis"},
	{"valkey-miniredis", "memory"},
	{"bolt", "redis-server"},
	{"redis-server", "redis-cluster"},
	{"redis-cluster", "valkey-server"},
	{"valkey-server", "valkey-cluster"},
}

// TestRoundTripBetweenBackends fills one backend with the repositories,
// copies it to another, compares them key by key, and checks that
// triggers copied to the target fire there.
func TestRoundTripBetweenBackends(t *testing.T) {
	for _, p := range pairs {
		t.Run(p[0]+"-to-"+p[1], func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			src, dst := kinds[p[0]](t), kinds[p[1]](t)
			soon, err := reposfill.Fill(ctx, src, reposfill.Options{Users: fillUsers(t), Soon: 3, SoonDelay: 2 * time.Second})
			require.NoError(t, err)

			st, err := transfer.Copy(ctx, src, dst, src.Scan(ctx, "*"), nil)
			require.NoError(t, err)
			require.Equal(t, st.Keys, st.Written)
			require.Greater(t, st.Written, int64(9*fillUsers(t)))

			require.Equal(t, keySet(t, src), keySet(t, dst))
			rep, err := transfer.Verify(ctx, src, dst, src.Scan(ctx, "*"))
			require.NoError(t, err)
			require.True(t, rep.OK(), "%+v", rep)
			require.Equal(t, rep.A, rep.B)

			requireFired(t, dst, soon)
		})
	}
}

// requireFired listens on b until every trigger of want fired.
func requireFired(t *testing.T, b store.Backend, want []reposfill.Fired) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	var mu sync.Mutex
	got := map[reposfill.Fired]bool{}
	done := make(chan error, 1)
	go func() {
		done <- repos.ListenTriggers(ctx, b, nil, func(_ context.Context, f repos.Fired) error {
			mu.Lock()
			defer mu.Unlock()
			got[reposfill.Fired{Tenant: f.Tenant, Action: f.Action, Ident: f.Identifier}] = true
			if len(got) == len(want) {
				cancel()
			}
			return nil
		}, nil)
	}()
	require.NoError(t, <-done)
	mu.Lock()
	defer mu.Unlock()
	for _, f := range want {
		require.True(t, got[f], "trigger %+v did not fire on the target", f)
	}
}
