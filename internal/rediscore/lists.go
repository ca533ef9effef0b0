package rediscore

import (
	"context"
	"fmt"
)

// RPush appends values (RPUSH) and returns the new length.
func (b *Backend) RPush(ctx context.Context, key string, values ...string) (int64, error) {
	return b.push(ctx, "rpush", cmdRPush, key, values)
}

// LPush prepends values one after the other (LPUSH) and returns the new
// length.
func (b *Backend) LPush(ctx context.Context, key string, values ...string) (int64, error) {
	return b.push(ctx, "lpush", cmdLPush, key, values)
}

func (b *Backend) push(ctx context.Context, op string, name []string, key string, values []string) (int64, error) {
	if err := b.begin(ctx, op, key); err != nil {
		return 0, err
	}
	if len(values) == 0 {
		return 0, b.invalid(op, key, "no values given")
	}
	return b.int(ctx, b.c, op, key, one(name, KindInt, false, key, values...))
}

// LRange returns the elements from start to stop (LRANGE).
func (b *Backend) LRange(ctx context.Context, key string, start, stop int64) ([]string, error) {
	return b.lrange(ctx, b.c, key, start, stop)
}

func (b *Backend) lrange(ctx context.Context, d Doer, key string, start, stop int64) ([]string, error) {
	if err := b.begin(ctx, "lrange", key); err != nil {
		return nil, err
	}
	return b.strs(ctx, d, "lrange", key, one(cmdLRange, KindStrs, true, key, itoa(start), itoa(stop)))
}

// LTrim keeps the elements from start to stop (LTRIM).
func (b *Backend) LTrim(ctx context.Context, key string, start, stop int64) error {
	if err := b.begin(ctx, "ltrim", key); err != nil {
		return err
	}
	return b.status(ctx, b.c, "ltrim", key, one(cmdLTrim, KindStatus, false, key, itoa(start), itoa(stop)))
}

// LLen returns the length of the list (LLEN).
func (b *Backend) LLen(ctx context.Context, key string) (int64, error) {
	if err := b.begin(ctx, "llen", key); err != nil {
		return 0, err
	}
	return b.int(ctx, b.c, "llen", key, one(cmdLLen, KindInt, true, key))
}

// LPop removes and returns up to count elements from the left (LPOP key
// count); count must be at least 1.
func (b *Backend) LPop(ctx context.Context, key string, count int) ([]string, error) {
	if err := b.begin(ctx, "lpop", key); err != nil {
		return nil, err
	}
	if count < 1 {
		return nil, b.invalid("lpop", key, fmt.Sprintf("count %d must be at least 1", count))
	}
	return b.strs(ctx, b.c, "lpop", key, one(cmdLPop, KindStrs, false, key, itoa(int64(count))))
}
