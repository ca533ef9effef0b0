package valkey_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/stretchr/testify/require"
	"github.com/valkey-io/valkey-go"

	"github.com/mimeiapify/store"
	vkbackend "github.com/mimeiapify/store/backend/valkey"
)

// scanAll collects what Scan yields and fails on a duplicate.
func scanAll(t *testing.T, b store.Backend, pattern string) map[string]bool {
	t.Helper()
	got := map[string]bool{}
	for k, err := range b.Scan(context.Background(), pattern) {
		require.NoError(t, err)
		require.False(t, got[k], "key %q yielded twice", k)
		got[k] = true
	}
	return got
}

// scanEveryKeyOnce writes n keys spread over many hash slots and checks
// that Scan, paging with a small COUNT, yields each exactly once.
func scanEveryKeyOnce(t *testing.T, client valkey.Client) {
	b := prefixed(t, vkbackend.New(client, &vkbackend.Options{ScanCount: 7}))
	ctx := context.Background()
	const n = 300
	for i := range n {
		require.NoError(t, b.Set(ctx, fmt.Sprintf("k%d", i), "v", 0))
	}
	require.NoError(t, b.Set(ctx, "other", "v", 0))
	got := scanAll(t, b, "k*")
	require.Len(t, got, n)
	for i := range n {
		require.True(t, got[fmt.Sprintf("k%d", i)])
	}
}

func TestScanPagesServer(t *testing.T) {
	scanEveryKeyOnce(t, openClient(t, serverURL(t)))
}

func TestScanWalksEveryMaster(t *testing.T) {
	client := clusterClient(t)
	scanEveryKeyOnce(t, client)
}

func TestClusterCrossSlot(t *testing.T) {
	client := clusterClient(t)
	b := prefixed(t, vkbackend.New(client, nil))
	ctx := context.Background()
	for _, k := range []string{"a", "b", "c", "d"} {
		require.NoError(t, b.Set(ctx, k, "v", 0))
	}
	n, err := b.Exists(ctx, "a", "b", "c", "d", "a", "missing")
	require.NoError(t, err, "keys of many slots are sent per slot")
	require.EqualValues(t, 5, n)

	err = b.Apply(ctx, &store.SetOp{Key: "a", Value: "1"}, &store.SetOp{Key: "b", Value: "1"})
	require.ErrorIs(t, err, store.ErrInvalidArgument, "a group over two slots is refused, not a panic")
	err = b.Update(ctx, []string{"a", "b"}, func(store.Reader) ([]store.Op, error) { return nil, nil })
	require.ErrorIs(t, err, store.ErrInvalidArgument)

	require.NoError(t, b.Update(ctx, []string{"{t}x"}, func(r store.Reader) ([]store.Op, error) {
		v, err := r.Get(ctx, "c") // another slot: read unguarded, no panic
		if err != nil {
			return nil, err
		}
		return []store.Op{&store.SetOp{Key: "{t}x", Value: v}, &store.HSetOp{Key: "{t}h", Fields: map[string]string{"f": v}}}, nil
	}))
	got, err := b.HGet(ctx, "{t}h", "f")
	require.NoError(t, err)
	require.Equal(t, "v", got)

	n, err = b.Del(ctx, "a", "b", "c", "d")
	require.NoError(t, err)
	require.EqualValues(t, 4, n)
}
