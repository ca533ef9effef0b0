package valkey

import (
	"context"
	"fmt"

	"github.com/mimeiapify/store"
)

// SAdd is store.Sets.SAdd: SADD.
func (b *Backend) SAdd(ctx context.Context, key string, members ...string) (int64, error) {
	if len(members) == 0 {
		return 0, noneGiven("sadd", key, "members")
	}
	return b.int(ctx, "sadd", key, b.client.B().Sadd().Key(key).Member(members...).Build())
}

// SRem is store.Sets.SRem: SREM.
func (b *Backend) SRem(ctx context.Context, key string, members ...string) (int64, error) {
	if len(members) == 0 {
		return 0, noneGiven("srem", key, "members")
	}
	return b.int(ctx, "srem", key, b.client.B().Srem().Key(key).Member(members...).Build())
}

// SMembers is store.Sets.SMembers: SMEMBERS.
func (b *Backend) SMembers(ctx context.Context, key string) ([]string, error) {
	return b.strs(ctx, b.client, "smembers", key, b.client.B().Smembers().Key(key).Build())
}

// SIsMember is store.Sets.SIsMember: SISMEMBER.
func (b *Backend) SIsMember(ctx context.Context, key, member string) (bool, error) {
	n, err := b.int(ctx, "sismember", key, b.client.B().Sismember().Key(key).Member(member).Build())
	return n == 1, err
}

// SCard is store.Sets.SCard: SCARD.
func (b *Backend) SCard(ctx context.Context, key string) (int64, error) {
	return b.int(ctx, "scard", key, b.client.B().Scard().Key(key).Build())
}

// SRandMember is store.Sets.SRandMember (SRANDMEMBER key count).
func (b *Backend) SRandMember(ctx context.Context, key string, count int) ([]string, error) {
	if count < 1 {
		return nil, fmt.Errorf("valkey: srandmember %q: %w: count %d must be at least 1", key, store.ErrInvalidArgument, count)
	}
	return b.strs(ctx, b.client, "srandmember", key, b.client.B().Srandmember().Key(key).Count(int64(count)).Build())
}
