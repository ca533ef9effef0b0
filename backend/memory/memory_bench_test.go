package memory_test

// Benchmarks of the memory backend side by side with a baseline: a bare
// map behind one sync.RWMutex doing the same work (TTL checks, integer
// parsing, glob matching, copies handed out). Compare with
//
//	go test -run XXX -bench . -benchmem ./backend/memory/
//
// Each benchmark runs sequentially (seq/...) and from 64 goroutines
// (par64/...).

import (
	"context"
	"fmt"
	"maps"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/mimeiapify/store"
	"github.com/mimeiapify/store/backend/memory"
	"github.com/mimeiapify/store/internal/glob"
	"github.com/mimeiapify/store/internal/redisnum"
)

const benchKeys = 10_000

// target is the work a benchmark measures, done by the backend or by the
// baseline.
type target interface {
	hsetTTL(ctx context.Context, key string, fields map[string]string, ttl time.Duration) error
	hgetAll(ctx context.Context, key string) (map[string]string, error)
	incr(ctx context.Context, key string) (int64, error)
	scan(ctx context.Context, pattern string) (int, error)
}

var benchKeyNames = func() []string {
	keys := make([]string, benchKeys)
	for i := range keys {
		keys[i] = fmt.Sprintf("user:%d", i)
	}
	return keys
}()

var benchFields = map[string]string{"name": "Ada", "email": "ada@example.com", "plan": "pro", "seen": "1700000000"}

func BenchmarkHashSetTTL(b *testing.B) {
	run(b, []string{"baseline", "memory", "memory-apply"}, nil, func(ctx context.Context, t target, key string) error {
		return t.hsetTTL(ctx, key, benchFields, time.Hour)
	})
}

func BenchmarkHashGetAll(b *testing.B) {
	fill := func(ctx context.Context, t target) error {
		for _, k := range benchKeyNames {
			if err := t.hsetTTL(ctx, k, benchFields, time.Hour); err != nil {
				return err
			}
		}
		return nil
	}
	run(b, []string{"baseline", "memory"}, fill, func(ctx context.Context, t target, key string) error {
		m, err := t.hgetAll(ctx, key)
		if err == nil && len(m) != len(benchFields) {
			err = fmt.Errorf("got %d fields", len(m))
		}
		return err
	})
}

func BenchmarkIncr(b *testing.B) {
	run(b, []string{"baseline", "memory"}, nil, func(ctx context.Context, t target, key string) error {
		_, err := t.incr(ctx, key)
		return err
	})
}

// BenchmarkScan scans 10,000 keys with a pattern that matches 1% of them.
func BenchmarkScan(b *testing.B) {
	fill := func(ctx context.Context, t target) error {
		for i, k := range benchKeyNames {
			if i%100 == 0 {
				k += ":hot"
			}
			if _, err := t.incr(ctx, k); err != nil {
				return err
			}
		}
		return nil
	}
	run(b, []string{"baseline", "memory"}, fill, func(ctx context.Context, t target, _ string) error {
		n, err := t.scan(ctx, "user:*:hot")
		if err == nil && n != benchKeys/100 {
			err = fmt.Errorf("scan found %d keys", n)
		}
		return err
	})
}

// run runs op on each target, sequentially and from 64 goroutines, on a
// fresh target filled by fill (when not nil), cycling through the keys.
func run(b *testing.B, targets []string, fill func(context.Context, target) error, op func(context.Context, target, string) error) {
	ctx := context.Background()
	for _, mode := range []string{"seq", "par64"} {
		for _, name := range targets {
			b.Run(mode+"/"+name, func(b *testing.B) {
				t := newTarget(b, name)
				if fill != nil {
					if err := fill(ctx, t); err != nil {
						b.Fatal(err)
					}
				}
				b.ReportAllocs()
				b.ResetTimer()
				if mode == "seq" {
					for i := 0; b.Loop(); i++ {
						if err := op(ctx, t, benchKeyNames[i%benchKeys]); err != nil {
							b.Fatal(err)
						}
					}
					return
				}
				parallel(b, func(i int) error { return op(ctx, t, benchKeyNames[i%benchKeys]) })
			})
		}
	}
}

