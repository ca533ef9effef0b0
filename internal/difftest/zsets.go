package difftest

import (
	"context"
	"fmt"
	"math"

	"github.com/mimeiapify/store"
)

// zsetStep is a call on a sorted set: ZAdd, ZRem, ZScore, ZCard or
// ZRangeByScore.
func (g *gen) zsetStep() step {
	k := g.key(areaZSet)
	switch g.r.IntN(6) {
	case 0, 1:
		ms := g.zmembers()
		return step{fmt.Sprintf("zadd %q %v", k, ms), func(ctx context.Context, b store.Backend) (any, error) {
			return b.ZAdd(ctx, k, ms...)
		}}
	case 2:
		ms := g.members()
		return step{fmt.Sprintf("zrem %q %q", k, ms), func(ctx context.Context, b store.Backend) (any, error) {
			return b.ZRem(ctx, k, ms...)
		}}
	case 3, 4:
		lo, hi, limit := g.score(), g.score(), g.limit()
		if lo > hi && !g.oneIn(4) {
			lo, hi = hi, lo
		}
		return step{fmt.Sprintf("zrangebyscore %q %v %v %d", k, lo, hi, limit), func(ctx context.Context, b store.Backend) (any, error) {
			return b.ZRangeByScore(ctx, k, lo, hi, limit)
		}}
	default:
		m := g.member()
		return step{fmt.Sprintf("zscore/zcard %q %q", k, m), func(ctx context.Context, b store.Backend) (any, error) {
			v, err := b.ZScore(ctx, k, m)
			n, err2 := b.ZCard(ctx, k)
			return []any{outcome(v, err), outcome(n, err2)}, nil
		}}
	}
}

// score returns a sorted-set score; rarely NaN, which must be refused.
func (g *gen) score() float64 {
	if g.oneIn(40) {
		return math.NaN()
	}
	return pick(g, scores)
}

// limit returns a ZRangeByScore limit: rarely one below 1, which must be
// refused.
func (g *gen) limit() int {
	if g.oneIn(15) {
		return pick(g, badLimits)
	}
	return pick(g, limits)
}

// zmembers returns 1 to 3 members with scores (repeats possible); rarely
// none, which every call must refuse.
func (g *gen) zmembers() []store.ZMember {
	ms := g.members()
	if ms == nil {
		return nil
	}
	out := make([]store.ZMember, len(ms))
	for i, m := range ms {
		out[i] = store.ZMember{Member: m, Score: g.score()}
	}
	return out
}
