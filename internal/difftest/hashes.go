package difftest

import (
	"context"
	"fmt"

	"github.com/mimeiapify/store"
)

// hashesStep is a call on a hash: HSet, HGet, HMGet, HGetAll, HDel,
// HExists, HIncrBy, HIncrByFloat or HLen.
func (g *gen) hashesStep() step {
	k, f := g.key(areaHash), g.field()
	switch g.r.IntN(10) {
	case 0, 1:
		fields := g.fieldMap()
		return step{fmt.Sprintf("hset %q %q", k, fields), func(ctx context.Context, b store.Backend) (any, error) {
			return b.HSet(ctx, k, fields)
		}}
	case 2:
		return step{fmt.Sprintf("hget %q %q", k, f), func(ctx context.Context, b store.Backend) (any, error) {
			return b.HGet(ctx, k, f)
		}}
	case 3:
		fields := g.someFields()
		return step{fmt.Sprintf("hmget %q %q", k, fields), func(ctx context.Context, b store.Backend) (any, error) {
			return b.HMGet(ctx, k, fields...)
		}}
	case 4:
		return step{fmt.Sprintf("hgetall %q", k), func(ctx context.Context, b store.Backend) (any, error) {
			return b.HGetAll(ctx, k)
		}}
	case 5:
		fields := g.someFields()
		return step{fmt.Sprintf("hdel %q %q", k, fields), func(ctx context.Context, b store.Backend) (any, error) {
			return b.HDel(ctx, k, fields...)
		}}
	case 6:
		return step{fmt.Sprintf("hexists/hlen %q %q", k, f), func(ctx context.Context, b store.Backend) (any, error) {
			ok, err := b.HExists(ctx, k, f)
			n, err2 := b.HLen(ctx, k)
			return []any{outcome(ok, err), outcome(n, err2)}, nil
		}}
	case 7, 8:
		d := g.delta()
		return step{fmt.Sprintf("hincrby %q %q %d", k, f, d), func(ctx context.Context, b store.Backend) (any, error) {
			return b.HIncrBy(ctx, k, f, d)
		}}
	default:
		d := g.floatDelta()
		return step{fmt.Sprintf("hincrbyfloat %q %q %v", k, f, d), func(ctx context.Context, b store.Backend) (any, error) {
			return b.HIncrByFloat(ctx, k, f, d)
		}}
	}
}
