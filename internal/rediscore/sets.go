package rediscore

import (
	"context"
	"fmt"
)

// SAdd adds members (SADD) and returns how many were new.
func (b *Backend) SAdd(ctx context.Context, key string, members ...string) (int64, error) {
	return b.members(ctx, "sadd", cmdSAdd, key, members)
}

// SRem removes members (SREM) and returns how many existed.
func (b *Backend) SRem(ctx context.Context, key string, members ...string) (int64, error) {
	return b.members(ctx, "srem", cmdSRem, key, members)
}

func (b *Backend) members(ctx context.Context, op string, name []string, key string, members []string) (int64, error) {
	if err := b.begin(ctx, op, key); err != nil {
		return 0, err
	}
	if len(members) == 0 {
		return 0, b.invalid(op, key, "no members given")
	}
	return b.int(ctx, b.c, op, key, one(name, KindInt, false, key, members...))
}

// SMembers returns the members (SMEMBERS).
func (b *Backend) SMembers(ctx context.Context, key string) ([]string, error) {
	return b.smembers(ctx, b.c, key)
}

func (b *Backend) smembers(ctx context.Context, d Doer, key string) ([]string, error) {
	if err := b.begin(ctx, "smembers", key); err != nil {
		return nil, err
	}
	return b.strs(ctx, d, "smembers", key, one(cmdSMembers, KindStrs, true, key))
}

// SIsMember reports whether member is in the set (SISMEMBER).
func (b *Backend) SIsMember(ctx context.Context, key, member string) (bool, error) {
	if err := b.begin(ctx, "sismember", key); err != nil {
		return false, err
	}
	return b.bool(ctx, b.c, "sismember", key, one(cmdSIsMember, KindInt, true, key, member))
}

// SCard returns the number of members (SCARD).
func (b *Backend) SCard(ctx context.Context, key string) (int64, error) {
	if err := b.begin(ctx, "scard", key); err != nil {
		return 0, err
	}
	return b.int(ctx, b.c, "scard", key, one(cmdSCard, KindInt, true, key))
}

// SRandMember returns up to count distinct members (SRANDMEMBER key
// count); count must be at least 1.
func (b *Backend) SRandMember(ctx context.Context, key string, count int) ([]string, error) {
	if err := b.begin(ctx, "srandmember", key); err != nil {
		return nil, err
	}
	if count < 1 {
		return nil, b.invalid("srandmember", key, fmt.Sprintf("count %d must be at least 1", count))
	}
	return b.strs(ctx, b.c, "srandmember", key, one(cmdSRandMember, KindStrs, true, key, itoa(int64(count))))
}
