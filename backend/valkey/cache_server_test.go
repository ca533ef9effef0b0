package valkey_test

import (
	"context"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/mimeiapify/store"
	vkbackend "github.com/mimeiapify/store/backend/valkey"
	"github.com/mimeiapify/store/internal/testenv"
)

// invalidationBound is how late a cached read may still see a value that
// another client overwrote, in these tests: the invalidation message's
// delivery, with room for a loaded CI machine. The tests cache with a
// client_cache_ttl of a minute, so only an invalidation can refresh the
// value within the bound.
const invalidationBound = time.Second

// clusterURL is a valkey:// URL naming every seed of the cluster of
// STORE_TEST_VALKEY_CLUSTER.
func clusterURL(t testing.TB) string {
	seeds := strings.Split(testenv.Server(t, testenv.ValkeyCluster), ",")
	u := "valkey://" + strings.TrimSpace(seeds[0])
	for i, s := range seeds[1:] {
		if i == 0 {
			u += "?"
		} else {
			u += "&"
		}
		u += "addr=" + strings.TrimSpace(s)
	}
	return u
}

// cachedAndWriter opens, on the server of u, a backend with a client-side
// cache (a minute's TTL) and a plain one to write with.
func cachedAndWriter(t *testing.T, u string) (*vkbackend.Backend, *vkbackend.Backend) {
	t.Helper()
	return openURL(t, withParams(u, "client_cache=8MiB&client_cache_ttl=1m")), openURL(t, u)
}

func TestClientCacheServesRepeatedReadsLocally(t *testing.T) {
	testCacheHits(t, serverURL(t))
}

func TestClientCacheServesRepeatedReadsLocallyCluster(t *testing.T) {
	testCacheHits(t, clusterURL(t))
}

// testCacheHits: after the first read of each kind, the same reads are
// answered by the local cache, and give what the server holds.
func testCacheHits(t *testing.T, u string) {
	cached, writer := cachedAndWriter(t, u)
	n := countReads(cached)
	ctx := context.Background()
	keys := cacheKeys(t, writer, 8) // several hash slots on a cluster
	for _, k := range keys {
		require.NoError(t, writer.Set(ctx, k+":s", "v:"+k, time.Minute))
		_, err := writer.HSet(ctx, k+":h", map[string]string{"a": "1", "b": k})
		require.NoError(t, err)
		t.Cleanup(func() { _, _ = writer.Del(context.Background(), k+":s", k+":h") })
	}
	const rounds = 50
	for range rounds {
		for _, k := range keys {
			got, err := cached.Get(ctx, k+":s")
			require.NoError(t, err)
			require.Equal(t, "v:"+k, got)
			all, err := cached.HGetAll(ctx, k+":h")
			require.NoError(t, err)
			require.Equal(t, map[string]string{"a": "1", "b": k}, all)
			f, err := cached.HGet(ctx, k+":h", "b")
			require.NoError(t, err)
			require.Equal(t, k, f)
			m, err := cached.HMGet(ctx, k+":h", "a", "zz")
			require.NoError(t, err)
			require.Equal(t, map[string]string{"a": "1"}, m)
		}
	}
	reads := int64(rounds * len(keys) * 4)
	require.Equal(t, reads, n.hit.Load()+n.miss.Load())
	// The first read of each is a miss; more only if an invalidation
	// (another test deleting its keys) flushed a connection's cache.
	require.GreaterOrEqual(t, n.hit.Load(), reads*9/10, "misses: %d", n.miss.Load())
}

// TestClientCacheRepeatedReadsSendNothing: on a private server, whose
// statistics no other test disturbs, a thousand cached reads of each kind
// reach the server once each.
func TestClientCacheRepeatedReadsSendNothing(t *testing.T) {
	srv := testenv.StartRedis(t)
	u := "valkey://" + srv.Addr() + "/0"
	cached, writer := cachedAndWriter(t, u)
	ctx := context.Background()
	require.NoError(t, writer.Set(ctx, "s", "v", 0))
	_, err := writer.HSet(ctx, "h", map[string]string{"a": "1"})
	require.NoError(t, err)
	_, err = srv.Do("CONFIG", "RESETSTAT")
	require.NoError(t, err)
	for range 1000 {
		_, err = cached.Get(ctx, "s")
		require.NoError(t, err)
		_, err = cached.HGetAll(ctx, "h")
		require.NoError(t, err)
		_, err = cached.HGet(ctx, "h", "a")
		require.NoError(t, err)
		_, err = cached.HMGet(ctx, "h", "a")
		require.NoError(t, err)
	}
	info, err := srv.Do("INFO", "commandstats")
	require.NoError(t, err)
	for _, cmd := range []string{"get", "hgetall", "hget", "hmget"} {
		require.Equal(t, 1, commandCalls(t, info, cmd), "%s calls in\n%s", cmd, info)
	}
}

