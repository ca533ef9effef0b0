package valkey_test

import (
	"context"
	"fmt"
	"runtime"
	"sync/atomic"
	"testing"
	"time"

	goredis "github.com/redis/go-redis/v9"
	"github.com/valkey-io/valkey-go"

	"github.com/mimeiapify/store"
	vkbackend "github.com/mimeiapify/store/backend/valkey"
)

// The benchmarks compare, on the server of STORE_TEST_VALKEY_URL, the
// backend with the raw valkey-go client doing the same commands and with
// a plain go-redis client (default options), sequentially and with 64
// goroutines in all (runParallel). Keys are storebench:0..1023, deleted
// at the end.

const benchTTL = time.Hour

var benchFields = map[string]string{"name": "Ada", "email": "ada@example.com", "plan": "pro"}

// benchClients returns the three clients on the benchmark server.
func benchClients(b *testing.B) (*vkbackend.Backend, valkey.Client, *goredis.Client) {
	u := serverURL(b)
	vc := openClient(b, u)
	opt, _, err := vkbackend.ParseURL(u)
	if err != nil {
		b.Fatal(err)
	}
	rc := goredis.NewClient(&goredis.Options{Addr: opt.InitAddress[0], DB: opt.SelectDB})
	b.Cleanup(func() { _ = rc.Close() })
	return vkbackend.New(vc, nil), vc, rc
}

var benchSeq atomic.Int64

// benchKey returns a fresh key under the benchmark prefix.
func benchKey() string { return fmt.Sprintf("storebench:%d", benchSeq.Add(1)%1024) }

// runParallel runs op sequentially, or from 64 goroutines.
func runParallel(b *testing.B, par int, op func(ctx context.Context) error) {
	ctx := context.Background()
	b.ReportAllocs()
	if par == 1 {
		for b.Loop() {
			if err := op(ctx); err != nil {
				b.Fatal(err)
			}
		}
		return
	}
	b.SetParallelism((par + runtime.GOMAXPROCS(0) - 1) / runtime.GOMAXPROCS(0))
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if err := op(ctx); err != nil {
				b.Error(err)
				return
			}
		}
	})
}

func BenchmarkHashWriteTTL(b *testing.B) {
	be, vc, rc := benchClients(b)
	ms := benchTTL.Milliseconds()
	impls := map[string]func(ctx context.Context) error{
		"backend": func(ctx context.Context) error {
			k := benchKey()
			return be.Apply(ctx, &store.HSetOp{Key: k, Fields: benchFields}, &store.ExpireOp{Key: k, TTL: benchTTL})
		},
		"valkey-go": func(ctx context.Context) error {
			k := benchKey()
			h := vc.B().Hset().Key(k).FieldValue()
			for f, v := range benchFields {
				h = h.FieldValue(f, v)
			}
			for _, r := range vc.DoMulti(ctx, h.Build(), vc.B().Pexpire().Key(k).Milliseconds(ms).Build()) {
				if err := r.Error(); err != nil {
					return err
				}
			}
			return nil
		},
		"go-redis": func(ctx context.Context) error {
			k := benchKey()
			_, err := rc.Pipelined(ctx, func(p goredis.Pipeliner) error {
				p.HSet(ctx, k, benchFields)
				p.PExpire(ctx, k, benchTTL)
				return nil
			})
			return err
		},
	}
	runImpls(b, impls)
}

func BenchmarkHashRead(b *testing.B) {
	be, vc, rc := benchClients(b)
	ctx := context.Background()
	for i := range 1024 {
		if _, err := be.HSet(ctx, fmt.Sprintf("storebench:%d", i), benchFields); err != nil {
			b.Fatal(err)
		}
	}
	impls := map[string]func(ctx context.Context) error{
		"backend": func(ctx context.Context) error {
			_, err := be.HGetAll(ctx, benchKey())
			return err
		},
		"valkey-go": func(ctx context.Context) error {
			_, err := vc.Do(ctx, vc.B().Hgetall().Key(benchKey()).Build()).AsStrMap()
			return err
		},
		"go-redis": func(ctx context.Context) error {
			return rc.HGetAll(ctx, benchKey()).Err()
		},
	}
	runImpls(b, impls)
}

// runImpls runs each implementation sequentially and with 64 goroutines,
// side by side, then deletes the benchmark keys.
func runImpls(b *testing.B, impls map[string]func(ctx context.Context) error) {
	for _, par := range []int{1, 64} {
		for _, name := range []string{"backend", "valkey-go", "go-redis"} {
			b.Run(fmt.Sprintf("%s/goroutines=%d", name, par), func(b *testing.B) {
				runParallel(b, par, impls[name])
			})
		}
	}
	b.Cleanup(func() {
		be, _, _ := benchClients(b)
		keys := make([]string, 1024)
		for i := range keys {
			keys[i] = fmt.Sprintf("storebench:%d", i)
		}
		_, _ = be.Del(context.Background(), keys...)
	})
}
