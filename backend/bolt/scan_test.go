package bolt

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// TestScanChunksHoldNoTransaction scans past several chunks and checks
// that no read transaction is open while the loop body runs, and that
// the body may write.
func TestScanChunksHoldNoTransaction(t *testing.T) {
	b := newTest(t, &Options{SweepInterval: -1, NoSync: true})
	const n = 3*scanChunk + 10
	for i := range n {
		require.NoError(t, b.Set(ctx, fmt.Sprintf("user:%04d", i), "v", 0))
	}
	require.NoError(t, b.Set(ctx, "other", "v", 0))
	require.NoError(t, b.Set(ctx, "user:gone", "v", time.Millisecond))
	time.Sleep(3 * time.Millisecond)
	var got []string
	for k, err := range b.Scan(ctx, "user:*") {
		require.NoError(t, err)
		require.Zero(t, b.db.Stats().OpenTxN, "read transaction held across yield")
		require.NoError(t, b.Set(ctx, "other", k, 0))
		got = append(got, k)
	}
	require.Len(t, got, n)
	require.Equal(t, "user:0000", got[0])
	require.Equal(t, fmt.Sprintf("user:%04d", n-1), got[n-1])
}

func TestScanPatternsAndEarlyStop(t *testing.T) {
	b := newTest(t, nil)
	for _, k := range []string{"", "a*b", "a\\b", "ab", "b"} {
		require.NoError(t, b.Set(ctx, k, "v", 0))
	}
	scan := func(p string) []string {
		var out []string
		for k, err := range b.Scan(ctx, p) {
			require.NoError(t, err)
			out = append(out, k)
		}
		return out
	}
	require.Equal(t, []string{"", "a*b", "a\\b", "ab", "b"}, scan("*"))
	require.Equal(t, []string{"a*b"}, scan("a\\*b"))
	require.Equal(t, []string{"a\\b"}, scan("a\\\\b"))
	require.Equal(t, []string{"a*b", "a\\b"}, scan("a?b"))
	require.Empty(t, scan("zz*"))
	for range b.Scan(ctx, "*") {
		break
	}
	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	errs := 0
	for _, err := range b.Scan(cancelled, "*") {
		require.ErrorIs(t, err, context.Canceled)
		errs++
	}
	require.Equal(t, 1, errs)
}
