package redis

import (
	"context"
	"errors"
	"fmt"
	"math"
	"strconv"

	"github.com/mimeiapify/store"
)

// HSet sets fields (HSET) and returns how many were new.
func (b *Backend) HSet(ctx context.Context, key string, fields map[string]string) (int64, error) {
	if err := b.begin(ctx, "hset", key); err != nil {
		return 0, err
	}
	if len(fields) == 0 {
		return 0, invalid("hset", key, "no fields given")
	}
	args := make([]any, 0, 2*len(fields))
	for f, v := range fields {
		args = append(args, f, v)
	}
	n, err := b.c.HSet(ctx, key, args...).Result()
	if err != nil {
		return 0, b.fail(ctx, "hset", key, err)
	}
	return n, nil
}

// HGet returns one field (HGET); store.ErrNotFound when it is missing.
func (b *Backend) HGet(ctx context.Context, key, field string) (string, error) {
	if err := b.begin(ctx, "hget", key); err != nil {
		return "", err
	}
	v, err := b.c.HGet(ctx, key, field).Result()
	if err != nil {
		return "", b.fail(ctx, "hget", key, err)
	}
	return v, nil
}

// HMGet returns the named fields that exist (HMGET).
func (b *Backend) HMGet(ctx context.Context, key string, fields ...string) (map[string]string, error) {
	if err := b.begin(ctx, "hmget", key); err != nil {
		return nil, err
	}
	if len(fields) == 0 {
		return nil, invalid("hmget", key, "no fields given")
	}
	vals, err := b.c.HMGet(ctx, key, fields...).Result()
	if err != nil {
		return nil, b.fail(ctx, "hmget", key, err)
	}
	out := make(map[string]string, len(fields))
	for i, v := range vals {
		if s, ok := v.(string); ok {
			out[fields[i]] = s
		}
	}
	return out, nil
}

// HGetAll returns every field (HGETALL); a missing key gives an empty map.
func (b *Backend) HGetAll(ctx context.Context, key string) (map[string]string, error) {
	if err := b.begin(ctx, "hgetall", key); err != nil {
		return nil, err
	}
	m, err := b.c.HGetAll(ctx, key).Result()
	if err != nil {
		return nil, b.fail(ctx, "hgetall", key, err)
	}
	return m, nil
}

// HDel deletes fields (HDEL) and returns how many existed.
func (b *Backend) HDel(ctx context.Context, key string, fields ...string) (int64, error) {
	if err := b.begin(ctx, "hdel", key); err != nil {
		return 0, err
	}
	if len(fields) == 0 {
		return 0, invalid("hdel", key, "no fields given")
	}
	n, err := b.c.HDel(ctx, key, fields...).Result()
	if err != nil {
		return 0, b.fail(ctx, "hdel", key, err)
	}
	return n, nil
}

// HExists reports whether the field exists (HEXISTS).
func (b *Backend) HExists(ctx context.Context, key, field string) (bool, error) {
	if err := b.begin(ctx, "hexists", key); err != nil {
		return false, err
	}
	ok, err := b.c.HExists(ctx, key, field).Result()
	if err != nil {
		return false, b.fail(ctx, "hexists", key, err)
	}
	return ok, nil
}

// HIncrBy adds delta to an integer field (HINCRBY).
func (b *Backend) HIncrBy(ctx context.Context, key, field string, delta int64) (int64, error) {
	if err := b.begin(ctx, "hincrby", key); err != nil {
		return 0, err
	}
	n, err := b.c.HIncrBy(ctx, key, field, delta).Result()
	if err != nil {
		return 0, b.fail(ctx, "hincrby", key, err)
	}
	return n, nil
}

// HIncrByFloat adds delta to a numeric field (HINCRBYFLOAT). A NaN or
// infinite delta fails with store.ErrNotFloat before anything is sent.
func (b *Backend) HIncrByFloat(ctx context.Context, key, field string, delta float64) (float64, error) {
	if err := b.begin(ctx, "hincrbyfloat", key); err != nil {
		return 0, err
	}
	if math.IsNaN(delta) || math.IsInf(delta, 0) {
		return 0, fmt.Errorf("redis: hincrbyfloat %q: delta %v: %w", key, delta, store.ErrNotFloat)
	}
	text, err := b.c.Do(ctx, "hincrbyfloat", key, field, delta).Text()
	if err != nil {
		return 0, b.fail(ctx, "hincrbyfloat", key, err)
	}
	// Redis computes in long double: a stored value beyond float64's range
	// reads as ±Inf (or 0), as strconv.ParseFloat gives it with ErrRange.
	f, err := strconv.ParseFloat(text, 64)
	if err != nil && !errors.Is(err, strconv.ErrRange) {
		return 0, fmt.Errorf("redis: hincrbyfloat %q: reply %q: %w", key, text, err)
	}
	return f, nil
}

// HLen returns the number of fields (HLEN).
func (b *Backend) HLen(ctx context.Context, key string) (int64, error) {
	if err := b.begin(ctx, "hlen", key); err != nil {
		return 0, err
	}
	n, err := b.c.HLen(ctx, key).Result()
	if err != nil {
		return 0, b.fail(ctx, "hlen", key, err)
	}
	return n, nil
}
