package memory

import (
	"context"
	"time"

	"github.com/mimeiapify/store"
	"github.com/mimeiapify/store/internal/redisnum"
)

// Get is store.Strings.Get: key's value, store.ErrNotFound when it is
// missing.
func (b *Backend) Get(ctx context.Context, key string) (string, error) {
	if err := b.check(ctx, "get", key); err != nil {
		return "", err
	}
	var c clock
	s := b.rlock(key)
	v, err := s.getString(key, &c)
	s.runlock(key, &c)
	return v, wrap("get", key, err)
}

// Set is store.Strings.Set: it stores value at key, replacing a value of
// any type, with ttl (zero: none, clearing any previous TTL).
func (b *Backend) Set(ctx context.Context, key, value string, ttl time.Duration) error {
	if err := b.check(ctx, "set", key); err != nil {
		return err
	}
	ms, err := store.TTLMillis(ttl)
	if err != nil {
		return wrap("set", key, err)
	}
	var c clock
	s := b.wlock(key)
	s.set(key, value, ms, &c)
	s.mu.Unlock()
	return nil
}

// SetNX is store.Strings.SetNX: Set only if key does not exist, reporting
// whether it did.
func (b *Backend) SetNX(ctx context.Context, key, value string, ttl time.Duration) (bool, error) {
	if err := b.check(ctx, "setnx", key); err != nil {
		return false, err
	}
	ms, err := store.TTLMillis(ttl)
	if err != nil {
		return false, wrap("setnx", key, err)
	}
	var c clock
	s := b.wlock(key)
	ok := s.get(key, &c) == nil
	if ok {
		s.set(key, value, ms, &c)
	}
	s.mu.Unlock()
	return ok, nil
}

// IncrBy is store.Strings.IncrBy: it adds delta to the integer at key (a
// missing key counts as 0), keeps its TTL and returns the new value.
func (b *Backend) IncrBy(ctx context.Context, key string, delta int64) (int64, error) {
	if err := b.check(ctx, "incrby", key); err != nil {
		return 0, err
	}
	var c clock
	s := b.wlock(key)
	n, err := s.incrBy(key, delta, &c)
	s.mu.Unlock()
	return n, wrap("incrby", key, err)
}

// getString returns the string at key.
func (s *shard) getString(key string, c *clock) (string, error) {
	e, err := s.liveOf(key, store.TypeString, c)
	if err != nil {
		return "", err
	}
	if e == nil {
		return "", store.ErrNotFound
	}
	return e.str, nil
}

// set stores value at key with a TTL of ms milliseconds (0: none),
// replacing whatever was there.
func (s *shard) set(key, value string, ms int64, c *clock) {
	e := s.m[key]
	if e == nil || e.typ != store.TypeString {
		e = &entry{typ: store.TypeString}
		s.put(key, e)
	}
	e.str = value
	e.exp = 0
	if ms > 0 {
		s.setExp(e, c.expiry(ms))
	}
}

// incrBy adds delta to the integer at key and returns the sum.
func (s *shard) incrBy(key string, delta int64, c *clock) (int64, error) {
	e, err := s.getOf(key, store.TypeString, c)
	if err != nil {
		return 0, err
	}
	var cur int64
	if e != nil {
		if cur, err = parseInt(e.str, delta); err != nil {
			return 0, err
		}
	}
	n := cur + delta
	if e == nil {
		e = &entry{typ: store.TypeString}
		s.put(key, e)
	}
	e.str = redisnum.FormatInt(n)
	return n, nil
}

// parseInt parses a stored integer that delta is about to be added to:
// store.ErrNotInteger when it is not one, store.ErrOverflow when the sum
// would not fit.
func parseInt(v string, delta int64) (int64, error) {
	n, ok := redisnum.ParseInt(v)
	if !ok {
		return 0, store.ErrNotInteger
	}
	if _, ok := redisnum.AddInt(n, delta); !ok {
		return 0, store.ErrOverflow
	}
	return n, nil
}
