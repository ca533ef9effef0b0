package repos_test

import (
	"context"
	"iter"
	"sync"
	"time"

	"github.com/mimeiapify/store"
)

// countingBackend wraps a Backend and records every call: how many (and
// how many of them were Updates, which cost their reads' round trips on
// Redis and Valkey, where an Apply costs one), the keys each touched and
// how many Scans ran.
type countingBackend struct {
	store.Backend
	mu      sync.Mutex
	calls   int
	updates int
	scans   int
	members int // set members returned by SMembers
	keys    map[string]int
}

func newCounting(b store.Backend) *countingBackend {
	return &countingBackend{Backend: b, keys: map[string]int{}}
}

func (c *countingBackend) note(keys ...string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.calls++
	for _, k := range keys {
		c.keys[k]++
	}
}

// reset forgets what was recorded.
func (c *countingBackend) reset() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.calls, c.updates, c.scans, c.members, c.keys = 0, 0, 0, 0, map[string]int{}
}

// touched returns the distinct keys touched since the last reset.
func (c *countingBackend) touched() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	var out []string
	for k := range c.keys {
		out = append(out, k)
	}
	return out
}

func (c *countingBackend) Exists(ctx context.Context, keys ...string) (int64, error) {
	c.note(keys...)
	return c.Backend.Exists(ctx, keys...)
}

func (c *countingBackend) Del(ctx context.Context, keys ...string) (int64, error) {
	c.note(keys...)
	return c.Backend.Del(ctx, keys...)
}

func (c *countingBackend) Expire(ctx context.Context, key string, ttl time.Duration) (bool, error) {
	c.note(key)
	return c.Backend.Expire(ctx, key, ttl)
}

func (c *countingBackend) Persist(ctx context.Context, key string) (bool, error) {
	c.note(key)
	return c.Backend.Persist(ctx, key)
}

func (c *countingBackend) TTL(ctx context.Context, key string) (time.Duration, error) {
	c.note(key)
	return c.Backend.TTL(ctx, key)
}

func (c *countingBackend) Type(ctx context.Context, key string) (store.Type, error) {
	c.note(key)
	return c.Backend.Type(ctx, key)
}

func (c *countingBackend) Scan(ctx context.Context, pattern string) iter.Seq2[string, error] {
	c.note()
	c.mu.Lock()
	c.scans++
	c.mu.Unlock()
	return c.Backend.Scan(ctx, pattern)
}

func (c *countingBackend) Get(ctx context.Context, key string) (string, error) {
	c.note(key)
	return c.Backend.Get(ctx, key)
}

func (c *countingBackend) Set(ctx context.Context, key, value string, ttl time.Duration) error {
	c.note(key)
	return c.Backend.Set(ctx, key, value, ttl)
}

func (c *countingBackend) SetNX(ctx context.Context, key, value string, ttl time.Duration) (bool, error) {
	c.note(key)
	return c.Backend.SetNX(ctx, key, value, ttl)
}

func (c *countingBackend) IncrBy(ctx context.Context, key string, delta int64) (int64, error) {
	c.note(key)
	return c.Backend.IncrBy(ctx, key, delta)
}

func (c *countingBackend) HSet(ctx context.Context, key string, fields map[string]string) (int64, error) {
	c.note(key)
	return c.Backend.HSet(ctx, key, fields)
}

func (c *countingBackend) HGet(ctx context.Context, key, field string) (string, error) {
	c.note(key)
	return c.Backend.HGet(ctx, key, field)
}

func (c *countingBackend) HMGet(ctx context.Context, key string, fields ...string) (map[string]string, error) {
	c.note(key)
	return c.Backend.HMGet(ctx, key, fields...)
}

func (c *countingBackend) HGetAll(ctx context.Context, key string) (map[string]string, error) {
	c.note(key)
	return c.Backend.HGetAll(ctx, key)
}

func (c *countingBackend) HDel(ctx context.Context, key string, fields ...string) (int64, error) {
	c.note(key)
	return c.Backend.HDel(ctx, key, fields...)
}

func (c *countingBackend) HExists(ctx context.Context, key, field string) (bool, error) {
	c.note(key)
	return c.Backend.HExists(ctx, key, field)
}

func (c *countingBackend) HIncrBy(ctx context.Context, key, field string, delta int64) (int64, error) {
	c.note(key)
	return c.Backend.HIncrBy(ctx, key, field, delta)
}

func (c *countingBackend) HIncrByFloat(ctx context.Context, key, field string, delta float64) (float64, error) {
	c.note(key)
	return c.Backend.HIncrByFloat(ctx, key, field, delta)
}

func (c *countingBackend) HLen(ctx context.Context, key string) (int64, error) {
	c.note(key)
	return c.Backend.HLen(ctx, key)
}

func (c *countingBackend) RPush(ctx context.Context, key string, values ...string) (int64, error) {
	c.note(key)
	return c.Backend.RPush(ctx, key, values...)
}

func (c *countingBackend) LPush(ctx context.Context, key string, values ...string) (int64, error) {
	c.note(key)
	return c.Backend.LPush(ctx, key, values...)
}

func (c *countingBackend) LRange(ctx context.Context, key string, start, stop int64) ([]string, error) {
	c.note(key)
	return c.Backend.LRange(ctx, key, start, stop)
}

