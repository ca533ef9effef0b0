package difftest

import (
	"context"
	"fmt"

	"github.com/mimeiapify/store"
)

// keysStep is a call on keys of any type: Del, Exists, Expire, Persist,
// TTL or Type.
func (g *gen) keysStep() step {
	k := g.anyKey()
	switch g.r.IntN(6) {
	case 0:
		keys := g.keyList()
		return step{fmt.Sprintf("del %q", keys), func(ctx context.Context, b store.Backend) (any, error) {
			return b.Del(ctx, keys...)
		}}
	case 1:
		keys := append([]string{k}, g.keyList()...)
		keys = append(keys, k)
		return step{fmt.Sprintf("exists %q", keys), func(ctx context.Context, b store.Backend) (any, error) {
			return b.Exists(ctx, keys...)
		}}
	case 2:
		ttl := g.requiredTTL()
		return step{fmt.Sprintf("expire %q %v", k, ttl), func(ctx context.Context, b store.Backend) (any, error) {
			return b.Expire(ctx, k, ttl)
		}}
	case 3:
		return step{fmt.Sprintf("persist %q", k), func(ctx context.Context, b store.Backend) (any, error) {
			return b.Persist(ctx, k)
		}}
	case 4:
		return step{fmt.Sprintf("ttl %q", k), func(ctx context.Context, b store.Backend) (any, error) {
			return b.TTL(ctx, k)
		}}
	default:
		return step{fmt.Sprintf("type %q", k), func(ctx context.Context, b store.Backend) (any, error) {
			return b.Type(ctx, k)
		}}
	}
}
