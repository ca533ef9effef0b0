package difftest

import (
	"context"
	"fmt"

	"github.com/mimeiapify/store"
)

// setsStep is a call on a set: SAdd, SRem, SMembers, SIsMember, SCard or
// SRandMember.
func (g *gen) setsStep() step {
	k := g.key(areaSet)
	switch g.r.IntN(6) {
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
	case 4:
		count := []int{-1, 0, 1, 3, 1000}[g.r.IntN(5)]
		return step{fmt.Sprintf("srandmember %q %d", k, count), func(ctx context.Context, b store.Backend) (any, error) {
			return randomPick(ctx, b, k, count)
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

// randomPick runs SRandMember and describes its answer by what every
// backend must agree on: how many members it gave, and whether they were
// distinct members of the set.
func randomPick(ctx context.Context, b store.Backend, key string, count int) (any, error) {
	got, err := b.SRandMember(ctx, key, count)
	if err != nil {
		return nil, err
	}
	all, err := b.SMembers(ctx, key)
	if err != nil {
		return nil, err
	}
	members := make(map[string]bool, len(all))
	for _, m := range all {
		members[m] = true
	}
	distinct := make(map[string]bool, len(got))
	inSet := true
	for _, m := range got {
		distinct[m] = true
		inSet = inSet && members[m]
	}
	return []any{len(got), len(distinct) == len(got), inSet}, nil
}
