package memory

import (
	"context"
	"fmt"
	"maps"

	"github.com/mimeiapify/store"
	"github.com/mimeiapify/store/internal/redisnum"
)

// HSet is store.Hashes.HSet: it sets fields (at least one), keeps the
// key's TTL and returns how many fields were new.
func (b *Backend) HSet(ctx context.Context, key string, fields map[string]string) (int64, error) {
	if err := b.checkArgs(ctx, "hset", key, len(fields), "fields"); err != nil {
		return 0, err
	}
	var c clock
	s := b.wlock(key)
	n, err := s.hset(key, fields, &c)
	s.mu.Unlock()
	return n, wrap("hset", key, err)
}

// HGet is store.Hashes.HGet: one field, store.ErrNotFound when the key or
// the field is missing.
func (b *Backend) HGet(ctx context.Context, key, field string) (string, error) {
	if err := b.check(ctx, "hget", key); err != nil {
		return "", err
	}
	var c clock
	s := b.rlock(key)
	v, err := s.hget(key, field, &c)
	s.runlock(key, &c)
	return v, wrap("hget", key, err)
}

// HMGet is store.Hashes.HMGet: the named fields (at least one) that exist.
func (b *Backend) HMGet(ctx context.Context, key string, fields ...string) (map[string]string, error) {
	if err := b.checkArgs(ctx, "hmget", key, len(fields), "fields"); err != nil {
		return nil, err
	}
	var c clock
	s := b.rlock(key)
	out, err := s.hmget(key, fields, &c)
	s.runlock(key, &c)
	return out, wrap("hmget", key, err)
}

// HGetAll is store.Hashes.HGetAll: a copy of every field; an empty map for
// a missing key.
func (b *Backend) HGetAll(ctx context.Context, key string) (map[string]string, error) {
	if err := b.check(ctx, "hgetall", key); err != nil {
		return nil, err
	}
	var c clock
	s := b.rlock(key)
	out, err := s.hgetAll(key, &c)
	s.runlock(key, &c)
	return out, wrap("hgetall", key, err)
}

// HDel is store.Hashes.HDel: it deletes fields (at least one) and returns
// how many existed; a hash left empty is deleted with its TTL.
func (b *Backend) HDel(ctx context.Context, key string, fields ...string) (int64, error) {
	if err := b.checkArgs(ctx, "hdel", key, len(fields), "fields"); err != nil {
		return 0, err
	}
	var c clock
	s := b.wlock(key)
	n, err := s.hdel(key, fields, &c)
	s.mu.Unlock()
	return n, wrap("hdel", key, err)
}

// HExists is store.Hashes.HExists.
func (b *Backend) HExists(ctx context.Context, key, field string) (bool, error) {
	if err := b.check(ctx, "hexists", key); err != nil {
		return false, err
	}
	var c clock
	s := b.rlock(key)
	ok, err := s.hexists(key, field, &c)
	s.runlock(key, &c)
	return ok, wrap("hexists", key, err)
}

// HIncrBy is store.Hashes.HIncrBy: it adds delta to an integer field
// (missing counts as 0) and returns the new value.
func (b *Backend) HIncrBy(ctx context.Context, key, field string, delta int64) (int64, error) {
	if err := b.check(ctx, "hincrby", key); err != nil {
		return 0, err
	}
	var c clock
	s := b.wlock(key)
	n, err := s.hincrBy(key, field, delta, &c)
	s.mu.Unlock()
	return n, wrap("hincrby", key, err)
}

// HIncrByFloat is store.Hashes.HIncrByFloat: it adds delta to a numeric
// field with Redis' 80-bit arithmetic and formatting, and returns the new
// value.
func (b *Backend) HIncrByFloat(ctx context.Context, key, field string, delta float64) (float64, error) {
	if err := b.check(ctx, "hincrbyfloat", key); err != nil {
		return 0, err
	}
	var c clock
	s := b.wlock(key)
	f, err := s.hincrByFloat(key, field, delta, &c)
	s.mu.Unlock()
	return f, wrap("hincrbyfloat", key, err)
}

// HLen is store.Hashes.HLen: the number of fields, 0 for a missing key.
func (b *Backend) HLen(ctx context.Context, key string) (int64, error) {
	if err := b.check(ctx, "hlen", key); err != nil {
		return 0, err
	}
	var c clock
	s := b.rlock(key)
	n, err := s.count(key, store.TypeHash, &c)
	s.runlock(key, &c)
	return n, wrap("hlen", key, err)
}

