package redis_test

import (
	"context"
	"net/url"
	"runtime"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	goredis "github.com/redis/go-redis/v9"
	"github.com/stretchr/testify/require"

	"github.com/mimeiapify/store"
	"github.com/mimeiapify/store/backend/redis"
	"github.com/mimeiapify/store/internal/testenv"
)

// benchFields is the hash each benchmark writes.
var benchFields = map[string]string{"name": "alice", "plan": "pro", "seats": "12", "region": "eu-west-1"}

// benchClients returns the three contenders on STORE_TEST_REDIS_URL: our
// backend with Open's defaults, a go-redis client with the same options,
// and a go-redis client with its own defaults (the naive baseline).
func benchClients(b *testing.B) (store.Backend, goredis.UniversalClient, goredis.UniversalClient) {
	raw := testenv.Server(b, testenv.RedisURL)
	ctx := context.Background()
	be, err := redis.Open(ctx, raw)
	require.NoError(b, err)
	u, err := url.Parse(raw)
	require.NoError(b, err)
	tuned, err := redis.NewClient(u)
	require.NoError(b, err)
	opt, err := goredis.ParseURL(raw)
	require.NoError(b, err)
	naive := goredis.NewClient(opt)
	b.Cleanup(func() { _ = be.Close(); _ = tuned.Close(); _ = naive.Close() })
	return be, tuned, naive
}

// run runs op sequentially or on 64 goroutines.
func run(b *testing.B, par bool, op func(ctx context.Context, key string) error) {
	ctx := context.Background()
	var n atomic.Int64
	next := func() string { return "bench:" + strconv.FormatInt(n.Add(1)%1000, 10) }
	b.ReportAllocs()
	if !par {
		for b.Loop() {
			if err := op(ctx, next()); err != nil {
				b.Fatal(err)
			}
		}
		return
	}
	b.SetParallelism(max(1, 64/runtime.GOMAXPROCS(0)))
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if err := op(ctx, next()); err != nil {
				b.Error(err)
				return
			}
		}
	})
}

func rawWrite(c goredis.UniversalClient) func(ctx context.Context, key string) error {
	return func(ctx context.Context, key string) error {
		_, err := c.Pipelined(ctx, func(p goredis.Pipeliner) error {
			p.HSet(ctx, key, benchFields)
			p.PExpire(ctx, key, time.Minute)
			return nil
		})
		return err
	}
}

func BenchmarkHashWriteTTL(b *testing.B) {
	be, tuned, naive := benchClients(b)
	store := func(ctx context.Context, key string) error {
		return be.Apply(ctx, &store.HSetOp{Key: key, Fields: benchFields}, &store.ExpireOp{Key: key, TTL: time.Minute})
	}
	for _, par := range []bool{false, true} {
		mode := map[bool]string{false: "seq", true: "par64"}[par]
		b.Run("store/"+mode, func(b *testing.B) { run(b, par, store) })
		b.Run("raw/"+mode, func(b *testing.B) { run(b, par, rawWrite(tuned)) })
		b.Run("naive/"+mode, func(b *testing.B) { run(b, par, rawWrite(naive)) })
	}
}

func BenchmarkHashRead(b *testing.B) {
	be, tuned, naive := benchClients(b)
	ctx := context.Background()
	for i := range 1000 {
		require.NoError(b, tuned.HSet(ctx, "bench:"+strconv.Itoa(i), benchFields).Err())
	}
	read := func(c goredis.UniversalClient) func(ctx context.Context, key string) error {
		return func(ctx context.Context, key string) error { return c.HGetAll(ctx, key).Err() }
	}
	store := func(ctx context.Context, key string) error { _, err := be.HGetAll(ctx, key); return err }
	for _, par := range []bool{false, true} {
		mode := map[bool]string{false: "seq", true: "par64"}[par]
		b.Run("store/"+mode, func(b *testing.B) { run(b, par, store) })
		b.Run("raw/"+mode, func(b *testing.B) { run(b, par, read(tuned)) })
		b.Run("naive/"+mode, func(b *testing.B) { run(b, par, read(naive)) })
	}
}
