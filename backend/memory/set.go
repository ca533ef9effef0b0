package memory

import (
	"context"
	"fmt"

	"github.com/mimeiapify/store"
)

// SAdd is store.Sets.SAdd: it adds members (at least one) and returns how
// many were new.
func (b *Backend) SAdd(ctx context.Context, key string, members ...string) (int64, error) {
	if err := b.checkArgs(ctx, "sadd", key, len(members), "members"); err != nil {
		return 0, err
	}
	var c clock
	s := b.wlock(key)
	n, err := s.sadd(key, members, &c)
	s.mu.Unlock()
	return n, wrap("sadd", key, err)
}

// SRem is store.Sets.SRem: it removes members (at least one) and returns
// how many existed; a set left empty is deleted with its TTL.
func (b *Backend) SRem(ctx context.Context, key string, members ...string) (int64, error) {
	if err := b.checkArgs(ctx, "srem", key, len(members), "members"); err != nil {
		return 0, err
	}
	var c clock
	s := b.wlock(key)
	n, err := s.srem(key, members, &c)
	s.mu.Unlock()
	return n, wrap("srem", key, err)
}

// SMembers is store.Sets.SMembers: the members in no particular order;
// none for a missing key.
func (b *Backend) SMembers(ctx context.Context, key string) ([]string, error) {
	if err := b.check(ctx, "smembers", key); err != nil {
		return nil, err
	}
	var c clock
	s := b.rlock(key)
	out, err := s.smembers(key, &c)
	s.runlock(key, &c)
	return out, wrap("smembers", key, err)
}

// SIsMember is store.Sets.SIsMember.
func (b *Backend) SIsMember(ctx context.Context, key, member string) (bool, error) {
	if err := b.check(ctx, "sismember", key); err != nil {
		return false, err
	}
	var c clock
	s := b.rlock(key)
	ok, err := s.sismember(key, member, &c)
	s.runlock(key, &c)
	return ok, wrap("sismember", key, err)
}

// SCard is store.Sets.SCard: the number of members, 0 for a missing key.
func (b *Backend) SCard(ctx context.Context, key string) (int64, error) {
	if err := b.check(ctx, "scard", key); err != nil {
		return 0, err
	}
	var c clock
	s := b.rlock(key)
	n, err := s.count(key, store.TypeSet, &c)
	s.runlock(key, &c)
	return n, wrap("scard", key, err)
}

// SRandMember is store.Sets.SRandMember: up to count distinct members,
// from where Go's randomised map iteration starts.
func (b *Backend) SRandMember(ctx context.Context, key string, count int) ([]string, error) {
	if err := b.check(ctx, "srandmember", key); err != nil {
		return nil, err
	}
	if count < 1 {
		return nil, fmt.Errorf("memory: srandmember %q: %w: count %d must be at least 1", key, store.ErrInvalidArgument, count)
	}
	var c clock
	s := b.rlock(key)
	out, err := s.srandmember(key, count, &c)
	s.runlock(key, &c)
	return out, wrap("srandmember", key, err)
}

// sadd adds members to the set at key and returns how many were new.
func (s *shard) sadd(key string, members []string, c *clock) (int64, error) {
	e, err := s.create(key, store.TypeSet, c)
	if err != nil {
		return 0, err
	}
	before := len(e.set)
	for _, m := range members {
		e.set[m] = struct{}{}
	}
	return int64(len(e.set) - before), nil
}

// srem removes members from the set at key and returns how many existed.
func (s *shard) srem(key string, members []string, c *clock) (int64, error) {
	e, err := s.getOf(key, store.TypeSet, c)
	if e == nil {
		return 0, err
	}
	before := len(e.set)
	for _, m := range members {
		delete(e.set, m)
	}
	s.dropIfEmpty(key, e)
	return int64(before - len(e.set)), nil
}

// sismember reports whether member is in the set at key.
func (s *shard) sismember(key, member string, c *clock) (bool, error) {
	e, err := s.liveOf(key, store.TypeSet, c)
	if e == nil {
		return false, err
	}
	_, ok := e.set[member]
	return ok, nil
}

// smembers returns the members of the set at key.
func (s *shard) smembers(key string, c *clock) ([]string, error) {
	e, err := s.liveOf(key, store.TypeSet, c)
	if err != nil {
		return nil, err
	}
	if e == nil {
		return []string{}, nil
	}
	out := make([]string, 0, len(e.set))
	for m := range e.set {
		out = append(out, m)
	}
	return out, nil
}

// srandmember returns up to count members of the set at key.
func (s *shard) srandmember(key string, count int, c *clock) ([]string, error) {
	e, err := s.liveOf(key, store.TypeSet, c)
	if err != nil {
		return nil, err
	}
	if e == nil {
		return []string{}, nil
	}
	out := make([]string, 0, min(count, len(e.set)))
	for m := range e.set {
		if len(out) == count {
			break
		}
		out = append(out, m)
	}
	return out, nil
}
