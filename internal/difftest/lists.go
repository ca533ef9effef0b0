package difftest

import (
	"context"
	"fmt"

	"github.com/mimeiapify/store"
)

// listsStep is a call on a list: RPush, LPush, LRange, LTrim, LLen or
// LPop.
func (g *gen) listsStep() step {
	k := g.key(areaList)
	start, stop := g.index(), g.index()
	switch g.r.IntN(7) {
	case 0, 1:
		vs := g.members()
		return step{fmt.Sprintf("rpush %q %q", k, vs), func(ctx context.Context, b store.Backend) (any, error) {
			return b.RPush(ctx, k, vs...)
		}}
	case 2:
		vs := g.members()
		return step{fmt.Sprintf("lpush %q %q", k, vs), func(ctx context.Context, b store.Backend) (any, error) {
			return b.LPush(ctx, k, vs...)
		}}
	case 3:
		return step{fmt.Sprintf("lrange/llen %q %d %d", k, start, stop), func(ctx context.Context, b store.Backend) (any, error) {
			vs, err := b.LRange(ctx, k, start, stop)
			n, err2 := b.LLen(ctx, k)
			return []any{outcome(vs, err), outcome(n, err2)}, nil
		}}
	case 4:
		return step{fmt.Sprintf("ltrim %q %d %d", k, start, stop), func(ctx context.Context, b store.Backend) (any, error) {
			return nil, b.LTrim(ctx, k, start, stop)
		}}
	case 5:
		return step{fmt.Sprintf("llen %q", k), func(ctx context.Context, b store.Backend) (any, error) {
			return b.LLen(ctx, k)
		}}
	default:
		n := g.popCount()
		return step{fmt.Sprintf("lpop %q %d", k, n), func(ctx context.Context, b store.Backend) (any, error) {
			return b.LPop(ctx, k, n)
		}}
	}
}
