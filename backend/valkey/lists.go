package valkey

import (
	"context"
	"fmt"

	"github.com/mimeiapify/store"
)

// RPush is store.Lists.RPush: RPUSH.
func (b *Backend) RPush(ctx context.Context, key string, values ...string) (int64, error) {
	if len(values) == 0 {
		return 0, noneGiven("rpush", key, "values")
	}
	return b.int(ctx, "rpush", key, b.client.B().Rpush().Key(key).Element(values...).Build())
}

// LPush is store.Lists.LPush: LPUSH.
func (b *Backend) LPush(ctx context.Context, key string, values ...string) (int64, error) {
	if len(values) == 0 {
		return 0, noneGiven("lpush", key, "values")
	}
	return b.int(ctx, "lpush", key, b.client.B().Lpush().Key(key).Element(values...).Build())
}

// LRange is store.Lists.LRange: LRANGE.
func (b *Backend) LRange(ctx context.Context, key string, start, stop int64) ([]string, error) {
	return b.strs(ctx, b.client, "lrange", key, b.client.B().Lrange().Key(key).Start(start).Stop(stop).Build())
}

// LTrim is store.Lists.LTrim: LTRIM.
func (b *Backend) LTrim(ctx context.Context, key string, start, stop int64) error {
	if err := b.begin(ctx, "ltrim", key); err != nil {
		return err
	}
	if err := b.client.Do(ctx, b.client.B().Ltrim().Key(key).Start(start).Stop(stop).Build()).Error(); err != nil {
		return b.fail(ctx, "ltrim", key, err)
	}
	return nil
}

// LLen is store.Lists.LLen: LLEN.
func (b *Backend) LLen(ctx context.Context, key string) (int64, error) {
	return b.int(ctx, "llen", key, b.client.B().Llen().Key(key).Build())
}

// LPop is store.Lists.LPop: LPOP with a count (at least 1).
func (b *Backend) LPop(ctx context.Context, key string, count int) ([]string, error) {
	if count < 1 {
		return nil, fmt.Errorf("valkey: lpop %q: %w: count %d must be at least 1", key, store.ErrInvalidArgument, count)
	}
	return b.strs(ctx, b.client, "lpop", key, b.client.B().Lpop().Key(key).Count(int64(count)).Build())
}
