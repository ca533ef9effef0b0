package rediscore

import (
	"context"
	"fmt"

	"github.com/mimeiapify/store"
	"github.com/mimeiapify/store/internal/luagroup"
)

var (
	cmdZAdd          = []string{"ZADD"}
	cmdZRem          = []string{"ZREM"}
	cmdZScore        = []string{"ZSCORE"}
	cmdZCard         = []string{"ZCARD"}
	cmdZRangeByScore = []string{"ZRANGEBYSCORE"}
)

// ZAdd adds members or updates their scores (ZADD) and returns how many
// were new; a NaN score is store.ErrInvalidArgument.
func (b *Backend) ZAdd(ctx context.Context, key string, members ...store.ZMember) (int64, error) {
	if err := b.begin(ctx, "zadd", key); err != nil {
		return 0, err
	}
	if err := store.CheckZMembers(members); err != nil {
		return 0, b.wrap("zadd", key, err)
	}
	args := make([]string, 0, 2*len(members))
	for _, m := range members {
		args = append(args, luagroup.FormatScore(m.Score), m.Member)
	}
	return b.int(ctx, b.c, "zadd", key, one(cmdZAdd, KindInt, false, key, args...))
}

// ZRem removes members (ZREM) and returns how many existed.
func (b *Backend) ZRem(ctx context.Context, key string, members ...string) (int64, error) {
	return b.members(ctx, "zrem", cmdZRem, key, members)
}

// ZScore returns member's score (ZSCORE); store.ErrNotFound when the key
// or the member is missing.
func (b *Backend) ZScore(ctx context.Context, key, member string) (float64, error) {
	return b.zscore(ctx, b.c, key, member)
}

func (b *Backend) zscore(ctx context.Context, d Doer, key, member string) (float64, error) {
	if err := b.begin(ctx, "zscore", key); err != nil {
		return 0, err
	}
	r := d.Do(ctx, one(cmdZScore, KindFloat, true, key, member))
	if r.Err != nil {
		return 0, b.fail(ctx, "zscore", key, r.Err)
	}
	return r.Float, nil
}

// ZCard returns the number of members (ZCARD).
func (b *Backend) ZCard(ctx context.Context, key string) (int64, error) {
	if err := b.begin(ctx, "zcard", key); err != nil {
		return 0, err
	}
	return b.int(ctx, b.c, "zcard", key, one(cmdZCard, KindInt, true, key))
}

// ZRangeByScore returns up to limit members with min <= score <= max
// (ZRANGEBYSCORE key min max WITHSCORES LIMIT 0 limit: one round trip,
// O(log n + limit) on the server).
func (b *Backend) ZRangeByScore(ctx context.Context, key string, min, max float64, limit int) ([]store.ZMember, error) {
	return b.zrangeByScore(ctx, b.c, key, min, max, limit)
}

func (b *Backend) zrangeByScore(ctx context.Context, d Doer, key string, lo, hi float64, limit int) ([]store.ZMember, error) {
	if err := b.begin(ctx, "zrangebyscore", key); err != nil {
		return nil, err
	}
	if err := store.CheckScoreRange(lo, hi, limit); err != nil {
		return nil, b.wrap("zrangebyscore", key, err)
	}
	r := d.Do(ctx, one(cmdZRangeByScore, KindZ, true, key,
		luagroup.FormatScore(lo), luagroup.FormatScore(hi), "WITHSCORES", "LIMIT", "0", itoa(int64(limit))))
	if r.Err != nil && !b.c.IsNil(r.Err) {
		return nil, b.fail(ctx, "zrangebyscore", key, r.Err)
	}
	if r.Z == nil {
		return []store.ZMember{}, nil
	}
	if len(r.Z) > limit {
		return nil, b.wrap("zrangebyscore", key, fmt.Errorf("the server replied %d members for a limit of %d", len(r.Z), limit))
	}
	return r.Z, nil
}
