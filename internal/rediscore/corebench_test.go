package rediscore_test

import (
	"context"
	"errors"
	"os"
	"strconv"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/mimeiapify/store"
	"github.com/mimeiapify/store/internal/testenv"
)

// The core benchmarks measure each Redis-protocol backend through
// store.Open on the server of STORE_TEST_REDIS_URL (redis) and
// STORE_TEST_VALKEY_URL (valkey), sequentially: Get, HSet, an Apply that
// takes the script route, and an Update of one read and one write, as
// BenchmarkCoreGet/redis, BenchmarkCoreGet/valkey and so on. Keys are
// corebench:0..255 under a per-process prefix, deleted at the end.

var coreBenchSeq atomic.Int64

func coreBench(b *testing.B, op func(ctx context.Context, be store.Backend, key string) error) {
	for _, c := range []struct{ name, env string }{{"redis", testenv.RedisURL}, {"valkey", testenv.ValkeyURL}} {
		b.Run(c.name, func(b *testing.B) { coreBenchOn(b, c.env, op) })
	}
}

func coreBenchOn(b *testing.B, env string, op func(ctx context.Context, be store.Backend, key string) error) {
	raw := os.Getenv(env)
	if raw == "" {
		b.Skip(env + " is not set")
	}
	ctx := context.Background()
	be, err := store.Open(ctx, raw)
	if err != nil {
		b.Fatal(err)
	}
	p := "corebench:" + strconv.Itoa(os.Getpid()) + ":"
	keys := make([]string, 256)
	for i := range keys {
		keys[i] = p + strconv.Itoa(i)
	}
	b.Cleanup(func() { _, _ = be.Del(ctx, keys...); _ = be.Close() })
	b.ReportAllocs()
	cpu0 := cpuTime()
	for b.Loop() {
		if err := op(ctx, be, keys[coreBenchSeq.Add(1)%256]); err != nil {
			b.Fatal(err)
		}
	}
	// The client's CPU time (every goroutine of the process) per call:
	// on a loaded machine, a steadier figure than the wall time.
	b.ReportMetric(float64(cpuTime()-cpu0)/float64(b.N), "cpu-ns/op")
}

// cpuTime is the process' user and system CPU time in nanoseconds.
func cpuTime() int64 {
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return ru.Utime.Nano() + ru.Stime.Nano()
}

func BenchmarkCoreGet(b *testing.B) {
	coreBench(b, func(ctx context.Context, be store.Backend, key string) error {
		_, err := be.Get(ctx, key)
		if errors.Is(err, store.ErrNotFound) {
			return nil
		}
		return err
	})
}

func BenchmarkCoreHSet(b *testing.B) {
	coreBench(b, func(ctx context.Context, be store.Backend, key string) error {
		_, err := be.HSet(ctx, key+"h", map[string]string{"a": "1", "b": "2"})
		return err
	})
}

func BenchmarkCoreApplyGroup(b *testing.B) {
	coreBench(b, func(ctx context.Context, be store.Backend, key string) error {
		k := "{" + key + "}"
		return be.Apply(ctx, &store.IncrByOp{Key: k + "n", Delta: 1},
			&store.HSetOp{Key: k + "g", Fields: map[string]string{"a": "1"}},
			&store.ExpireOp{Key: k + "g", TTL: time.Minute})
	})
}

func BenchmarkCoreUpdate(b *testing.B) {
	coreBench(b, func(ctx context.Context, be store.Backend, key string) error {
		k := key + "u"
		return be.Update(ctx, []string{k}, func(r store.Reader) ([]store.Op, error) {
			v, err := r.Get(ctx, k)
			if err != nil && !errors.Is(err, store.ErrNotFound) {
				return nil, err
			}
			return []store.Op{&store.SetOp{Key: k, Value: v + "x"[:len(v)%2]}}, nil
		})
	})
}
