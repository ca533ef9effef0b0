package repos_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	goredis "github.com/redis/go-redis/v9"
	"github.com/stretchr/testify/require"

	"github.com/mimeiapify/store"
	"github.com/mimeiapify/store/backend/bolt"
	"github.com/mimeiapify/store/backend/memory"
	"github.com/mimeiapify/store/internal/testenv"
	"github.com/mimeiapify/store/prefix"
	"github.com/mimeiapify/store/repos"
)

// benchListeners is how many listeners (or raw pollers) drain a backlog.
const benchListeners = 4

// BenchmarkTriggerDelivery drains a backlog of b.N due triggers with 4
// listeners (ns/op is the cost of one delivery: claim, handler, complete)
// on each backend available, and, on a real Redis, beside the raw
// go-redis baseline: the classic sorted-set poller (ZADD; ZRANGE BYSCORE,
// then ZREM to claim), which delivers at most once, keeps no lease and no
// retry, and serves one queue rather than a tenant-indexed schedule.
// BenchmarkTriggerDrainVsRaw runs the two in alternating rounds.
//
//	go test -run XXX -bench TriggerDelivery ./repos
func BenchmarkTriggerDelivery(b *testing.B) {
	for _, c := range benchTargets(b) {
		b.Run(c.name, func(b *testing.B) {
			benchListen(b, c.open(b))
		})
	}
	if url := os.Getenv(testenv.RedisURL); url != "" {
		b.Run("raw-go-redis-zset", func(b *testing.B) { benchRawZSet(b, url) })
	}
}

// benchTarget is a backend the benchmarks run on.
type benchTarget struct {
	name string
	open func(b *testing.B) store.Backend
}

// benchTargets lists memory, bolt (without fsync) and the real servers
// the environment names.
func benchTargets(b *testing.B) []benchTarget {
	targets := []benchTarget{
		{"memory", func(b *testing.B) store.Backend {
			be := memory.New(nil)
			b.Cleanup(func() { _ = be.Close() })
			return be
		}},
		{"bolt-nosync", func(b *testing.B) store.Backend {
			be, err := bolt.Open(filepath.Join(b.TempDir(), "bench.db"), &bolt.Options{NoSync: true})
			require.NoError(b, err)
			b.Cleanup(func() { _ = be.Close() })
			return be
		}},
	}
	for _, s := range []struct{ name, variable string }{{"redis-server", testenv.RedisURL}, {"valkey-server", testenv.ValkeyURL}} {
		url := os.Getenv(s.variable)
		if url == "" {
			continue
		}
		targets = append(targets, benchTarget{s.name, func(b *testing.B) store.Backend {
			inner, err := store.Open(context.Background(), url)
			require.NoError(b, err)
			var tag [6]byte
			_, _ = rand.Read(tag[:])
			p, err := prefix.New(inner, "repos-bench-"+hex.EncodeToString(tag[:])+":")
			require.NoError(b, err)
			b.Cleanup(func() {
				_, _ = p.Purge(context.Background())
				_ = p.Close()
			})
			return p
		}})
	}
	return targets
}

// benchListen sets b.N triggers, lets them fall due, then times 4
// listeners delivering them all.
func benchListen(b *testing.B, be store.Backend) {
	ctx := context.Background()
	tr, err := repos.NewTriggers(be, "acme", nil)
	require.NoError(b, err)
	for i := range b.N {
		require.NoError(b, tr.Set(ctx, "remind", strconv.Itoa(i), "", repos.WithTTL(time.Millisecond)))
	}
	time.Sleep(100 * time.Millisecond) // every trigger is due
	var delivered atomic.Int64
	done := make(chan struct{})
	lctx, cancel := context.WithCancel(ctx)
	var wg sync.WaitGroup
	b.ResetTimer()
	for range benchListeners {
		wg.Go(func() {
			_ = repos.ListenTriggers(lctx, be, nil, func(context.Context, repos.Fired) error {
				if delivered.Add(1) == int64(b.N) {
					close(done)
				}
				return nil
			}, nil)
		})
	}
	<-done
	b.StopTimer()
	cancel()
	wg.Wait()
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "triggers/s")
}

// benchRawZSet is the raw baseline: b.N members due now in a sorted set,
// drained by 4 pollers that claim a member by removing it.
func benchRawZSet(b *testing.B, url string) {
	ctx := context.Background()
	opt, err := goredis.ParseURL(url)
	require.NoError(b, err)
	rdb := goredis.NewClient(opt)
	key := fmt.Sprintf("repos-bench-zset-%d", time.Now().UnixNano())
	b.Cleanup(func() {
		rdb.Del(ctx, key)
		_ = rdb.Close()
	})
	now := float64(time.Now().UnixMilli())
	for start := 0; start < b.N; start += 1000 {
		members := make([]goredis.Z, 0, 1000)
		for i := start; i < min(b.N, start+1000); i++ {
			members = append(members, goredis.Z{Score: now, Member: "acme:remind:" + strconv.Itoa(i)})
		}
		require.NoError(b, rdb.ZAdd(ctx, key, members...).Err())
	}
	var delivered atomic.Int64
	var wg sync.WaitGroup
	b.ResetTimer()
	for range benchListeners {
		wg.Go(func() {
			for delivered.Load() < int64(b.N) {
				due, err := rdb.ZRangeArgs(ctx, goredis.ZRangeArgs{Key: key, ByScore: true, Start: "-inf",
					Stop: strconv.FormatInt(time.Now().UnixMilli(), 10), Count: 256}).Result()
				if err != nil {
					return
				}
				for _, m := range due {
					if n, err := rdb.ZRem(ctx, key, m).Result(); err == nil && n == 1 {
						delivered.Add(1)
					}
				}
			}
		})
	}
	wg.Wait()
	b.StopTimer()
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "triggers/s")
}
