package bolt

import (
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"go.etcd.io/bbolt"
)

// stored counts the records of a top-level bucket.
func stored(t *testing.T, b *Backend, bucket []byte) int {
	t.Helper()
	n := 0
	require.NoError(t, b.db.View(func(tx *bbolt.Tx) error {
		n = tx.Bucket(bucket).Stats().KeyN
		return nil
	}))
	return n
}

func TestSweepDeletesInBatches(t *testing.T) {
	b := newTest(t, &Options{SweepInterval: -1, SweepBatch: 7})
	for i := range 20 {
		_, err := b.SAdd(ctx, fmt.Sprint("s", i), "m")
		require.NoError(t, err)
		_, err = b.Expire(ctx, fmt.Sprint("s", i), time.Millisecond)
		require.NoError(t, err)
	}
	require.NoError(t, b.Set(ctx, "keep", "v", time.Hour))
	require.NoError(t, b.Set(ctx, "stale", "v", time.Millisecond))
	require.NoError(t, b.Set(ctx, "stale", "v", 0)) // leaves no index entry
	time.Sleep(5 * time.Millisecond)
	require.Equal(t, 22, stored(t, b, bucketMeta))
	n, err := b.sweep(ctx)
	require.NoError(t, err)
	require.Equal(t, 20, n)
	require.Equal(t, 2, stored(t, b, bucketMeta))
	require.Equal(t, 1, stored(t, b, bucketExpiry))
	require.NoError(t, b.db.View(func(tx *bbolt.Tx) error {
		require.Zero(t, tx.Bucket(bucketColls).Stats().BucketN-1, "nested buckets left")
		return nil
	}))
}

func TestSweeperRunsInBackground(t *testing.T) {
	b := newTest(t, &Options{SweepInterval: 5 * time.Millisecond})
	require.NoError(t, b.Set(ctx, "k", "v", time.Millisecond))
	require.Eventually(t, func() bool { return stored(t, b, bucketMeta) == 0 }, time.Second, 5*time.Millisecond)
	require.Equal(t, 0, stored(t, b, bucketExpiry))
}
