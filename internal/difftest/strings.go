package difftest

import (
	"context"
	"fmt"

	"github.com/mimeiapify/store"
)

// stringsStep is a call on a string: Set, SetNX, Get or IncrBy.
func (g *gen) stringsStep() step {
	k, v := g.key(areaString), g.value()
	switch g.r.IntN(5) {
	case 0, 1:
		ttl := g.optionalTTL()
		return step{fmt.Sprintf("set %q %q %v", k, v, ttl), func(ctx context.Context, b store.Backend) (any, error) {
			return nil, b.Set(ctx, k, v, ttl)
		}}
	case 2:
		ttl := g.optionalTTL()
		return step{fmt.Sprintf("setnx %q %q %v", k, v, ttl), func(ctx context.Context, b store.Backend) (any, error) {
			return b.SetNX(ctx, k, v, ttl)
		}}
	case 3:
		return step{fmt.Sprintf("get %q", k), func(ctx context.Context, b store.Backend) (any, error) {
			return b.Get(ctx, k)
		}}
	default:
		d := g.delta()
		return step{fmt.Sprintf("incrby %q %d", k, d), func(ctx context.Context, b store.Backend) (any, error) {
			return b.IncrBy(ctx, k, d)
		}}
	}
}
