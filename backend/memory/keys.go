package memory

import (
	"context"
	"fmt"
	"math"
	"time"

	"github.com/mimeiapify/store"
)

// Exists is store.Keys.Exists: it reports how many of keys exist, a key
// named twice counting twice.
func (b *Backend) Exists(ctx context.Context, keys ...string) (int64, error) {
	if err := b.checkKeys(ctx, "exists", keys); err != nil {
		return 0, err
	}
	var n int64
	var c clock
	set := b.keysSet(keys)
	b.lock(set, true)
	for _, k := range keys {
		if b.shardOf(k).live(k, &c) != nil {
			n++
		}
	}
	b.unlock(set, true)
	return n, nil
}

// Del is store.Keys.Del: it deletes keys, all in one step, and reports
// how many existed.
func (b *Backend) Del(ctx context.Context, keys ...string) (int64, error) {
	if err := b.checkKeys(ctx, "del", keys); err != nil {
		return 0, err
	}
	var n int64
	var c clock
	set := b.keysSet(keys)
	b.lock(set, false)
	for _, k := range keys {
		if b.shardOf(k).del(k, &c) {
			n++
		}
	}
	b.unlock(set, false)
	return n, nil
}

// checkKeys is check for a call on several keys, named by the first.
func (b *Backend) checkKeys(ctx context.Context, op string, keys []string) error {
	first := ""
	if len(keys) > 0 {
		first = keys[0]
	}
	return b.check(ctx, op, first)
}

// keysSet returns the shards of keys.
func (b *Backend) keysSet(keys []string) shardSet {
	set := make(shardSet, 0, len(keys))
	for _, k := range keys {
		set = b.addKey(set, k)
	}
	return set
}

// Expire is store.Keys.Expire: it sets key's TTL (which must be positive)
// and reports whether the key exists.
func (b *Backend) Expire(ctx context.Context, key string, ttl time.Duration) (bool, error) {
	if err := b.check(ctx, "expire", key); err != nil {
		return false, err
	}
	if ttl <= 0 {
		return false, fmt.Errorf("memory: expire %q: %w: TTL %v must be positive", key, store.ErrInvalidArgument, ttl)
	}
	ms, err := store.TTLMillis(ttl)
	if err != nil {
		return false, wrap("expire", key, err)
	}
	var c clock
	s := b.wlock(key)
	ok := s.expire(key, c.expiry(ms), &c)
	s.mu.Unlock()
	return ok, nil
}

// Persist is store.Keys.Persist: it removes key's TTL and reports whether
// there was one.
func (b *Backend) Persist(ctx context.Context, key string) (bool, error) {
	if err := b.check(ctx, "persist", key); err != nil {
		return false, err
	}
	var c clock
	s := b.wlock(key)
	ok := s.persist(key, &c)
	s.mu.Unlock()
	return ok, nil
}

// TTL is store.Keys.TTL: key's remaining time to live in whole
// milliseconds, rounded up (so a TTL read back at once is the one set),
// store.NoExpiry when it has none, store.ErrNotFound when it is missing.
func (b *Backend) TTL(ctx context.Context, key string) (time.Duration, error) {
	if err := b.check(ctx, "ttl", key); err != nil {
		return 0, err
	}
	var c clock
	s := b.rlock(key)
	ttl, err := s.ttl(key, &c)
	s.runlock(key, &c)
	return ttl, wrap("ttl", key, err)
}

// Type is store.Keys.Type: the type of key's value, store.TypeNone when
// it is missing.
func (b *Backend) Type(ctx context.Context, key string) (store.Type, error) {
	if err := b.check(ctx, "type", key); err != nil {
		return store.TypeNone, err
	}
	var c clock
	s := b.rlock(key)
	t := s.typeOf(key, &c)
	s.runlock(key, &c)
	return t, nil
}

// del deletes key and reports whether it existed.
func (s *shard) del(key string, c *clock) bool {
	if s.get(key, c) == nil {
		return false
	}
	delete(s.m, key)
	return true
}

// expire gives key the expiry exp and reports whether it exists.
func (s *shard) expire(key string, exp int64, c *clock) bool {
	e := s.get(key, c)
	if e == nil {
		return false
	}
	s.setExp(e, exp)
	return true
}

// expireOp is ExpireOp: expire, with nx only a key without expiry, with
// gt only a key whose expiry is earlier than exp (a key without expiry
// counts as never expiring, as in Redis' PEXPIRE GT).
func (s *shard) expireOp(key string, exp int64, nx, gt bool, c *clock) {
	e := s.get(key, c)
	switch {
	case e == nil, nx && e.exp != 0, gt && (e.exp == 0 || exp <= e.exp):
		return
	}
	s.setExp(e, exp)
}

// persist removes key's expiry and reports whether it had one.
func (s *shard) persist(key string, c *clock) bool {
	e := s.get(key, c)
	if e == nil || e.exp == 0 {
		return false
	}
	e.exp = 0
	return true
}

// ttl returns key's remaining time to live, rounded up to the millisecond.
func (s *shard) ttl(key string, c *clock) (time.Duration, error) {
	e := s.live(key, c)
	switch {
	case e == nil:
		return 0, store.ErrNotFound
	case e.exp == 0:
		return store.NoExpiry, nil
	}
	return millisToDuration((e.exp - c.now() + 999) / 1000), nil
}

// millisToDuration converts a remaining TTL of ms milliseconds to a
// Duration, clamped to the largest Duration (about 292 years), as
// store.Keys.TTL promises: a TTL near math.MaxInt64 nanoseconds is
// rounded up to a millisecond count that no longer fits.
func millisToDuration(ms int64) time.Duration {
	if ms > math.MaxInt64/int64(time.Millisecond) {
		return math.MaxInt64
	}
	return time.Duration(ms) * time.Millisecond
}

// typeOf returns the type of key's value; TypeNone when it is missing.
func (s *shard) typeOf(key string, c *clock) store.Type {
	if e := s.live(key, c); e != nil {
		return e.typ
	}
	return store.TypeNone
}
