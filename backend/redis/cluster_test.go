package redis_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	goredis "github.com/redis/go-redis/v9"
	"github.com/stretchr/testify/require"

	"github.com/mimeiapify/store"
	"github.com/mimeiapify/store/backend/redis"
	"github.com/mimeiapify/store/internal/testenv"
)

// clusterClient returns a client, closed at cleanup, on the cluster of
// STORE_TEST_REDIS_CLUSTER.
func clusterClient(t *testing.T) goredis.UniversalClient {
	t.Helper()
	seeds := strings.Split(testenv.Server(t, testenv.RedisCluster), ",")
	c := realClient(t, clusterURL(seeds))
	require.IsType(t, &goredis.ClusterClient{}, c)
	return c
}

// scanEveryKeyOnce writes n keys spread over many hash slots and checks
// that Scan, paging with a small COUNT, yields each exactly once.
func scanEveryKeyOnce(t *testing.T, client goredis.UniversalClient) {
	b := prefixedWith(t, client, &redis.Options{ScanCount: 7})
	ctx := context.Background()
	const n = 300
	for i := range n {
		require.NoError(t, b.Set(ctx, fmt.Sprintf("k%d", i), "v", 0))
	}
	require.NoError(t, b.Set(ctx, "other", "v", 0))
	got := map[string]bool{}
	for k, err := range b.Scan(ctx, "k*") {
		require.NoError(t, err)
		require.False(t, got[k], "key %q yielded twice", k)
		got[k] = true
	}
	require.Len(t, got, n)
}

func TestScanPagesRealServer(t *testing.T) {
	scanEveryKeyOnce(t, realClient(t, testenv.Server(t, testenv.RedisURL)))
}

func TestScanPagesEveryMaster(t *testing.T) {
	scanEveryKeyOnce(t, clusterClient(t))
}

// TestClusterCrossSlot: multi-key Exists and Del work across hash slots;
// an atomic call across slots fails with ErrInvalidArgument before
// sending; Update reads keys of other slots unguarded.
func TestClusterCrossSlot(t *testing.T) {
	b := prefixed(t, clusterClient(t))
	ctx := context.Background()
	for _, k := range []string{"a", "b", "c", "d"} {
		require.NoError(t, b.Set(ctx, k, "v", 0))
	}
	n, err := b.Exists(ctx, "a", "b", "c", "d", "a", "missing")
	require.NoError(t, err, "keys of many slots are sent per slot")
	require.EqualValues(t, 5, n)

	err = b.Apply(ctx, &store.SetOp{Key: "a", Value: "1"}, &store.SetOp{Key: "b", Value: "1"})
	require.ErrorIs(t, err, store.ErrInvalidArgument)
	err = b.Update(ctx, []string{"a", "b"}, func(store.Reader) ([]store.Op, error) { return nil, nil })
	require.ErrorIs(t, err, store.ErrInvalidArgument)
	err = b.Update(ctx, []string{"{t}x"}, func(store.Reader) ([]store.Op, error) {
		return []store.Op{&store.SetOp{Key: "a", Value: "1"}}, nil
	})
	require.ErrorIs(t, err, store.ErrInvalidArgument, "the ops must share the watched slot")

	require.NoError(t, b.Update(ctx, []string{"{t}x"}, func(r store.Reader) ([]store.Op, error) {
		v, err := r.Get(ctx, "c") // another slot: read unguarded
		if err != nil {
			return nil, err
		}
		return []store.Op{&store.SetOp{Key: "{t}x", Value: v}, &store.HSetOp{Key: "{t}h", Fields: map[string]string{"f": v}}}, nil
	}))
	got, err := b.HGet(ctx, "{t}h", "f")
	require.NoError(t, err)
	require.Equal(t, "v", got)

	n, err = b.Del(ctx, "a", "b", "c", "d", "missing")
	require.NoError(t, err)
	require.EqualValues(t, 4, n)
}
