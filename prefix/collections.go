package prefix

import (
	"context"
)

// HSet is store.Hashes.HSet under the prefix.
func (b *Backend) HSet(ctx context.Context, key string, fields map[string]string) (int64, error) {
	return b.inner.HSet(ctx, b.key(key), fields)
}

// HGet is store.Hashes.HGet under the prefix.
func (b *Backend) HGet(ctx context.Context, key, field string) (string, error) {
	return b.inner.HGet(ctx, b.key(key), field)
}

// HMGet is store.Hashes.HMGet under the prefix.
func (b *Backend) HMGet(ctx context.Context, key string, fields ...string) (map[string]string, error) {
	return b.inner.HMGet(ctx, b.key(key), fields...)
}

// HGetAll is store.Hashes.HGetAll under the prefix.
func (b *Backend) HGetAll(ctx context.Context, key string) (map[string]string, error) {
	return b.inner.HGetAll(ctx, b.key(key))
}

// HDel is store.Hashes.HDel under the prefix.
func (b *Backend) HDel(ctx context.Context, key string, fields ...string) (int64, error) {
	return b.inner.HDel(ctx, b.key(key), fields...)
}

// HExists is store.Hashes.HExists under the prefix.
func (b *Backend) HExists(ctx context.Context, key, field string) (bool, error) {
	return b.inner.HExists(ctx, b.key(key), field)
}

// HIncrBy is store.Hashes.HIncrBy under the prefix.
func (b *Backend) HIncrBy(ctx context.Context, key, field string, delta int64) (int64, error) {
	return b.inner.HIncrBy(ctx, b.key(key), field, delta)
}

// HIncrByFloat is store.Hashes.HIncrByFloat under the prefix.
func (b *Backend) HIncrByFloat(ctx context.Context, key, field string, delta float64) (float64, error) {
	return b.inner.HIncrByFloat(ctx, b.key(key), field, delta)
}

// HLen is store.Hashes.HLen under the prefix.
func (b *Backend) HLen(ctx context.Context, key string) (int64, error) {
	return b.inner.HLen(ctx, b.key(key))
}

// RPush is store.Lists.RPush under the prefix.
func (b *Backend) RPush(ctx context.Context, key string, values ...string) (int64, error) {
	return b.inner.RPush(ctx, b.key(key), values...)
}

// LPush is store.Lists.LPush under the prefix.
func (b *Backend) LPush(ctx context.Context, key string, values ...string) (int64, error) {
	return b.inner.LPush(ctx, b.key(key), values...)
}

// LRange is store.Lists.LRange under the prefix.
func (b *Backend) LRange(ctx context.Context, key string, start, stop int64) ([]string, error) {
	return b.inner.LRange(ctx, b.key(key), start, stop)
}

// LTrim is store.Lists.LTrim under the prefix.
func (b *Backend) LTrim(ctx context.Context, key string, start, stop int64) error {
	return b.inner.LTrim(ctx, b.key(key), start, stop)
}

// LLen is store.Lists.LLen under the prefix.
func (b *Backend) LLen(ctx context.Context, key string) (int64, error) {
	return b.inner.LLen(ctx, b.key(key))
}

// LPop is store.Lists.LPop under the prefix.
func (b *Backend) LPop(ctx context.Context, key string, count int) ([]string, error) {
	return b.inner.LPop(ctx, b.key(key), count)
}

// SAdd is store.Sets.SAdd under the prefix.
func (b *Backend) SAdd(ctx context.Context, key string, members ...string) (int64, error) {
	return b.inner.SAdd(ctx, b.key(key), members...)
}

// SRem is store.Sets.SRem under the prefix.
func (b *Backend) SRem(ctx context.Context, key string, members ...string) (int64, error) {
	return b.inner.SRem(ctx, b.key(key), members...)
}

// SMembers is store.Sets.SMembers under the prefix.
func (b *Backend) SMembers(ctx context.Context, key string) ([]string, error) {
	return b.inner.SMembers(ctx, b.key(key))
}

// SIsMember is store.Sets.SIsMember under the prefix.
func (b *Backend) SIsMember(ctx context.Context, key, member string) (bool, error) {
	return b.inner.SIsMember(ctx, b.key(key), member)
}

// SCard is store.Sets.SCard under the prefix.
func (b *Backend) SCard(ctx context.Context, key string) (int64, error) {
	return b.inner.SCard(ctx, b.key(key))
}

// SRandMember is store.Sets.SRandMember under the prefix.
func (b *Backend) SRandMember(ctx context.Context, key string, count int) ([]string, error) {
	return b.inner.SRandMember(ctx, b.key(key), count)
}
