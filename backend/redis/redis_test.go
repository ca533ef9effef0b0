package redis_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"strings"
	"testing"

	"github.com/alicebob/miniredis/v2"
	goredis "github.com/redis/go-redis/v9"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/mimeiapify/store"
	"github.com/mimeiapify/store/backend/redis"
	"github.com/mimeiapify/store/internal/glob"
	"github.com/mimeiapify/store/prefix"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// newMini returns a backend that owns its client on a fresh miniredis.
func newMini(t testing.TB) (*redis.Backend, *miniredis.Miniredis) {
	t.Helper()
	mr := miniredis.RunT(t)
	c := goredis.NewClient(&goredis.Options{Addr: mr.Addr(), DisableIdentity: true, ContextTimeoutEnabled: true})
	b := redis.New(c, &redis.Options{CloseClient: true})
	t.Cleanup(func() { _ = b.Close() })
	return b, mr
}

// realClient opens rawURL as Open does (defaults, ping) and returns its
// client, closed when t ends.
func realClient(t testing.TB, rawURL string) goredis.UniversalClient {
	t.Helper()
	b, err := redis.Open(context.Background(), rawURL)
	require.NoError(t, err)
	t.Cleanup(func() { _ = b.Close() })
	return b.Client()
}

// realBackend is a backend on a client of its own on rawURL, confined to
// a fresh prefix (see prefixed).
func realBackend(t testing.TB, rawURL string) store.Backend {
	t.Helper()
	return prefixed(t, realClient(t, rawURL))
}

// prefixed returns a backend on client, which it does not close, confined
// to a fresh prefix whose keys are deleted when t ends. Nothing else on
// the server is touched.
func prefixed(t testing.TB, client goredis.UniversalClient) store.Backend {
	t.Helper()
	return prefixedWith(t, client, nil)
}

// prefixedWith is prefixed with a backend made with opts.
func prefixedWith(t testing.TB, client goredis.UniversalClient, opts *redis.Options) store.Backend {
	t.Helper()
	b, _ := prefixedAt(t, client, opts)
	return b
}

// prefixedAt is prefixedWith that also returns the prefix.
func prefixedAt(t testing.TB, client goredis.UniversalClient, opts *redis.Options) (store.Backend, string) {
	t.Helper()
	p := uniquePrefix("conf")
	pb, err := prefix.New(redis.New(client, opts), p)
	require.NoError(t, err)
	t.Cleanup(func() { deletePrefix(t, client, p) })
	return pb, p
}

// uniquePrefix returns a fresh key prefix for one test on a shared server.
func uniquePrefix(name string) string {
	var b [6]byte
	_, _ = rand.Read(b[:])
	return name + "-" + hex.EncodeToString(b[:]) + ":"
}

// deletePrefix deletes every key under p, on a backend of its own: the
// one under test may be closed by then.
func deletePrefix(t testing.TB, client goredis.UniversalClient, p string) {
	t.Helper()
	cleaner := redis.New(client, nil)
	ctx := context.Background()
	var keys []string
	for k, err := range cleaner.Scan(ctx, glob.Escape(p)+"*") {
		require.NoError(t, err)
		keys = append(keys, k)
	}
	_, err := cleaner.Del(ctx, keys...)
	require.NoError(t, err)
}

// clusterURL turns seed addresses into a redis+cluster URL.
func clusterURL(seeds []string) string {
	u := "redis+cluster://" + strings.TrimSpace(seeds[0])
	for i, s := range seeds[1:] {
		sep := "&"
		if i == 0 {
			sep = "?"
		}
		u += sep + "addr=" + strings.TrimSpace(s)
	}
	return u
}
