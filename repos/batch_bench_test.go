package repos_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	goredis "github.com/redis/go-redis/v9"
	"github.com/stretchr/testify/require"

	"github.com/mimeiapify/store"
	"github.com/mimeiapify/store/internal/testenv"
	"github.com/mimeiapify/store/repos"
)

// benchRounds returns how many interleaved rounds the batch comparisons
// run: STORE_BENCH_ROUNDS, or 0 (skip) when unset.
func benchRounds(t *testing.T) int {
	n, _ := strconv.Atoi(os.Getenv("STORE_BENCH_ROUNDS"))
	if n <= 0 {
		t.Skip("set STORE_BENCH_ROUNDS to run the interleaved batch comparisons")
	}
	return n
}

// contender is one side of an interleaved comparison: run does one
// round's work and returns how many operations it did.
type contender struct {
	name string
	run  func(t *testing.T) (ops int, took time.Duration)
}

// interleave runs the contenders in rounds, in a rotated order each round,
// and logs each one's median rate and the median (and range) of its rate
// over the first contender's, paired by round.
func interleave(t *testing.T, rounds int, cs ...contender) {
	rates := make([][]float64, len(cs))
	for r := range rounds {
		for i := range cs {
			c := (i + r) % len(cs)
			ops, took := cs[c].run(t)
			rates[c] = append(rates[c], float64(ops)/took.Seconds())
		}
	}
	for c := range cs {
		ratios := make([]float64, rounds)
		for r := range rounds {
			ratios[r] = rates[c][r] / rates[0][r]
		}
		t.Logf("%-34s %9.0f ops/s (median of %d)   x%.2f of %s (range %.2f-%.2f)", cs[c].name,
			median(rates[c]), rounds, median(ratios), cs[0].name, slices.Min(ratios), slices.Max(ratios))
	}
}