// commandCalls reads the calls of cmd from INFO commandstats.
func commandCalls(t *testing.T, info, cmd string) int {
	for line := range strings.SplitSeq(info, "\n") {
		rest, ok := strings.CutPrefix(strings.TrimSpace(line), "cmdstat_"+cmd+":calls=")
		if !ok {
			continue
		}
		n, err := strconv.Atoi(strings.Split(rest, ",")[0])
		require.NoError(t, err)
		return n
	}
	return 0
}

func TestClientCacheInvalidation(t *testing.T) {
	testInvalidation(t, serverURL(t))
}

func TestClientCacheInvalidationCluster(t *testing.T) {
	testInvalidation(t, clusterURL(t))
}

// testInvalidation measures, many times, how long after another client's
// write was acknowledged a cached read still gives the old value: the
// value is cached (a local hit) before each write, and the cache's TTL is
// a minute, so only the server's invalidation message can end it.
func testInvalidation(t *testing.T, u string) {
	cached, writer := cachedAndWriter(t, u)
	n := countReads(cached)
	ctx := context.Background()
	keys := cacheKeys(t, writer, 2)
	str, hash := keys[0], keys[1]
	for _, c := range []struct {
		name  string
		write func(v string) error
		read  func() (string, error)
	}{
		{"Get", func(v string) error { return writer.Set(ctx, str, v, time.Minute) },
			func() (string, error) { return cached.Get(ctx, str) }},
		{"HGetAll", func(v string) error { _, err := writer.HSet(ctx, hash, map[string]string{"v": v}); return err },
			func() (string, error) { m, err := cached.HGetAll(ctx, hash); return m["v"], err }},
	} {
		const samples = 200
		var delays []time.Duration
		staleReads := 0
		for i := range samples {
			old, next := strconv.Itoa(2*i), strconv.Itoa(2*i+1)
			require.NoError(t, c.write(old))
			// Read until the old value comes from the local cache.
			for hits := n.hit.Load(); ; runtime.Gosched() {
				got, err := c.read()
				require.NoError(t, err)
				if got == old && n.hit.Load() > hits {
					break
				}
				hits = n.hit.Load()
			}
			require.NoError(t, c.write(next))
			acked := time.Now()
			for {
				got, err := c.read()
				require.NoError(t, err)
				if got == next {
					break
				}
				require.Equal(t, old, got)
				staleReads++
				require.Less(t, time.Since(acked), invalidationBound, "%s: still %q", c.name, got)
				runtime.Gosched()
			}
			delays = append(delays, time.Since(acked))
		}
		slices.Sort(delays)
		t.Logf("%s: a write by another client reached the cache after: median %v, p99 %v, max %v (%d samples; %d stale reads in all)",
			c.name, delays[len(delays)/2], delays[len(delays)*99/100], delays[len(delays)-1], samples, staleReads)
	}
}

// TestClientCacheExpiredRecord: a record read through the cache is not
// found once its TTL has passed, although the cache's own TTL is a
// minute: the cached reply lives no longer than the key (valkey-go reads
// PTTL with the reply and caps the entry's life with it).
func TestClientCacheExpiredRecord(t *testing.T) {
	cached, writer := cachedAndWriter(t, serverURL(t))
	n := countReads(cached)
	ctx := context.Background()
	keys := cacheKeys(t, writer, 2)
	str, hash := keys[0], keys[1]
	const ttl = 300 * time.Millisecond
	require.NoError(t, writer.Set(ctx, str, "v", ttl))
	require.NoError(t, writer.Apply(ctx, &store.HSetOp{Key: hash, Fields: map[string]string{"a": "1"}}, &store.ExpireOp{Key: hash, TTL: ttl}))
	expires := time.Now().Add(ttl)
	for range 3 {
		got, err := cached.Get(ctx, str)
		require.NoError(t, err)
		require.Equal(t, "v", got)
		all, err := cached.HGetAll(ctx, hash)
		require.NoError(t, err)
		require.Equal(t, map[string]string{"a": "1"}, all)
	}
	require.Positive(t, n.hit.Load(), "the reads before expiry were served locally")
	// One round trip of slack (generous, for a loaded machine): the cache
	// counts the key's PTTL from when the reply arrived, a little after
	// the server measured it. The cache's own TTL is a minute.
	time.Sleep(time.Until(expires) + 100*time.Millisecond)
	_, err := cached.Get(ctx, str)
	require.ErrorIs(t, err, store.ErrNotFound)
	all, err := cached.HGetAll(ctx, hash)
	require.NoError(t, err)
	require.Empty(t, all)
}

