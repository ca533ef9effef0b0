package rediscore

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
		return 0, b.invalid("hset", key, "no fields given")
	}
	args := make([]string, 0, 2*len(fields))
	for f, v := range fields {
		args = append(args, f, v)
	}
	return b.int(ctx, b.c, "hset", key, one(cmdHSet, KindInt, false, key, args...))
}

// HGet returns one field (HGET); store.ErrNotFound when it is missing.
func (b *Backend) HGet(ctx context.Context, key, field string) (string, error) {
	return b.hget(ctx, b.reads, key, field)
}

func (b *Backend) hget(ctx context.Context, d Doer, key, field string) (string, error) {
	if err := b.begin(ctx, "hget", key); err != nil {
		return "", err
	}
	return b.str(ctx, d, "hget", key, one(cmdHGet, KindStr, true, key, field))
}

// HMGet returns the named fields that exist (HMGET).
func (b *Backend) HMGet(ctx context.Context, key string, fields ...string) (map[string]string, error) {
	if err := b.begin(ctx, "hmget", key); err != nil {
		return nil, err
	}
	if len(fields) == 0 {
		return nil, b.invalid("hmget", key, "no fields given")
	}
	r := b.reads.Do(ctx, one(cmdHMGet, KindFields, true, key, fields...))
	if r.Err != nil {
		return nil, b.fail(ctx, "hmget", key, r.Err)
	}
	return r.Map, nil
}

// HGetAll returns every field (HGETALL); a missing key gives an empty map.
func (b *Backend) HGetAll(ctx context.Context, key string) (map[string]string, error) {
	return b.hgetall(ctx, b.reads, key)
}

func (b *Backend) hgetall(ctx context.Context, d Doer, key string) (map[string]string, error) {
	if err := b.begin(ctx, "hgetall", key); err != nil {
		return nil, err
	}
	r := d.Do(ctx, one(cmdHGetAll, KindMap, true, key))
	if r.Err != nil {
		return nil, b.fail(ctx, "hgetall", key, r.Err)
	}
	if r.Map == nil {
		return map[string]string{}, nil
	}
	return r.Map, nil
}

// HDel deletes fields (HDEL) and returns how many existed.
func (b *Backend) HDel(ctx context.Context, key string, fields ...string) (int64, error) {
	if err := b.begin(ctx, "hdel", key); err != nil {
		return 0, err
	}
	if len(fields) == 0 {
		return 0, b.invalid("hdel", key, "no fields given")
	}
	return b.int(ctx, b.c, "hdel", key, one(cmdHDel, KindInt, false, key, fields...))
}

// HExists reports whether the field exists (HEXISTS).
func (b *Backend) HExists(ctx context.Context, key, field string) (bool, error) {
	if err := b.begin(ctx, "hexists", key); err != nil {
		return false, err
	}
	return b.bool(ctx, b.c, "hexists", key, one(cmdHExists, KindInt, true, key, field))
}

// HIncrBy adds delta to an integer field (HINCRBY).
func (b *Backend) HIncrBy(ctx context.Context, key, field string, delta int64) (int64, error) {
	if err := b.begin(ctx, "hincrby", key); err != nil {
		return 0, err
	}
	return b.int(ctx, b.c, "hincrby", key, one(cmdHIncrBy, KindInt, false, key, field, itoa(delta)))
}

// HIncrByFloat adds delta to a numeric field (HINCRBYFLOAT), the delta
// sent in its shortest exact decimal form. A NaN or infinite delta fails
// with store.ErrNotFloat before anything is sent.
func (b *Backend) HIncrByFloat(ctx context.Context, key, field string, delta float64) (float64, error) {
	if err := b.begin(ctx, "hincrbyfloat", key); err != nil {
		return 0, err
	}
	if math.IsNaN(delta) || math.IsInf(delta, 0) {
		return 0, fmt.Errorf("%s: hincrbyfloat %q: delta %v: %w", b.name, key, delta, store.ErrNotFloat)
	}
	d := strconv.FormatFloat(delta, 'f', -1, 64)
	text, err := b.str(ctx, b.c, "hincrbyfloat", key, one(cmdHIncrByFloat, KindStr, false, key, field, d))
	if err != nil {
		return 0, err
	}
	// The server computes in long double: a stored value beyond float64's
	// range reads as ±Inf (or 0), as strconv.ParseFloat gives it with
	// ErrRange.
	f, err := strconv.ParseFloat(text, 64)
	if err != nil && !errors.Is(err, strconv.ErrRange) {
		return 0, fmt.Errorf("%s: hincrbyfloat %q: reply %q: %w", b.name, key, text, err)
	}
	return f, nil
}

// HLen returns the number of fields (HLEN).
func (b *Backend) HLen(ctx context.Context, key string) (int64, error) {
	if err := b.begin(ctx, "hlen", key); err != nil {
		return 0, err
	}
	return b.int(ctx, b.c, "hlen", key, one(cmdHLen, KindInt, true, key))
}
