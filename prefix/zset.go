package prefix

import (
	"context"

	"github.com/mimeiapify/store"
)

// ZAdd is store.SortedSets.ZAdd under the prefix.
func (b *Backend) ZAdd(ctx context.Context, key string, members ...store.ZMember) (int64, error) {
	return b.inner.ZAdd(ctx, b.key(key), members...)
}

// ZRem is store.SortedSets.ZRem under the prefix.
func (b *Backend) ZRem(ctx context.Context, key string, members ...string) (int64, error) {
	return b.inner.ZRem(ctx, b.key(key), members...)
}

// ZScore is store.SortedSets.ZScore under the prefix.
func (b *Backend) ZScore(ctx context.Context, key, member string) (float64, error) {
	return b.inner.ZScore(ctx, b.key(key), member)
}

// ZCard is store.SortedSets.ZCard under the prefix.
func (b *Backend) ZCard(ctx context.Context, key string) (int64, error) {
	return b.inner.ZCard(ctx, b.key(key))
}

// ZRangeByScore is store.SortedSets.ZRangeByScore under the prefix.
func (b *Backend) ZRangeByScore(ctx context.Context, key string, min, max float64, limit int) ([]store.ZMember, error) {
	return b.inner.ZRangeByScore(ctx, b.key(key), min, max, limit)
}