func (c *countingBackend) LTrim(ctx context.Context, key string, start, stop int64) error {
	c.note(key)
	return c.Backend.LTrim(ctx, key, start, stop)
}

func (c *countingBackend) LLen(ctx context.Context, key string) (int64, error) {
	c.note(key)
	return c.Backend.LLen(ctx, key)
}

func (c *countingBackend) LPop(ctx context.Context, key string, count int) ([]string, error) {
	c.note(key)
	return c.Backend.LPop(ctx, key, count)
}

func (c *countingBackend) SAdd(ctx context.Context, key string, members ...string) (int64, error) {
	c.note(key)
	return c.Backend.SAdd(ctx, key, members...)
}

func (c *countingBackend) SRem(ctx context.Context, key string, members ...string) (int64, error) {
	c.note(key)
	return c.Backend.SRem(ctx, key, members...)
}

func (c *countingBackend) SMembers(ctx context.Context, key string) ([]string, error) {
	c.note(key)
	m, err := c.Backend.SMembers(ctx, key)
	c.mu.Lock()
	c.members += len(m)
	c.mu.Unlock()
	return m, err
}

func (c *countingBackend) SIsMember(ctx context.Context, key, member string) (bool, error) {
	c.note(key)
	return c.Backend.SIsMember(ctx, key, member)
}

func (c *countingBackend) SRandMember(ctx context.Context, key string, count int) ([]string, error) {
	c.note(key)
	return c.Backend.SRandMember(ctx, key, count)
}

func (c *countingBackend) SCard(ctx context.Context, key string) (int64, error) {
	c.note(key)
	return c.Backend.SCard(ctx, key)
}

func (c *countingBackend) ZAdd(ctx context.Context, key string, members ...store.ZMember) (int64, error) {
	c.note(key)
	return c.Backend.ZAdd(ctx, key, members...)
}

func (c *countingBackend) ZRem(ctx context.Context, key string, members ...string) (int64, error) {
	c.note(key)
	return c.Backend.ZRem(ctx, key, members...)
}

func (c *countingBackend) ZScore(ctx context.Context, key, member string) (float64, error) {
	c.note(key)
	return c.Backend.ZScore(ctx, key, member)
}

func (c *countingBackend) ZCard(ctx context.Context, key string) (int64, error) {
	c.note(key)
	return c.Backend.ZCard(ctx, key)
}

func (c *countingBackend) ZRangeByScore(ctx context.Context, key string, min, max float64, limit int) ([]store.ZMember, error) {
	c.note(key)
	return c.Backend.ZRangeByScore(ctx, key, min, max, limit)
}

func (c *countingBackend) Apply(ctx context.Context, ops ...store.Op) error {
	keys := make([]string, 0, len(ops))
	for _, op := range ops {
		if op != nil {
			keys = append(keys, op.OpKey())
		}
	}
	c.note(keys...)
	return c.Backend.Apply(ctx, ops...)
}

// Update counts as one call touching keys plus whatever its ops touch.
func (c *countingBackend) Update(ctx context.Context, keys []string, fn func(r store.Reader) ([]store.Op, error)) error {
	c.note(keys...)
	c.mu.Lock()
	c.updates++
	c.mu.Unlock()
	return c.Backend.Update(ctx, keys, func(r store.Reader) ([]store.Op, error) {
		ops, err := fn(countingReader{r, c})
		c.mu.Lock()
		for _, op := range ops {
			c.keys[op.OpKey()]++
		}
		c.mu.Unlock()
		return ops, err
	})
}

// countingReader records the keys an Update reads.
type countingReader struct {
	store.Reader
	c *countingBackend
}

func (r countingReader) mark(key string) {
	r.c.mu.Lock()
	r.c.keys[key]++
	r.c.mu.Unlock()
}

func (r countingReader) Get(ctx context.Context, key string) (string, error) {
	r.mark(key)
	return r.Reader.Get(ctx, key)
}

func (r countingReader) HGet(ctx context.Context, key, field string) (string, error) {
	r.mark(key)
	return r.Reader.HGet(ctx, key, field)
}

func (r countingReader) HGetAll(ctx context.Context, key string) (map[string]string, error) {
	r.mark(key)
	return r.Reader.HGetAll(ctx, key)
}

func (r countingReader) LRange(ctx context.Context, key string, start, stop int64) ([]string, error) {
	r.mark(key)
	return r.Reader.LRange(ctx, key, start, stop)
}

func (r countingReader) SMembers(ctx context.Context, key string) ([]string, error) {
	r.mark(key)
	return r.Reader.SMembers(ctx, key)
}

func (r countingReader) ZScore(ctx context.Context, key, member string) (float64, error) {
	r.mark(key)
	return r.Reader.ZScore(ctx, key, member)
}

func (r countingReader) ZRangeByScore(ctx context.Context, key string, min, max float64, limit int) ([]store.ZMember, error) {
	r.mark(key)
	return r.Reader.ZRangeByScore(ctx, key, min, max, limit)
}

func (r countingReader) TTL(ctx context.Context, key string) (time.Duration, error) {
	r.mark(key)
	return r.Reader.TTL(ctx, key)
}

func (r countingReader) Type(ctx context.Context, key string) (store.Type, error) {
	r.mark(key)
	return r.Reader.Type(ctx, key)
}
