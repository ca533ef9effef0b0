package valkey_test

import (
	"context"
	"fmt"
	"os"
	"runtime"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/mimeiapify/store"
	vkbackend "github.com/mimeiapify/store/backend/valkey"
)

func TestParseURLClientCache(t *testing.T) {
	opt, opts, err := vkbackend.ParseURL("valkey://h:1/0?client_cache=64MiB")
	require.NoError(t, err)
	require.False(t, opt.DisableCache)
	conns := 1 << min(2, max(0, log2(runtime.GOMAXPROCS(0))))
	require.Equal(t, 64<<20/conns, opt.CacheSizeEachConn, "client_cache is split over the pipelined connections")
	require.Equal(t, vkbackend.DefaultClientCacheTTL, opts.ClientCacheTTL)

	for size, want := range map[string]int{"2048": 2048, "4096B": 4096, "512KiB": 512 << 10, "1GiB": 1 << 30} {
		opt, opts, err = vkbackend.ParseURL("valkey://h:1?client_cache=" + size + "&client_cache_ttl=250ms")
		require.NoError(t, err, size)
		require.Equal(t, want/conns, opt.CacheSizeEachConn, size)
		require.Equal(t, 250*time.Millisecond, opts.ClientCacheTTL, size)
	}

	for _, u := range []string{"valkey://h:1", "valkey://h:1?client_cache=0"} {
		opt, opts, err = vkbackend.ParseURL(u)
		require.NoError(t, err, u)
		require.True(t, opt.DisableCache, "%s: no CLIENT TRACKING without client_cache", u)
		require.Zero(t, opts.ClientCacheTTL, u)
	}
}

func TestParseURLClientCacheRejects(t *testing.T) {
	for _, tt := range []struct{ params, want string }{
		{"client_cache=64MB", `client_cache="64MB" must be a size`},
		{"client_cache=-1KiB", `client_cache="-1KiB"`},
		{"client_cache=512", "at least 1KiB"},
		{"client_cache=lots", `client_cache="lots"`},
		{"client_cache=99999999999GiB", "client_cache="},
		{"client_cache_ttl=1s", "client_cache_ttl needs client_cache"},
		{"client_cache=0&client_cache_ttl=1s", "client_cache_ttl needs client_cache"},
		{"client_cache=1MiB&client_cache_ttl=500us", `client_cache_ttl="500us" must be a duration of at least 1ms`},
		{"client_cache=1MiB&client_cache_ttl=-1s", `client_cache_ttl="-1s"`},
		{"client_cache=1MiB&client_cache_ttl=soon", `client_cache_ttl="soon"`},
		{"client_cache=1MiB&protocol=2", "client_cache needs RESP3"},
	} {
		_, _, err := vkbackend.ParseURL("valkey://h:1?" + tt.params)
		require.ErrorIs(t, err, store.ErrInvalidArgument, tt.params)
		require.ErrorContains(t, err, tt.want, tt.params)
	}
}

// TestClientCacheOnMiniredisFailsClearly: miniredis has no CLIENT
// TRACKING, so asking for the cache fails at Open, saying why, and
// leaves no goroutine behind (TestMain).
func TestClientCacheOnMiniredisFailsClearly(t *testing.T) {
	mr := newMiniServer(t)
	b, err := store.Open(context.Background(), "valkey://"+mr.Addr()+"/0?standalone=true&client_cache=1MiB")
	require.True(t, b == nil)
	require.ErrorIs(t, err, store.ErrUnsupported)
	require.ErrorContains(t, err, "client_cache needs a server with client-side caching (CLIENT TRACKING")
	require.ErrorContains(t, err, mr.Addr())
}

// TestClientCacheOptionOnANonCachingClientReadsTheServer: with a client
// built with DisableCache, ClientCacheTTL changes nothing: every read
// goes to the server.
func TestClientCacheOptionOnANonCachingClientReadsTheServer(t *testing.T) {
	mr := newMiniServer(t)
	b := vkbackend.New(miniClient(t, mr), &vkbackend.Options{CloseClient: true, ClientCacheTTL: time.Minute})
	t.Cleanup(func() { _ = b.Close() })
	var hits atomic.Int64
	vkbackend.OnCachedRead(b, func(hit bool) {
		if hit {
			hits.Add(1)
		}
	})
	ctx := context.Background()
	require.NoError(t, b.Set(ctx, "k", "v1", 0))
	for range 3 {
		got, err := b.Get(ctx, "k")
		require.NoError(t, err)
		require.Equal(t, "v1", got)
	}
	require.NoError(t, mr.Set("k", "v2"))
	got, err := b.Get(ctx, "k")
	require.NoError(t, err)
	require.Equal(t, "v2", got)
	require.Zero(t, hits.Load())
}

func log2(n int) int {
	l := 0
	for n > 1 {
		n >>= 1
		l++
	}
	return l
}

// withParams adds query parameters to a URL.
func withParams(u, params string) string {
	if strings.Contains(u, "?") {
		return u + "&" + params
	}
	return u + "?" + params
}

// openURL opens a backend by URL and closes it when the test ends.
func openURL(t testing.TB, u string) *vkbackend.Backend {
	t.Helper()
	sb, err := store.Open(context.Background(), u)
	require.NoError(t, err)
	t.Cleanup(func() { _ = sb.Close() })
	return sb.(*vkbackend.Backend)
}

// reads counts a cached backend's reads served locally and by the server.
type reads struct{ hit, miss atomic.Int64 }

// countReads starts counting b's cached reads.
func countReads(b *vkbackend.Backend) *reads {
	r := &reads{}
	vkbackend.OnCachedRead(b, func(hit bool) {
		if hit {
			r.hit.Add(1)
		} else {
			r.miss.Add(1)
		}
	})
	return r
}

// cacheKeys returns n fresh key names, deleted through b when the test
// ends; n keys in different hash slots unless they are tagged.
func cacheKeys(t testing.TB, b store.Backend, n int) []string {
	t.Helper()
	p := fmt.Sprintf("cachetest:%d:%d:%d:", os.Getpid(), time.Now().UnixNano(), counter.Add(1))
	keys := make([]string, n)
	for i := range keys {
		keys[i] = fmt.Sprintf("%s%d", p, i)
	}
	t.Cleanup(func() {
		for _, k := range keys {
			_, _ = b.Del(context.Background(), k)
		}
	})
	return keys
}
