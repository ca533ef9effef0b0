package storeotel_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"testing"

	goredis "github.com/redis/go-redis/v9"
	"github.com/stretchr/testify/require"
	"github.com/valkey-io/valkey-go"

	"github.com/mimeiapify/store"
	"github.com/mimeiapify/store/backend/redis"
	vkbackend "github.com/mimeiapify/store/backend/valkey"
	"github.com/mimeiapify/store/conformance"
	"github.com/mimeiapify/store/internal/testenv"
	"github.com/mimeiapify/store/prefix"
)

// realHarness runs each subtest through the decorator on a backend that
// mk makes on a shared client (closing it leaves the client open), under
// a fresh prefix that is purged afterwards.
func realHarness(mk func() store.Backend) conformance.Harness {
	return conformance.Harness{New: func(t *testing.T) conformance.Instance {
		var tag [6]byte
		_, _ = rand.Read(tag[:])
		p := "storeotel-" + hex.EncodeToString(tag[:]) + ":"
		pb, err := prefix.New(mk(), p)
		require.NoError(t, err)
		t.Cleanup(func() {
			cleaner, err := prefix.New(mk(), p)
			require.NoError(t, err)
			_, err = cleaner.Purge(context.Background())
			require.NoError(t, err)
		})
		return conformance.Instance{Backend: wrap(t, pb)}
	}}
}

// openShared opens rawURL and returns the backend, closed when t ends.
func openShared(t *testing.T, rawURL string) store.Backend {
	b, err := store.Open(context.Background(), rawURL)
	require.NoError(t, err)
	t.Cleanup(func() { _ = b.Close() })
	return b
}

func TestConformanceRedisServer(t *testing.T) {
	b := openShared(t, testenv.Server(t, testenv.RedisURL))
	client := b.(interface {
		Client() goredis.UniversalClient
	}).Client()
	conformance.Run(t, realHarness(func() store.Backend { return redis.New(client, nil) }))
}

func TestConformanceValkeyServer(t *testing.T) {
	b := openShared(t, testenv.Server(t, testenv.ValkeyURL))
	client := b.(interface{ Client() valkey.Client }).Client()
	conformance.Run(t, realHarness(func() store.Backend { return vkbackend.New(client, nil) }))
}
