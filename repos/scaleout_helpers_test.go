package repos_test

import (
	"context"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/mimeiapify/store"
	"github.com/mimeiapify/store/internal/testenv"
)

// maxMasterShare is the most any master may take of the server commands
// of one phase of a scale-out test, as a multiple of its fair share.
const maxMasterShare = 1.35

// privateCluster starts a private 3-master cluster (so that no other test
// disturbs the per-master counts) and opens a backend on it; it skips
// without a redis-server binary.
func privateCluster(t *testing.T) (*testenv.Cluster, store.Backend) {
	t.Helper()
	c := testenv.StartCluster(t, 3)
	seeds := strings.Split(c.Seeds(), ",")
	url := "redis+cluster://" + seeds[0]
	for i, s := range seeds[1:] {
		sep := "&"
		if i == 0 {
			sep = "?"
		}
		url += sep + "addr=" + s
	}
	b, err := store.Open(context.Background(), url)
	require.NoError(t, err)
	t.Cleanup(func() { _ = b.Close() })
	return c, b
}

// masterShares runs phase and returns each master's part of the server
// commands it caused, as a multiple of its fair share (see
// testenv.Shares).
func masterShares(t *testing.T, c *testenv.Cluster, phase func()) []float64 {
	t.Helper()
	before, err := c.CommandCalls()
	require.NoError(t, err)
	phase()
	after, err := c.CommandCalls()
	require.NoError(t, err)
	total := int64(0)
	for i := range after {
		total += after[i] - before[i]
	}
	shares := testenv.Shares(before, after)
	t.Logf("%d server commands, shares of the fair share per master: %.2f", total, shares)
	return shares
}

// requireFairShares fails when a master took more than maxMasterShare of
// its fair share in the phase named what.
func requireFairShares(t *testing.T, what string, shares []float64) {
	t.Helper()
	for i, s := range shares {
		require.LessOrEqual(t, s, maxMasterShare, "%s: master %d took %.2fx its fair share (%.2f)", what, i, s, shares)
	}
}