// parallel runs op from 64 goroutines, each starting at its own key.
func parallel(b *testing.B, op func(i int) error) {
	b.SetParallelism(max(1, 64/runtime.GOMAXPROCS(0)))
	var next atomic.Int64
	b.RunParallel(func(pb *testing.PB) {
		i := int(next.Add(1)) * 7919
		for pb.Next() {
			if err := op(i); err != nil {
				b.Error(err)
				return
			}
			i++
		}
	})
}

func newTarget(b *testing.B, name string) target {
	switch name {
	case "baseline":
		return &baseline{m: make(map[string]*baseEntry)}
	case "memory", "memory-apply":
		m := memory.New(nil)
		b.Cleanup(func() { _ = m.Close() })
		return memTarget{b: m, apply: name == "memory-apply"}
	}
	panic(name)
}

// memTarget does the work through the memory backend.
type memTarget struct {
	b     *memory.Backend
	apply bool // hsetTTL as one Apply rather than HSet then Expire
}

func (m memTarget) hsetTTL(ctx context.Context, key string, fields map[string]string, ttl time.Duration) error {
	if m.apply {
		return m.b.Apply(ctx, &store.HSetOp{Key: key, Fields: fields}, &store.ExpireOp{Key: key, TTL: ttl})
	}
	if _, err := m.b.HSet(ctx, key, fields); err != nil {
		return err
	}
	_, err := m.b.Expire(ctx, key, ttl)
	return err
}

func (m memTarget) hgetAll(ctx context.Context, key string) (map[string]string, error) {
	return m.b.HGetAll(ctx, key)
}

func (m memTarget) incr(ctx context.Context, key string) (int64, error) {
	return m.b.IncrBy(ctx, key, 1)
}

func (m memTarget) scan(ctx context.Context, pattern string) (int, error) {
	n := 0
	for _, err := range m.b.Scan(ctx, pattern) {
		if err != nil {
			return n, err
		}
		n++
	}
	return n, nil
}

// baseline is the simplest thing that does the same work: one map, one
// RWMutex.
type baseline struct {
	mu sync.RWMutex
	m  map[string]*baseEntry
}

type baseEntry struct {
	str  string
	hash map[string]string
	exp  int64 // unix nanoseconds; 0: none
}

func (e *baseEntry) live() bool { return e != nil && (e.exp == 0 || e.exp > time.Now().UnixNano()) }

func (s *baseline) hsetTTL(_ context.Context, key string, fields map[string]string, ttl time.Duration) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	e := s.m[key]
	if !e.live() {
		e = &baseEntry{hash: make(map[string]string, len(fields))}
		s.m[key] = e
	}
	for f, v := range fields {
		e.hash[f] = v
	}
	e.exp = time.Now().Add(ttl).UnixNano()
	return nil
}

func (s *baseline) hgetAll(_ context.Context, key string) (map[string]string, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	if e := s.m[key]; e.live() {
		return maps.Clone(e.hash), nil
	}
	return map[string]string{}, nil
}

func (s *baseline) incr(_ context.Context, key string) (int64, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	e := s.m[key]
	if !e.live() {
		e = &baseEntry{str: "0"}
		s.m[key] = e
	}
	n, ok := redisnum.ParseInt(e.str)
	if !ok {
		return 0, store.ErrNotInteger
	}
	if n, ok = redisnum.AddInt(n, 1); !ok {
		return 0, store.ErrOverflow
	}
	e.str = redisnum.FormatInt(n)
	return n, nil
}

func (s *baseline) scan(_ context.Context, pattern string) (int, error) {
	s.mu.RLock()
	var keys []string
	for k, e := range s.m {
		if e.live() && glob.Match(pattern, k) {
			keys = append(keys, k)
		}
	}
	s.mu.RUnlock()
	n := 0
	for range keys {
		n++
	}
	return n, nil
}
