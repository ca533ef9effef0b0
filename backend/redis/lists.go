package redis

import (
	"context"
	"errors"

	goredis "github.com/redis/go-redis/v9"
)

// toAny converts strings to go-redis command arguments.
func toAny(s []string) []any {
	out := make([]any, len(s))
	for i, v := range s {
		out[i] = v
	}
	return out
}

// RPush appends values (RPUSH) and returns the new length.
func (b *Backend) RPush(ctx context.Context, key string, values ...string) (int64, error) {
	if err := b.begin(ctx, "rpush", key); err != nil {
		return 0, err
	}
	if len(values) == 0 {
		return 0, invalid("rpush", key, "no values given")
	}
	n, err := b.c.RPush(ctx, key, toAny(values)...).Result()
	if err != nil {
		return 0, b.fail(ctx, "rpush", key, err)
	}
	return n, nil
}

// LPush prepends values one after the other (LPUSH) and returns the new
// length.
func (b *Backend) LPush(ctx context.Context, key string, values ...string) (int64, error) {
	if err := b.begin(ctx, "lpush", key); err != nil {
		return 0, err
	}
	if len(values) == 0 {
		return 0, invalid("lpush", key, "no values given")
	}
	n, err := b.c.LPush(ctx, key, toAny(values)...).Result()
	if err != nil {
		return 0, b.fail(ctx, "lpush", key, err)
	}
	return n, nil
}

// LRange returns the elements from start to stop (LRANGE).
func (b *Backend) LRange(ctx context.Context, key string, start, stop int64) ([]string, error) {
	if err := b.begin(ctx, "lrange", key); err != nil {
		return nil, err
	}
	vs, err := b.c.LRange(ctx, key, start, stop).Result()
	if err != nil {
		return nil, b.fail(ctx, "lrange", key, err)
	}
	return vs, nil
}

// LTrim keeps the elements from start to stop (LTRIM).
func (b *Backend) LTrim(ctx context.Context, key string, start, stop int64) error {
	if err := b.begin(ctx, "ltrim", key); err != nil {
		return err
	}
	if err := b.c.LTrim(ctx, key, start, stop).Err(); err != nil {
		return b.fail(ctx, "ltrim", key, err)
	}
	return nil
}

// LLen returns the length of the list (LLEN).
func (b *Backend) LLen(ctx context.Context, key string) (int64, error) {
	if err := b.begin(ctx, "llen", key); err != nil {
		return 0, err
	}
	n, err := b.c.LLen(ctx, key).Result()
	if err != nil {
		return 0, b.fail(ctx, "llen", key, err)
	}
	return n, nil
}

// LPop removes and returns up to count elements from the left (LPOP key
// count); count must be at least 1.
func (b *Backend) LPop(ctx context.Context, key string, count int) ([]string, error) {
	if err := b.begin(ctx, "lpop", key); err != nil {
		return nil, err
	}
	if count < 1 {
		return nil, invalid("lpop", key, "count must be at least 1")
	}
	vs, err := b.c.LPopCount(ctx, key, count).Result()
	if errors.Is(err, goredis.Nil) {
		return nil, nil
	}
	if err != nil {
		return nil, b.fail(ctx, "lpop", key, err)
	}
	return vs, nil
}
