package repos_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"os"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	goredis "github.com/redis/go-redis/v9"
	"github.com/stretchr/testify/require"

	"github.com/mimeiapify/store"
	"github.com/mimeiapify/store/internal/testenv"
	"github.com/mimeiapify/store/prefix"
	"github.com/mimeiapify/store/repos"
)

// drainBacklog is the backlog of one round of the drain benchmarks.
const drainBacklog = 5000

// drainRounds is how many rounds the drain benchmarks run; they report
// medians.
const drainRounds = 5

// BenchmarkTriggerDrainVsRaw drains a backlog of 5,000 due triggers with
// 4 listeners on the real Redis of STORE_TEST_REDIS_URL, and a backlog of
// 5,000 members of one sorted set with 4 raw go-redis pollers (ZRANGE
// BYSCORE then ZREM per member: at most once, no lease, no retry), in
// alternating rounds. It reports the median rate of each and the median
// of the paired ratios (repos/raw) with their range.
//
//	go test -run XXX -bench TriggerDrainVsRaw -benchtime 1x ./repos
func BenchmarkTriggerDrainVsRaw(b *testing.B) {
	url := os.Getenv(testenv.RedisURL)
	if url == "" {
		b.Skip(testenv.RedisURL + " not set")
	}
	var ours, raw, ratios []float64
	for round := range drainRounds {
		first, second := drainRepos, drainRaw
		if round%2 == 1 {
			first, second = drainRaw, drainRepos
		}
		r1, r2 := first(b, url, 4), second(b, url, 4)
		if round%2 == 1 {
			r1, r2 = r2, r1
		}
		ours, raw, ratios = append(ours, r1), append(raw, r2), append(ratios, r1/r2)
	}
	reportRounds(b, "repos-4", ours)
	reportRounds(b, "raw-4", raw)
	reportRounds(b, "ratio", ratios)
}

// BenchmarkTriggerDrainListeners drains a backlog of 5,000 due triggers
// with 1, 4 and 16 listeners on the cluster of STORE_TEST_REDIS_CLUSTER,
// in rotating rounds, and reports each one's median rate.
//
//	go test -run XXX -bench TriggerDrainListeners -benchtime 1x ./repos
func BenchmarkTriggerDrainListeners(b *testing.B) {
	seeds := os.Getenv(testenv.RedisCluster)
	if seeds == "" {
		b.Skip(testenv.RedisCluster + " not set")
	}
	url := "redis+cluster://" + clusterURL(testenv.RedisCluster, seeds)
	counts := []int{1, 4, 16}
	rates := map[int][]float64{}
	for round := range drainRounds {
		for i := range counts {
			n := counts[(i+round)%len(counts)]
			rates[n] = append(rates[n], drainRepos(b, url, n))
		}
	}
	for _, n := range counts {
		reportRounds(b, fmt.Sprintf("listeners-%d", n), rates[n])
	}
}

// reportRounds reports the median of values, and logs their range.
func reportRounds(b *testing.B, name string, values []float64) {
	sorted := slices.Clone(values)
	slices.Sort(sorted)
	b.ReportMetric(sorted[len(sorted)/2], name+"-median")
	b.Logf("%s: median %.2f, range %.2f-%.2f, rounds %.2f", name, sorted[len(sorted)/2], sorted[0], sorted[len(sorted)-1], values)
}

// drainRepos starts n listeners under a fresh prefix of the backend at
// url, sets a backlog of triggers that fall due together once the
// listeners have divided the shards, times from that moment until all
// are delivered, and returns the deliveries per second.
func drainRepos(b *testing.B, url string, n int) float64 {
	ctx := context.Background()
	inner, err := store.Open(ctx, url)
	require.NoError(b, err)
	var tag [6]byte
	_, _ = rand.Read(tag[:])
	be, err := prefix.New(inner, "repos-drain-"+hex.EncodeToString(tag[:])+":")
	require.NoError(b, err)
	defer func() {
		_, _ = be.Purge(ctx)
		_ = be.Close()
	}()
	var delivered atomic.Int64
	done := make(chan struct{})
	lctx, cancel := context.WithCancel(ctx)
	var wg sync.WaitGroup
	for range n {
		wg.Go(func() {
			_ = repos.ListenTriggers(lctx, be, nil, func(context.Context, repos.Fired) error {
				if delivered.Add(1) == drainBacklog {
					close(done)
				}
				return nil
			}, drainOptions)
		})
	}
	start := setBacklog(b, be, 4*time.Second)
	<-done
	elapsed := time.Since(start)
	cancel()
	wg.Wait()
	return drainBacklog / elapsed.Seconds()
}

// setBacklog sets drainBacklog triggers of 50 tenants from 16 goroutines,
// all due at the end of a pause of at least after (more when the Sets
// take longer), and returns when they are due.
func setBacklog(b *testing.B, be store.Backend, after time.Duration) time.Time {
	due := time.Now().Add(after)
	var wg sync.WaitGroup
	for w := range 16 {
		wg.Go(func() {
			for i := w; i < drainBacklog; i += 16 {
				tr, err := repos.NewTriggers(be, "tenant-"+strconv.Itoa(i%50), nil)
				require.NoError(b, err)
				require.NoError(b, tr.Set(context.Background(), "remind", strconv.Itoa(i), "", repos.WithTTL(time.Until(due))))
			}
		})
	}
	wg.Wait()
	require.True(b, time.Now().Before(due), "the Sets took longer than the pause")
	return due
}

// drainRaw is the raw baseline: drainBacklog members due now in one
// sorted set, drained by n pollers that take a member by removing it.
func drainRaw(b *testing.B, url string, n int) float64 {
	ctx := context.Background()
	opt, err := goredis.ParseURL(url)
	require.NoError(b, err)
	rdb := goredis.NewClient(opt)
	key := fmt.Sprintf("repos-drain-zset-%d", time.Now().UnixNano())
	defer func() {
		rdb.Del(ctx, key)
		_ = rdb.Close()
	}()
	now := float64(time.Now().UnixMilli())
	members := make([]goredis.Z, drainBacklog)
	for i := range members {
		members[i] = goredis.Z{Score: now, Member: "acme:remind:" + strconv.Itoa(i)}
	}
	require.NoError(b, rdb.ZAdd(ctx, key, members...).Err())
	var delivered atomic.Int64
	var wg sync.WaitGroup
	start := time.Now()
	for range n {
		wg.Go(func() {
			for delivered.Load() < drainBacklog {
				due, err := rdb.ZRangeArgs(ctx, goredis.ZRangeArgs{Key: key, ByScore: true, Start: "-inf",
					Stop: strconv.FormatInt(time.Now().UnixMilli(), 10), Count: 256}).Result()
				if err != nil {
					return
				}
				for _, m := range due {
					if k, err := rdb.ZRem(ctx, key, m).Result(); err == nil && k == 1 {
						delivered.Add(1)
					}
				}
			}
		})
	}
	wg.Wait()
	return drainBacklog / time.Since(start).Seconds()
}

// drainOptions are the listeners' options in the drain benchmarks.
var drainOptions = func() *repos.ListenOptions {
	if c, err := strconv.Atoi(os.Getenv("REPOS_BENCH_CONCURRENCY")); err == nil {
		return &repos.ListenOptions{Concurrency: c}
	}
	return nil
}()
