package difftest

import (
	"context"
	"fmt"

	"github.com/mimeiapify/store"
)

// setsStep is a call on a set: SAdd, SRem, SMembers, SIsMember or SCard.
func (g *gen) setsStep() step {
	k := g.key(areaSet)
	switch g.r.IntN(5) {
	case 0, 1:
		ms := g.members()
		return step{fmt.Sprintf("sadd %q %q", k, ms), func(ctx context.Context, b store.Backend) (any, error) {
			return b.SAdd(ctx, k, ms...)
		}}
	case 2:
		ms := g.members()
		return step{fmt.Sprintf("srem %q %q", k, ms), func(ctx context.Context, b store.Backend) (any, error) {
			return b.SRem(ctx, k, ms...)
		}}
	case 3:
		return step{fmt.Sprintf("smembers %q", k), func(ctx context.Context, b store.Backend) (any, error) {
			return sortedMembers(ctx, b, k)
		}}
	default:
		m := g.member()
		return step{fmt.Sprintf("sismember/scard %q %q", k, m), func(ctx context.Context, b store.Backend) (any, error) {
			ok, err := b.SIsMember(ctx, k, m)
			n, err2 := b.SCard(ctx, k)
			return []any{outcome(ok, err), outcome(n, err2)}, nil
		}}
	}
}
