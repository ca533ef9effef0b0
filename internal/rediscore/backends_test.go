package rediscore_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/url"
	"strings"
	"testing"

	"github.com/alicebob/miniredis/v2"
	goredis "github.com/redis/go-redis/v9"
	"github.com/stretchr/testify/require"
	"github.com/valkey-io/valkey-go"
	"go.uber.org/goleak"

	"github.com/mimeiapify/store"
	"github.com/mimeiapify/store/backend/redis"
	vkbackend "github.com/mimeiapify/store/backend/valkey"
	"github.com/mimeiapify/store/internal/glob"
	"github.com/mimeiapify/store/internal/testenv"
	"github.com/mimeiapify/store/prefix"
)

// TestMain checks for leaked goroutines. valkey-go's cluster client closes
// the connections a topology refresh replaced after 5 s, in a goroutine
// that Close does not stop: that one is the client's, and ignored.
func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m, goleak.IgnoreAnyFunction("github.com/valkey-io/valkey-go.(*clusterClient)._refresh.func2"))
}

// target is one backend under test, with what the shared tests need of
// the server under it. The behaviour of the core is tested once, here, on
// both backends (go-redis and valkey-go), each on miniredis, a real server
// and a real cluster.
type target struct {
	// b is the backend under test; on real servers it is confined to a
	// fresh prefix whose keys are deleted when the test ends.
	b store.Backend
	// other is another client's backend on the same keys: a concurrent
	// writer.
	other store.Backend
	// withScanCount returns a backend on the same client and keys whose
	// Scan sends COUNT n.
	withScanCount func(n int64) store.Backend
	// addrs are the servers (every master of a cluster).
	addrs []string
	// mini is the miniredis under b, nil on real servers.
	mini    *miniredis.Miniredis
	cluster bool
}

// flushScripts empties the script cache of every server under x.
func (x target) flushScripts(t *testing.T) {
	t.Helper()
	for _, a := range x.addrs {
		_, err := testenv.Do(a, "SCRIPT", "FLUSH")
		require.NoError(t, err)
	}
}

// each runs fn on both backends, each on miniredis and, when the server
// variables are set, on the real server and the real cluster.
func each(t *testing.T, fn func(t *testing.T, x target)) {
	for _, be := range []string{"redis", "valkey"} {
		t.Run(be+"/miniredis", func(t *testing.T) { fn(t, miniTarget(t, be)) })
		t.Run(be+"/server", func(t *testing.T) {
			env := map[string]string{"redis": testenv.RedisURL, "valkey": testenv.ValkeyURL}[be]
			raw := testenv.Server(t, env)
			u, err := url.Parse(raw)
			require.NoError(t, err)
			fn(t, realTarget(t, be, raw, []string{u.Host}))
		})
		t.Run(be+"/cluster", func(t *testing.T) {
			env := map[string]string{"redis": testenv.RedisCluster, "valkey": testenv.ValkeyCluster}[be]
			seeds := strings.Split(testenv.Server(t, env), ",")
			x := realTarget(t, be, clusterURL(be, seeds), seeds)
			x.cluster = true
			fn(t, x)
		})
	}
}

// eachMini is each on miniredis only, for tests that need its fault
// injection.
func eachMini(t *testing.T, fn func(t *testing.T, x target)) {
	for _, be := range []string{"redis", "valkey"} {
		t.Run(be, func(t *testing.T) { fn(t, miniTarget(t, be)) })
	}
}

// clusterURL is the URL of a cluster of seeds for backend be.
func clusterURL(be string, seeds []string) string {
	scheme := map[string]string{"redis": "redis+cluster", "valkey": "valkey"}[be]
	u := scheme + "://" + seeds[0]
	for i, s := range seeds[1:] {
		u += map[bool]string{true: "?", false: "&"}[i == 0] + "addr=" + s
	}
	return u
}

// open opens rawURL and closes the backend when t ends.
func open(t *testing.T, rawURL string) store.Backend {
	t.Helper()
	b, err := store.Open(context.Background(), rawURL)
	require.NoError(t, err)
	t.Cleanup(func() { _ = b.Close() })
	return b
}

// miniTarget is backend be on a fresh miniredis.
func miniTarget(t *testing.T, be string) target {
	mr := miniredis.RunT(t)
	raw := map[string]string{"redis": "redis://", "valkey": "valkey://"}[be] + mr.Addr()
	if be == "valkey" {
		raw += "?standalone=true"
	}
	b := open(t, raw)
	return target{b: b, other: open(t, raw), addrs: []string{mr.Addr()}, mini: mr,
		withScanCount: func(n int64) store.Backend { return withScanCount(b, n) }}
}

// realTarget is backend be on the server of rawURL, under a fresh prefix.
func realTarget(t *testing.T, be, rawURL string, addrs []string) target {
	var p [6]byte
	_, _ = rand.Read(p[:])
	pfx := "core-" + hex.EncodeToString(p[:]) + ":"
	raw := open(t, rawURL)
	t.Cleanup(func() { deletePrefix(t, raw, pfx) })
	under := func(b store.Backend) store.Backend {
		pb, err := prefix.New(b, pfx)
		require.NoError(t, err)
		return pb
	}
	return target{b: under(raw), other: under(open(t, rawURL)), addrs: addrs,
		withScanCount: func(n int64) store.Backend { return under(withScanCount(raw, n)) }}
}

// withScanCount is a backend on b's client whose Scan sends COUNT n.
func withScanCount(b store.Backend, n int64) store.Backend {
	switch x := b.(type) {
	case interface {
		Client() goredis.UniversalClient
	}:
		return redis.New(x.Client(), &redis.Options{ScanCount: n})
	case interface{ Client() valkey.Client }:
		return vkbackend.New(x.Client(), &vkbackend.Options{ScanCount: n})
	}
	panic("unknown backend")
}

// deletePrefix deletes every key under p.
func deletePrefix(t *testing.T, b store.Backend, p string) {
	t.Helper()
	ctx := context.Background()
	var keys []string
	for k, err := range b.Scan(ctx, glob.Escape(p)+"*") {
		require.NoError(t, err)
		keys = append(keys, k)
	}
	_, err := b.Del(ctx, keys...)
	require.NoError(t, err)
}
