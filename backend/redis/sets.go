package redis

import "context"

// SAdd adds members (SADD) and returns how many were new.
func (b *Backend) SAdd(ctx context.Context, key string, members ...string) (int64, error) {
	if err := b.begin(ctx, "sadd", key); err != nil {
		return 0, err
	}
	if len(members) == 0 {
		return 0, invalid("sadd", key, "no members given")
	}
	n, err := b.c.SAdd(ctx, key, toAny(members)...).Result()
	if err != nil {
		return 0, b.fail(ctx, "sadd", key, err)
	}
	return n, nil
}

// SRem removes members (SREM) and returns how many existed.
func (b *Backend) SRem(ctx context.Context, key string, members ...string) (int64, error) {
	if err := b.begin(ctx, "srem", key); err != nil {
		return 0, err
	}
	if len(members) == 0 {
		return 0, invalid("srem", key, "no members given")
	}
	n, err := b.c.SRem(ctx, key, toAny(members)...).Result()
	if err != nil {
		return 0, b.fail(ctx, "srem", key, err)
	}
	return n, nil
}

// SMembers returns the members (SMEMBERS).
func (b *Backend) SMembers(ctx context.Context, key string) ([]string, error) {
	if err := b.begin(ctx, "smembers", key); err != nil {
		return nil, err
	}
	ms, err := b.c.SMembers(ctx, key).Result()
	if err != nil {
		return nil, b.fail(ctx, "smembers", key, err)
	}
	return ms, nil
}

// SIsMember reports whether member is in the set (SISMEMBER).
func (b *Backend) SIsMember(ctx context.Context, key, member string) (bool, error) {
	if err := b.begin(ctx, "sismember", key); err != nil {
		return false, err
	}
	ok, err := b.c.SIsMember(ctx, key, member).Result()
	if err != nil {
		return false, b.fail(ctx, "sismember", key, err)
	}
	return ok, nil
}

// SCard returns the number of members (SCARD).
func (b *Backend) SCard(ctx context.Context, key string) (int64, error) {
	if err := b.begin(ctx, "scard", key); err != nil {
		return 0, err
	}
	n, err := b.c.SCard(ctx, key).Result()
	if err != nil {
		return 0, b.fail(ctx, "scard", key, err)
	}
	return n, nil
}

// SRandMember returns up to count distinct members (SRANDMEMBER key count).
func (b *Backend) SRandMember(ctx context.Context, key string, count int) ([]string, error) {
	if err := b.begin(ctx, "srandmember", key); err != nil {
		return nil, err
	}
	if count < 1 {
		return nil, invalid("srandmember", key, "count must be at least 1")
	}
	ms, err := b.c.SRandMemberN(ctx, key, int64(count)).Result()
	if err != nil {
		return nil, b.fail(ctx, "srandmember", key, err)
	}
	return ms, nil
}