// checkArgs is check for a call that needs at least one field, value or
// member: n is how many it got.
func (b *Backend) checkArgs(ctx context.Context, op, key string, n int, what string) error {
	if err := b.check(ctx, op, key); err != nil {
		return err
	}
	if n == 0 {
		return fmt.Errorf("memory: %s %q: %w: no %s given", op, key, store.ErrInvalidArgument, what)
	}
	return nil
}

// count returns the size of the collection of type t at key.
func (s *shard) count(key string, t store.Type, c *clock) (int64, error) {
	e, err := s.liveOf(key, t, c)
	if e == nil {
		return 0, err
	}
	return int64(e.len()), nil
}

// hset sets fields of the hash at key and returns how many were new.
func (s *shard) hset(key string, fields map[string]string, c *clock) (int64, error) {
	e, err := s.create(key, store.TypeHash, c)
	if err != nil {
		return 0, err
	}
	before := len(e.hash)
	for f, v := range fields {
		e.hash[f] = v
	}
	return int64(len(e.hash) - before), nil
}

// hget returns one field of the hash at key.
func (s *shard) hget(key, field string, c *clock) (string, error) {
	e, err := s.liveOf(key, store.TypeHash, c)
	if err != nil {
		return "", err
	}
	if e != nil {
		if v, ok := e.hash[field]; ok {
			return v, nil
		}
	}
	return "", store.ErrNotFound
}

// hgetAll returns a copy of the hash at key; empty when it is missing.
func (s *shard) hgetAll(key string, c *clock) (map[string]string, error) {
	e, err := s.liveOf(key, store.TypeHash, c)
	if err != nil {
		return nil, err
	}
	if e == nil {
		return map[string]string{}, nil
	}
	return maps.Clone(e.hash), nil
}

// hmget returns the named fields of the hash at key that exist.
func (s *shard) hmget(key string, fields []string, c *clock) (map[string]string, error) {
	e, err := s.liveOf(key, store.TypeHash, c)
	if err != nil {
		return nil, err
	}
	out := make(map[string]string, len(fields))
	if e != nil {
		for _, f := range fields {
			if v, ok := e.hash[f]; ok {
				out[f] = v
			}
		}
	}
	return out, nil
}

// hexists reports whether the hash at key has field.
func (s *shard) hexists(key, field string, c *clock) (bool, error) {
	e, err := s.liveOf(key, store.TypeHash, c)
	if e == nil {
		return false, err
	}
	_, ok := e.hash[field]
	return ok, nil
}

// hdel deletes fields of the hash at key and returns how many existed.
func (s *shard) hdel(key string, fields []string, c *clock) (int64, error) {
	e, err := s.getOf(key, store.TypeHash, c)
	if e == nil {
		return 0, err
	}
	before := len(e.hash)
	for _, f := range fields {
		delete(e.hash, f)
	}
	s.dropIfEmpty(key, e)
	return int64(before - len(e.hash)), nil
}

// hincrBy adds delta to an integer field and returns the sum.
func (s *shard) hincrBy(key, field string, delta int64, c *clock) (int64, error) {
	e, err := s.getOf(key, store.TypeHash, c)
	if err != nil {
		return 0, err
	}
	var cur int64
	if e != nil {
		if v, ok := e.hash[field]; ok {
			if cur, err = parseInt(v, delta); err != nil {
				return 0, err
			}
		}
	}
	if e == nil {
		e, _ = s.create(key, store.TypeHash, c)
	}
	n := cur + delta
	e.hash[field] = redisnum.FormatInt(n)
	return n, nil
}

// hincrByFloat adds delta to a numeric field and returns the sum.
func (s *shard) hincrByFloat(key, field string, delta float64, c *clock) (float64, error) {
	e, err := s.getOf(key, store.TypeHash, c)
	if err != nil {
		return 0, err
	}
	var cur string
	var exists bool
	if e != nil {
		cur, exists = e.hash[field]
	}
	stored, f, notFloat, overflow := redisnum.IncrFloat(cur, exists, delta)
	switch {
	case notFloat:
		return 0, store.ErrNotFloat
	case overflow:
		return 0, store.ErrOverflow
	}
	if e == nil {
		e, _ = s.create(key, store.TypeHash, c)
	}
	e.hash[field] = stored
	return f, nil
}
