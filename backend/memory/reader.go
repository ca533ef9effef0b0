package memory

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/mimeiapify/store"
)

// errUnlocked is what a Reader returns for a key whose shard its Update
// did not lock; Update then discards fn's result and runs it again with
// that shard locked.
var errUnlocked = errors.New("memory: key outside the locked keys of this Update; fn will run again")

// reader is the store.Reader of one run of an Update's fn. It reads under
// the write locks Update holds.
type reader struct {
	b      *Backend
	held   shardSet
	missed shardSet // held plus the shards fn needed beyond it; nil if none
	c      clock
	done   bool
}

var _ store.Reader = (*reader)(nil)

// widen records that key's shard is needed, if it is not held.
func (r *reader) widen(key string) {
	if r.held.has(r.b.index(key)) {
		return
	}
	if r.missed == nil {
		r.missed = slices.Clone(r.held)
	}
	r.missed = r.b.addKey(r.missed, key)
}

// at returns key's shard. It fails when ctx is done, when the Update is
// over, and once fn has needed a shard that is not locked (this run's
// result will be discarded).
func (r *reader) at(ctx context.Context, op, key string) (*shard, error) {
	if err := ctx.Err(); err != nil {
		return nil, wrap(op, key, err)
	}
	if r.done {
		return nil, fmt.Errorf("memory: %s %q: %w: Reader used after its Update returned", op, key, store.ErrInvalidArgument)
	}
	r.widen(key)
	if r.missed != nil {
		return nil, wrap(op, key, errUnlocked)
	}
	return r.b.shardOf(key), nil
}

// Get is store.Reader.Get.
func (r *reader) Get(ctx context.Context, key string) (string, error) {
	s, err := r.at(ctx, "get", key)
	if err != nil {
		return "", err
	}
	v, err := s.getString(key, &r.c)
	return v, wrap("get", key, err)
}

// HGet is store.Reader.HGet.
func (r *reader) HGet(ctx context.Context, key, field string) (string, error) {
	s, err := r.at(ctx, "hget", key)
	if err != nil {
		return "", err
	}
	v, err := s.hget(key, field, &r.c)
	return v, wrap("hget", key, err)
}

// HGetAll is store.Reader.HGetAll.
func (r *reader) HGetAll(ctx context.Context, key string) (map[string]string, error) {
	s, err := r.at(ctx, "hgetall", key)
	if err != nil {
		return nil, err
	}
	m, err := s.hgetAll(key, &r.c)
	return m, wrap("hgetall", key, err)
}

// LRange is store.Reader.LRange.
func (r *reader) LRange(ctx context.Context, key string, start, stop int64) ([]string, error) {
	s, err := r.at(ctx, "lrange", key)
	if err != nil {
		return nil, err
	}
	l, err := s.lrange(key, start, stop, &r.c)
	return l, wrap("lrange", key, err)
}

// SMembers is store.Reader.SMembers.
func (r *reader) SMembers(ctx context.Context, key string) ([]string, error) {
	s, err := r.at(ctx, "smembers", key)
	if err != nil {
		return nil, err
	}
	m, err := s.smembers(key, &r.c)
	return m, wrap("smembers", key, err)
}

// ZScore is store.Reader.ZScore.
func (r *reader) ZScore(ctx context.Context, key, member string) (float64, error) {
	s, err := r.at(ctx, "zscore", key)
	if err != nil {
		return 0, err
	}
	v, err := s.zscore(key, member, &r.c)
	return v, wrap("zscore", key, err)
}

// ZRangeByScore is store.Reader.ZRangeByScore.
func (r *reader) ZRangeByScore(ctx context.Context, key string, min, max float64, limit int) ([]store.ZMember, error) {
	s, err := r.at(ctx, "zrangebyscore", key)
	if err != nil {
		return nil, err
	}
	if err := store.CheckScoreRange(min, max, limit); err != nil {
		return nil, wrap("zrangebyscore", key, err)
	}
	out, err := s.zrangeByScore(key, min, max, limit, &r.c)
	return out, wrap("zrangebyscore", key, err)
}

// TTL is store.Reader.TTL.
func (r *reader) TTL(ctx context.Context, key string) (time.Duration, error) {
	s, err := r.at(ctx, "ttl", key)
	if err != nil {
		return 0, err
	}
	ttl, err := s.ttl(key, &r.c)
	return ttl, wrap("ttl", key, err)
}

// Type is store.Reader.Type.
func (r *reader) Type(ctx context.Context, key string) (store.Type, error) {
	s, err := r.at(ctx, "type", key)
	if err != nil {
		return store.TypeNone, err
	}
	return s.typeOf(key, &r.c), nil
}