func median(v []float64) float64 {
	s := slices.Clone(v)
	slices.Sort(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

// benchServers lists the real servers of the comparisons.
func benchServers() []struct{ name, variable string } {
	return []struct{ name, variable string }{{"redis", testenv.RedisURL}, {"valkey", testenv.ValkeyURL}}
}

// TestBatchClaimScalingRounds drains a backlog of 20,000 items with
// Claim (10 at a time) and Ack: 1 worker on one queue, 8 workers on that
// one queue, and 8 workers on 8 queues (2,500 items each), in interleaved
// rounds on the real servers the environment names. Each round asserts
// that every item was taken exactly once.
//
//	STORE_BENCH_ROUNDS=5 go test -run TestBatchClaimScalingRounds -v ./repos
func TestBatchClaimScalingRounds(t *testing.T) {
	rounds := benchRounds(t)
	for _, srv := range benchServers() {
		t.Run(srv.name, func(t *testing.T) {
			b := onServer(t, srv.variable, "%s")
			const items = 20000
			interleave(t, rounds,
				contender{"1 worker, 1 queue", timedDrain(b, items, 1, 1)},
				contender{"8 workers, 1 queue", timedDrain(b, items, 8, 1)},
				contender{"8 workers, 8 queues", timedDrain(b, items, 8, 8)},
			)
		})
	}
}

// timedDrain fills queues with items (not timed), then times workers
// draining them.
func timedDrain(b store.Backend, items, workers, queues int) func(t *testing.T) (int, time.Duration) {
	return func(t *testing.T) (int, time.Duration) {
		ctx := context.Background()
		bt := newBatch(t, b, "bench", nil)
		qs := make([]repos.Queue, queues)
		for i := range qs {
			qs[i] = repos.Queue{Service: "bench", Batch: "b", Action: strconv.Itoa(i)}
			each := items / queues
			for start := 0; start < each; start += 1000 {
				chunk := make([]string, 0, 1000)
				for j := start; j < min(each, start+1000); j++ {
					chunk = append(chunk, strconv.Itoa(i*each+j))
				}
				require.NoError(t, bt.EnqueueAll(ctx, qs[i], chunk))
			}
		}
		seen := make([]int32, items)
		var taken atomic.Int64
		var wg sync.WaitGroup
		errs := make(chan error, workers)
		start := time.Now()
		for w := range workers {
			wg.Go(func() {
				q := qs[w%queues]
				for {
					c, err := bt.Claim(ctx, q, 10, time.Minute)
					if err != nil {
						errs <- err
						return
					}
					if len(c.Items) == 0 {
						errs <- nil
						return
					}
					for _, it := range c.Items {
						i, _ := strconv.Atoi(it)
						atomic.AddInt32(&seen[i], 1)
					}
					taken.Add(int64(len(c.Items)))
					if err := bt.Ack(ctx, q, c.ID); err != nil {
						errs <- err
						return
					}
				}
			})
		}
		wg.Wait()
		took := time.Since(start)
		for range workers {
			require.NoError(t, <-errs)
		}
		for i, n := range seen {
			require.EqualValues(t, 1, n, "item %d", i)
		}
		for _, q := range qs {
			_, err := repos.RemovePending(ctx, b, q.Service, "bench", nil)
			require.NoError(t, err)
		}
		return int(taken.Load()), took
	}
}

// TestBatchEnqueueRounds compares Batch.Enqueue (no TTL) with the raw
// go-redis code doing the same job, RPUSH and SADD in one pipeline, at 1
// and 64 goroutines, 5,000 calls per round each, in interleaved rounds on
// the real servers the environment names (the valkey row runs the valkey
// backend against the same raw go-redis client on the valkey server).
//
//	STORE_BENCH_ROUNDS=5 go test -run TestBatchEnqueueRounds -v ./repos
func TestBatchEnqueueRounds(t *testing.T) {
	rounds := benchRounds(t)
	for _, srv := range benchServers() {
		t.Run(srv.name, func(t *testing.T) {
			b := onServer(t, srv.variable, "%s")
			opt, err := goredis.ParseURL(strings.Replace(os.Getenv(srv.variable), "valkey://", "redis://", 1))
			require.NoError(t, err)
			rdb := goredis.NewClient(opt)
			var tag [6]byte
			_, _ = rand.Read(tag[:])
			raw := "repos-bench-raw-" + hex.EncodeToString(tag[:]) + ":"
			t.Cleanup(func() {
				var keys []string
				for it := rdb.Scan(context.Background(), 0, raw+"*", 1000).Iterator(); it.Next(context.Background()); {
					keys = append(keys, it.Val())
				}
				if len(keys) > 0 {
					rdb.Del(context.Background(), keys...)
				}
				_ = rdb.Close()
			})
			for _, par := range []int{1, 64} {
				t.Run(fmt.Sprintf("goroutines=%d", par), func(t *testing.T) {
					const calls = 5000
					repo := func(t *testing.T) (int, time.Duration) {
						return parallelCalls(t, par, calls, func(ctx context.Context, i int) error {
							bt, err := repos.NewBatch(b, "t"+strconv.Itoa(i%100), nil)
							if err != nil {
								return err
							}
							return bt.Enqueue(ctx, repos.Queue{Service: "s", Batch: "b", Action: "a"}, "payload")
						})
					}
					rawCall := func(t *testing.T) (int, time.Duration) {
						return parallelCalls(t, par, calls, func(ctx context.Context, i int) error {
							tenant := "t" + strconv.Itoa(i%100)
							_, err := rdb.Pipelined(ctx, func(p goredis.Pipeliner) error {
								p.RPush(ctx, raw+"t:"+tenant+":{"+tenant+":q:s:b:a}:queue", "payload")
								p.SAdd(ctx, raw+"pending:{s}", tenant)
								return nil
							})
							return err
						})
					}
					interleave(t, rounds, contender{"raw go-redis RPUSH+SADD pipeline", rawCall}, contender{"Batch.Enqueue", repo})
				})
			}
		})
	}
}

// parallelCalls runs calls calls of fn over par goroutines and returns
// how many ran and how long they took.
func parallelCalls(t *testing.T, par, calls int, fn func(ctx context.Context, i int) error) (int, time.Duration) {
	ctx := context.Background()
	var next atomic.Int64
	var wg sync.WaitGroup
	errs := make(chan error, par)
	start := time.Now()
	for range par {
		wg.Go(func() {
			for {
				i := int(next.Add(1)) - 1
				if i >= calls {
					errs <- nil
					return
				}
				if err := fn(ctx, i); err != nil {
					errs <- err
					return
				}
			}
		})
	}
	wg.Wait()
	took := time.Since(start)
	for range par {
		require.NoError(t, <-errs)
	}
	return calls, took
}
