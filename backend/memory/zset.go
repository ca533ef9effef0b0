package memory

import (
	"context"
	"fmt"

	"github.com/mimeiapify/store"
)

// ZAdd is store.SortedSets.ZAdd: it adds members (at least one) or updates
// their scores and returns how many were new; a NaN score is
// store.ErrInvalidArgument.
func (b *Backend) ZAdd(ctx context.Context, key string, members ...store.ZMember) (int64, error) {
	if err := b.check(ctx, "zadd", key); err != nil {
		return 0, err
	}
	if err := store.CheckZMembers(members); err != nil {
		return 0, wrap("zadd", key, err)
	}
	var c clock
	s := b.wlock(key)
	n, err := s.zadd(key, members, false, false, &c)
	s.mu.Unlock()
	return n, wrap("zadd", key, err)
}

// ZRem is store.SortedSets.ZRem: it removes members (at least one) and
// returns how many existed; a sorted set left empty is deleted with its
// TTL.
func (b *Backend) ZRem(ctx context.Context, key string, members ...string) (int64, error) {
	if err := b.checkArgs(ctx, "zrem", key, len(members), "members"); err != nil {
		return 0, err
	}
	var c clock
	s := b.wlock(key)
	n, err := s.zrem(key, members, &c)
	s.mu.Unlock()
	return n, wrap("zrem", key, err)
}

// ZScore is store.SortedSets.ZScore.
func (b *Backend) ZScore(ctx context.Context, key, member string) (float64, error) {
	if err := b.check(ctx, "zscore", key); err != nil {
		return 0, err
	}
	var c clock
	s := b.rlock(key)
	v, err := s.zscore(key, member, &c)
	s.runlock(key, &c)
	return v, wrap("zscore", key, err)
}

// ZCard is store.SortedSets.ZCard: the number of members, 0 for a missing
// key.
func (b *Backend) ZCard(ctx context.Context, key string) (int64, error) {
	if err := b.check(ctx, "zcard", key); err != nil {
		return 0, err
	}
	var c clock
	s := b.rlock(key)
	n, err := s.count(key, store.TypeZSet, &c)
	s.runlock(key, &c)
	return n, wrap("zcard", key, err)
}

// ZRangeByScore is store.SortedSets.ZRangeByScore: O(log n + limit) on the
// skiplist.
func (b *Backend) ZRangeByScore(ctx context.Context, key string, min, max float64, limit int) ([]store.ZMember, error) {
	if err := b.check(ctx, "zrangebyscore", key); err != nil {
		return nil, err
	}
	if err := store.CheckScoreRange(min, max, limit); err != nil {
		return nil, wrap("zrangebyscore", key, err)
	}
	var c clock
	s := b.rlock(key)
	out, err := s.zrangeByScore(key, min, max, limit, &c)
	s.runlock(key, &c)
	return out, wrap("zrangebyscore", key, err)
}

// zadd adds or updates members of the sorted set at key (with nx only
// adds, with xx only updates) and returns how many were new. With xx a
// missing key stays missing.
func (s *shard) zadd(key string, members []store.ZMember, nx, xx bool, c *clock) (int64, error) {
	var e *entry
	var err error
	if xx {
		e, err = s.getOf(key, store.TypeZSet, c)
	} else {
		e, err = s.create(key, store.TypeZSet, c)
	}
	if e == nil {
		return 0, err
	}
	var n int64
	for _, m := range members {
		if e.zset.add(m.Member, m.Score+0, nx, xx) { // +0: -0 is stored as 0, as Redis does
			n++
		}
	}
	return n, nil
}

// zrem removes members of the sorted set at key and returns how many
// existed.
func (s *shard) zrem(key string, members []string, c *clock) (int64, error) {
	e, err := s.getOf(key, store.TypeZSet, c)
	if e == nil {
		return 0, err
	}
	var n int64
	for _, m := range members {
		if e.zset.rem(m) {
			n++
		}
	}
	s.dropIfEmpty(key, e)
	return n, nil
}

// zscore returns member's score in the sorted set at key.
func (s *shard) zscore(key, member string, c *clock) (float64, error) {
	e, err := s.liveOf(key, store.TypeZSet, c)
	if err != nil {
		return 0, err
	}
	if e == nil {
		return 0, store.ErrNotFound
	}
	v, ok := e.zset.scores[member]
	if !ok {
		return 0, fmt.Errorf("member %q: %w", member, store.ErrNotFound)
	}
	return v, nil
}

// zrangeByScore returns up to limit members of the sorted set at key with
// lo <= score <= hi.
func (s *shard) zrangeByScore(key string, lo, hi float64, limit int, c *clock) ([]store.ZMember, error) {
	e, err := s.liveOf(key, store.TypeZSet, c)
	if err != nil {
		return nil, err
	}
	if e == nil {
		return []store.ZMember{}, nil
	}
	return e.zset.rangeByScore(lo, hi, limit), nil
}
