package memory

import (
	"context"
	"fmt"

	"github.com/mimeiapify/store"
)

// RPush is store.Lists.RPush: it appends values (at least one) and returns
// the new length.
func (b *Backend) RPush(ctx context.Context, key string, values ...string) (int64, error) {
	if err := b.checkArgs(ctx, "rpush", key, len(values), "values"); err != nil {
		return 0, err
	}
	var c clock
	s := b.wlock(key)
	n, err := s.push(key, values, false, &c)
	s.mu.Unlock()
	return n, wrap("rpush", key, err)
}

// LPush is store.Lists.LPush: it prepends values (at least one) one after
// the other, so that LPush(a, b, c) gives c b a, and returns the new
// length.
func (b *Backend) LPush(ctx context.Context, key string, values ...string) (int64, error) {
	if err := b.checkArgs(ctx, "lpush", key, len(values), "values"); err != nil {
		return 0, err
	}
	var c clock
	s := b.wlock(key)
	n, err := s.push(key, values, true, &c)
	s.mu.Unlock()
	return n, wrap("lpush", key, err)
}

// LRange is store.Lists.LRange: a copy of the elements from start to stop,
// both included, clamped as Redis does.
func (b *Backend) LRange(ctx context.Context, key string, start, stop int64) ([]string, error) {
	if err := b.check(ctx, "lrange", key); err != nil {
		return nil, err
	}
	var c clock
	s := b.rlock(key)
	out, err := s.lrange(key, start, stop, &c)
	s.runlock(key, &c)
	return out, wrap("lrange", key, err)
}

// LTrim is store.Lists.LTrim: it keeps the elements from start to stop;
// a list left empty is deleted with its TTL.
func (b *Backend) LTrim(ctx context.Context, key string, start, stop int64) error {
	if err := b.check(ctx, "ltrim", key); err != nil {
		return err
	}
	var c clock
	s := b.wlock(key)
	err := s.ltrim(key, start, stop, &c)
	s.mu.Unlock()
	return wrap("ltrim", key, err)
}

// LLen is store.Lists.LLen: the length, 0 for a missing key.
func (b *Backend) LLen(ctx context.Context, key string) (int64, error) {
	if err := b.check(ctx, "llen", key); err != nil {
		return 0, err
	}
	var c clock
	s := b.rlock(key)
	n, err := s.count(key, store.TypeList, &c)
	s.runlock(key, &c)
	return n, wrap("llen", key, err)
}

// LPop is store.Lists.LPop: it removes and returns up to count (at least
// 1) elements from the left; none for a missing key.
func (b *Backend) LPop(ctx context.Context, key string, count int) ([]string, error) {
	if err := b.check(ctx, "lpop", key); err != nil {
		return nil, err
	}
	if count < 1 {
		return nil, fmt.Errorf("memory: lpop %q: %w: count %d must be at least 1", key, store.ErrInvalidArgument, count)
	}
	var c clock
	s := b.wlock(key)
	out, err := s.lpop(key, count, &c)
	s.mu.Unlock()
	return out, wrap("lpop", key, err)
}

// push adds values at the left (front) or the right of the list at key
// and returns its new length.
func (s *shard) push(key string, values []string, front bool, c *clock) (int64, error) {
	e, err := s.create(key, store.TypeList, c)
	if err != nil {
		return 0, err
	}
	if front {
		e.list.pushFront(values)
	} else {
		e.list.pushBack(values)
	}
	return int64(e.list.len()), nil
}

// lrange returns a copy of a range of the list at key.
func (s *shard) lrange(key string, start, stop int64, c *clock) ([]string, error) {
	e, err := s.liveOf(key, store.TypeList, c)
	if err != nil {
		return nil, err
	}
	if e == nil {
		return []string{}, nil
	}
	items := e.list.items()
	lo, hi := clampRange(start, stop, len(items))
	return append([]string(nil), items[lo:hi]...), nil
}

// ltrim keeps a range of the list at key.
func (s *shard) ltrim(key string, start, stop int64, c *clock) error {
	e, err := s.getOf(key, store.TypeList, c)
	if e == nil {
		return err
	}
	lo, hi := clampRange(start, stop, e.list.len())
	e.list.trim(lo, hi)
	s.dropIfEmpty(key, e)
	return nil
}

// lpop removes and returns up to count elements from the left.
func (s *shard) lpop(key string, count int, c *clock) ([]string, error) {
	e, err := s.getOf(key, store.TypeList, c)
	if err != nil {
		return nil, err
	}
	if e == nil {
		return []string{}, nil
	}
	out := e.list.popFront(count)
	s.dropIfEmpty(key, e)
	return out, nil
}

// clampRange turns Redis' inclusive start and stop (negative ones count
// from the end) into the half-open range [lo, hi) of a list of n
// elements, as LRANGE and LTRIM clamp them; lo == hi when it is empty.
func clampRange(start, stop int64, n int) (lo, hi int) {
	size := int64(n)
	if start < 0 {
		start += size
	}
	if stop < 0 {
		stop += size
	}
	if start < 0 {
		start = 0
	}
	if start > stop || start >= size {
		return 0, 0
	}
	if stop >= size {
		stop = size - 1
	}
	return int(start), int(stop) + 1
}