// TestClientCacheMissingRecordAppears: "not found" is cached too, and a
// write by another client of the missing key ends it.
func TestClientCacheMissingRecordAppears(t *testing.T) {
	cached, writer := cachedAndWriter(t, serverURL(t))
	n := countReads(cached)
	ctx := context.Background()
	key := cacheKeys(t, writer, 1)[0]
	for range 3 {
		_, err := cached.Get(ctx, key)
		require.ErrorIs(t, err, store.ErrNotFound)
	}
	require.EqualValues(t, 2, n.hit.Load(), "a missing key is cached")
	require.NoError(t, writer.Set(ctx, key, "now", time.Minute))
	require.Eventually(t, func() bool {
		got, err := cached.Get(ctx, key)
		return err == nil && got == "now"
	}, invalidationBound, time.Millisecond)
}

// TestClientCacheTTLBoundsLocalLife: a key without a TTL of its own is
// served locally for at most client_cache_ttl, then read again from the
// server.
func TestClientCacheTTLBoundsLocalLife(t *testing.T) {
	u := serverURL(t)
	cached, writer := openURL(t, withParams(u, "client_cache=1MiB&client_cache_ttl=200ms")), openURL(t, u)
	n := countReads(cached)
	ctx := context.Background()
	key := cacheKeys(t, writer, 1)[0]
	require.NoError(t, writer.Set(ctx, key, "v", 0))
	_, err := cached.Get(ctx, key)
	require.NoError(t, err)
	first := time.Now()
	for time.Since(first) < 100*time.Millisecond {
		_, err = cached.Get(ctx, key)
		require.NoError(t, err)
	}
	require.Positive(t, n.hit.Load())
	time.Sleep(time.Until(first.Add(210 * time.Millisecond)))
	misses := n.miss.Load()
	_, err = cached.Get(ctx, key)
	require.NoError(t, err)
	require.Equal(t, misses+1, n.miss.Load(), "the entry outlived client_cache_ttl")
}

// TestClientCacheNotInUpdate: Update's reads go to the server on the
// connection that holds the WATCH, never through the cache, on one server
// and on a cluster (where a read outside the watched slot goes to the
// shared client).
func TestClientCacheNotInUpdate(t *testing.T) {
	testNotInUpdate(t, serverURL(t))
}

func TestClientCacheNotInUpdateCluster(t *testing.T) {
	testNotInUpdate(t, clusterURL(t))
}

func testNotInUpdate(t *testing.T, u string) {
	cached, writer := cachedAndWriter(t, u)
	n := countReads(cached)
	ctx := context.Background()
	keys := cacheKeys(t, writer, 8)
	for _, k := range keys {
		require.NoError(t, writer.Set(ctx, k, "v:"+k, time.Minute))
		for range 2 {
			_, err := cached.Get(ctx, k)
			require.NoError(t, err)
		}
	}
	before := n.hit.Load() + n.miss.Load()
	err := cached.Update(ctx, keys[:1], func(r store.Reader) ([]store.Op, error) {
		for _, k := range keys {
			got, err := r.Get(ctx, k)
			require.NoError(t, err)
			require.Equal(t, "v:"+k, got)
		}
		return []store.Op{&store.SetOp{Key: keys[0], Value: "new"}}, nil
	})
	require.NoError(t, err)
	require.Equal(t, before, n.hit.Load()+n.miss.Load(), "Update read through the cache")
}

// TestClientCacheOwnWriteThenRead: a backend's own write is seen by its
// next read, always: Redis sends the invalidation of a key that the
// writing client tracks after the write's reply (and on another
// connection for a write valkey-go sent there), so the backend reads the
// keys it wrote from the server for client_cache_ttl after each write.
// Then the cache serves them again.
func TestClientCacheOwnWriteThenRead(t *testing.T) {
	u := serverURL(t)
	cached, writer := openURL(t, withParams(u, "client_cache=1MiB&client_cache_ttl=300ms")), openURL(t, u)
	n := countReads(cached)
	ctx := context.Background()
	keys := cacheKeys(t, writer, 2)
	str, hash := keys[0], keys[1]
	for i := range 2000 {
		v := strconv.Itoa(i)
		// The cache holds the previous value, unless a write of the key
		// within the TTL makes reads skip it.
		if i%2 == 0 {
			require.NoError(t, cached.Set(ctx, str, v, time.Minute))
		} else {
			require.NoError(t, cached.Apply(ctx, &store.SetOp{Key: str, Value: v}))
		}
		got, err := cached.Get(ctx, str)
		require.NoError(t, err)
		require.Equal(t, v, got)
		require.NoError(t, cached.Update(ctx, []string{hash}, func(store.Reader) ([]store.Op, error) {
			return []store.Op{&store.HSetOp{Key: hash, Fields: map[string]string{"v": v}}}, nil
		}))
		all, err := cached.HGetAll(ctx, hash)
		require.NoError(t, err)
		require.Equal(t, v, all["v"])
	}
	require.Zero(t, n.hit.Load()+n.miss.Load(), "reads of keys written within the TTL skip the cache")
	time.Sleep(310 * time.Millisecond)
	for range 3 {
		_, err := cached.Get(ctx, str)
		require.NoError(t, err)
	}
	require.EqualValues(t, 2, n.hit.Load(), "after the TTL, the cache serves the key again")
}

