package valkey

import (
	"context"
	"errors"
	"fmt"
	"math"
	"strconv"

	"github.com/valkey-io/valkey-go"

	"github.com/mimeiapify/store"
)

// noneGiven is the error of a call given an empty list of what it needs.
func noneGiven(op, key, what string) error {
	return fmt.Errorf("valkey: %s %q: %w: no %s given", op, key, store.ErrInvalidArgument, what)
}

// HSet is store.Hashes.HSet: HSET.
func (b *Backend) HSet(ctx context.Context, key string, fields map[string]string) (int64, error) {
	if len(fields) == 0 {
		return 0, noneGiven("hset", key, "fields")
	}
	if err := b.begin(ctx, "hset", key); err != nil {
		return 0, err
	}
	cmd := b.client.B().Hset().Key(key).FieldValue()
	for f, v := range fields {
		cmd = cmd.FieldValue(f, v)
	}
	n, err := b.client.Do(ctx, cmd.Build()).AsInt64()
	if err != nil {
		return 0, b.fail(ctx, "hset", key, err)
	}
	return n, nil
}

// HGet is store.Hashes.HGet: HGET.
func (b *Backend) HGet(ctx context.Context, key, field string) (string, error) {
	return b.hget(ctx, b.client, key, field)
}

func (b *Backend) hget(ctx context.Context, c doer, key, field string) (string, error) {
	if err := b.begin(ctx, "hget", key); err != nil {
		return "", err
	}
	s, err := c.Do(ctx, b.client.B().Hget().Key(key).Field(field).Build()).ToString()
	if err != nil {
		return "", b.fail(ctx, "hget", key, err)
	}
	return s, nil
}

// HMGet is store.Hashes.HMGet: HMGET, leaving the missing fields out.
func (b *Backend) HMGet(ctx context.Context, key string, fields ...string) (map[string]string, error) {
	if len(fields) == 0 {
		return nil, noneGiven("hmget", key, "fields")
	}
	if err := b.begin(ctx, "hmget", key); err != nil {
		return nil, err
	}
	vals, err := b.client.Do(ctx, b.client.B().Hmget().Key(key).Field(fields...).Build()).ToArray()
	if err != nil {
		return nil, b.fail(ctx, "hmget", key, err)
	}
	out := make(map[string]string, len(fields))
	for i, v := range vals {
		s, err := v.ToString()
		if valkey.IsValkeyNil(err) {
			continue
		}
		if err != nil || i >= len(fields) {
			return nil, b.fail(ctx, "hmget", key, fmt.Errorf("unexpected reply element %d: %v", i, err))
		}
		out[fields[i]] = s
	}
	return out, nil
}

// HGetAll is store.Hashes.HGetAll: HGETALL.
func (b *Backend) HGetAll(ctx context.Context, key string) (map[string]string, error) {
	return b.hgetall(ctx, b.client, key)
}

func (b *Backend) hgetall(ctx context.Context, c doer, key string) (map[string]string, error) {
	if err := b.begin(ctx, "hgetall", key); err != nil {
		return nil, err
	}
	m, err := c.Do(ctx, b.client.B().Hgetall().Key(key).Build()).AsStrMap()
	if err != nil {
		return nil, b.fail(ctx, "hgetall", key, err)
	}
	if m == nil {
		m = map[string]string{}
	}
	return m, nil
}

// HDel is store.Hashes.HDel: HDEL.
func (b *Backend) HDel(ctx context.Context, key string, fields ...string) (int64, error) {
	if len(fields) == 0 {
		return 0, noneGiven("hdel", key, "fields")
	}
	return b.int(ctx, "hdel", key, b.client.B().Hdel().Key(key).Field(fields...).Build())
}

// HExists is store.Hashes.HExists: HEXISTS.
func (b *Backend) HExists(ctx context.Context, key, field string) (bool, error) {
	n, err := b.int(ctx, "hexists", key, b.client.B().Hexists().Key(key).Field(field).Build())
	return n == 1, err
}

// HIncrBy is store.Hashes.HIncrBy: HINCRBY.
func (b *Backend) HIncrBy(ctx context.Context, key, field string, delta int64) (int64, error) {
	return b.int(ctx, "hincrby", key, b.client.B().Hincrby().Key(key).Field(field).Increment(delta).Build())
}

// HIncrByFloat is store.Hashes.HIncrByFloat: HINCRBYFLOAT, the delta sent
// in its shortest exact decimal form. A NaN or infinite delta fails with
// store.ErrNotFloat before anything is sent.
func (b *Backend) HIncrByFloat(ctx context.Context, key, field string, delta float64) (float64, error) {
	if math.IsNaN(delta) || math.IsInf(delta, 0) {
		return 0, fmt.Errorf("valkey: hincrbyfloat %q: %w: delta %v", key, store.ErrNotFloat, delta)
	}
	if err := b.begin(ctx, "hincrbyfloat", key); err != nil {
		return 0, err
	}
	cmd := b.client.B().Hincrbyfloat().Key(key).Field(field).Increment(delta).Build()
	s, err := b.client.Do(ctx, cmd).ToString()
	if err != nil {
		return 0, b.fail(ctx, "hincrbyfloat", key, err)
	}
	// The server computes in long double: a stored value beyond float64's
	// range reads as ±Inf (or 0), as strconv.ParseFloat gives it with
	// ErrRange, like the redis backend.
	f, err := strconv.ParseFloat(s, 64)
	if err != nil && !errors.Is(err, strconv.ErrRange) {
		return 0, b.fail(ctx, "hincrbyfloat", key, fmt.Errorf("reply %q: %w", s, err))
	}
	return f, nil
}

// HLen is store.Hashes.HLen: HLEN.
func (b *Backend) HLen(ctx context.Context, key string) (int64, error) {
	return b.int(ctx, "hlen", key, b.client.B().Hlen().Key(key).Build())
}

// int sends cmd, which replies with an integer.
func (b *Backend) int(ctx context.Context, op, key string, cmd valkey.Completed) (int64, error) {
	if err := b.begin(ctx, op, key); err != nil {
		return 0, err
	}
	n, err := b.client.Do(ctx, cmd).AsInt64()
	if err != nil {
		return 0, b.fail(ctx, op, key, err)
	}
	return n, nil
}

// strs sends cmd, which replies with an array of strings; a nil reply
// gives none.
func (b *Backend) strs(ctx context.Context, c doer, op, key string, cmd valkey.Completed) ([]string, error) {
	if err := b.begin(ctx, op, key); err != nil {
		return nil, err
	}
	ss, err := c.Do(ctx, cmd).AsStrSlice()
	if valkey.IsValkeyNil(err) {
		return []string{}, nil
	}
	if err != nil {
		return nil, b.fail(ctx, op, key, err)
	}
	if ss == nil {
		ss = []string{}
	}
	return ss, nil
}
