package storeotel

import (
	"context"

	"github.com/mimeiapify/store"
)

// ZAdd is store.SortedSets.ZAdd, traced.
func (b *Backend) ZAdd(ctx context.Context, key string, members ...store.ZMember) (int64, error) {
	ctx, c := b.begin1(ctx, opZAdd, key)
	n, err := b.inner.ZAdd(ctx, key, members...)
	b.end(ctx, c, err)
	return n, err
}

// ZRem is store.SortedSets.ZRem, traced.
func (b *Backend) ZRem(ctx context.Context, key string, members ...string) (int64, error) {
	ctx, c := b.begin1(ctx, opZRem, key)
	n, err := b.inner.ZRem(ctx, key, members...)
	b.end(ctx, c, err)
	return n, err
}

// ZScore is store.SortedSets.ZScore, traced.
func (b *Backend) ZScore(ctx context.Context, key, member string) (float64, error) {
	ctx, c := b.begin1(ctx, opZScore, key)
	v, err := b.inner.ZScore(ctx, key, member)
	b.end(ctx, c, err)
	return v, err
}

// ZCard is store.SortedSets.ZCard, traced.
func (b *Backend) ZCard(ctx context.Context, key string) (int64, error) {
	ctx, c := b.begin1(ctx, opZCard, key)
	n, err := b.inner.ZCard(ctx, key)
	b.end(ctx, c, err)
	return n, err
}

// ZRangeByScore is store.SortedSets.ZRangeByScore, traced.
func (b *Backend) ZRangeByScore(ctx context.Context, key string, min, max float64, limit int) ([]store.ZMember, error) {
	ctx, c := b.begin1(ctx, opZRangeByScore, key)
	v, err := b.inner.ZRangeByScore(ctx, key, min, max, limit)
	b.end(ctx, c, err)
	return v, err
}