// TestClientCacheMemoryBound: client_cache bounds the memory the cache
// holds. 64 values of 64 KiB (4 MiB) are read twice through a cache of
// 256 KiB: the second pass finds at most 256/64 of them locally, and the
// live heap grows by less than 512 KiB (without a cache: by nothing);
// through a cache of 64 MiB (the control, which shows the measure can
// fail) every second read is local and the heap grows by most of the
// 4 MiB held.
func TestClientCacheMemoryBound(t *testing.T) {
	srv := testenv.StartRedis(t)
	u := "valkey://" + srv.Addr() + "/0"
	writer := openURL(t, u)
	ctx := context.Background()
	const values, size = 64, 64 << 10
	keys := make([]string, values)
	for i := range keys {
		keys[i] = "big:" + strconv.Itoa(i)
		require.NoError(t, writer.Set(ctx, keys[i], strings.Repeat(strconv.Itoa(i%10), size), 0))
	}
	for _, c := range []struct {
		cache          string
		maxHits        int64
		minGrow, maxGr uint64
	}{
		{"0", 0, 0, 512 << 10},
		{"256KiB", 256 << 10 / size, 0, 512 << 10},
		{"64MiB", values, values * size / 2, 64 << 20},
	} {
		cached := openURL(t, withParams(u, "client_cache="+c.cache))
		n := countReads(cached)
		for _, k := range keys { // valkey-go makes connections and buffers on first use
			_, err := cached.Exists(ctx, k)
			require.NoError(t, err)
		}
		before := liveHeap()
		for range 2 {
			hits := n.hit.Load()
			for _, k := range keys {
				v, err := cached.Get(ctx, k)
				require.NoError(t, err)
				require.Len(t, v, size)
			}
			if hits = n.hit.Load() - hits; hits > 0 || c.maxHits == values {
				require.LessOrEqual(t, hits, c.maxHits, "client_cache=%s", c.cache)
			}
		}
		after := liveHeap()
		grow := after - min(before, after)
		t.Logf("client_cache=%s: %d of %d second reads local, live heap grew by %d KiB", c.cache, n.hit.Load(), values, grow>>10)
		if c.maxHits == values {
			require.EqualValues(t, values, n.hit.Load(), "client_cache=%s", c.cache)
		}
		require.GreaterOrEqual(t, grow, c.minGrow, "client_cache=%s", c.cache)
		require.Less(t, grow, c.maxGr, "client_cache=%s", c.cache)
		runtime.KeepAlive(cached)
		require.NoError(t, cached.Close())
	}
}

// liveHeap returns the bytes of live heap objects after a full GC.
func liveHeap() uint64 {
	var m runtime.MemStats
	runtime.GC()
	runtime.GC()
	runtime.ReadMemStats(&m)
	return m.HeapAlloc
}

// TestClientCacheCloseLeavesNoGoroutine: a backend with the cache, used
// on a server and on a cluster, leaves no goroutine behind after Close.
func TestClientCacheCloseLeavesNoGoroutine(t *testing.T) {
	for _, u := range []string{serverURL(t), clusterURL(t)} {
		before := goleak.IgnoreCurrent()
		sb, err := store.Open(context.Background(), withParams(u, "client_cache=1MiB"))
		require.NoError(t, err)
		ctx := context.Background()
		key := cacheKeys(t, sb, 1)[0]
		require.NoError(t, sb.Set(ctx, key, "v", time.Minute))
		time.Sleep(1100 * time.Millisecond) // past the read-your-writes window
		for range 3 {
			_, err = sb.Get(ctx, key)
			require.NoError(t, err)
		}
		_, err = sb.Del(ctx, key)
		require.NoError(t, err)
		require.NoError(t, sb.Close())
		goleak.VerifyNone(t, before, goleak.IgnoreAnyFunction("github.com/valkey-io/valkey-go.(*clusterClient)._refresh.func2"))
	}
}
