package redis

import (
	"context"
	"errors"
	"time"

	goredis "github.com/redis/go-redis/v9"

	"github.com/mimeiapify/store"
)

// Get returns key's value (GET); store.ErrNotFound when it is missing.
func (b *Backend) Get(ctx context.Context, key string) (string, error) {
	if err := b.begin(ctx, "get", key); err != nil {
		return "", err
	}
	v, err := b.c.Get(ctx, key).Result()
	if err != nil {
		return "", b.fail(ctx, "get", key, err)
	}
	return v, nil
}

// setArgs builds SET key value [PX ms] [NX].
func setArgs(op, key, value string, ttl time.Duration, nx bool) ([]any, error) {
	ms, err := store.TTLMillis(ttl)
	if err != nil {
		return nil, invalid(op, key, err.Error())
	}
	args := []any{"set", key, value}
	if ms > 0 {
		args = append(args, "px", ms)
	}
	if nx {
		args = append(args, "nx")
	}
	return args, nil
}

// Set stores value at key with SET [PX ms]; a zero ttl clears any TTL.
func (b *Backend) Set(ctx context.Context, key, value string, ttl time.Duration) error {
	if err := b.begin(ctx, "set", key); err != nil {
		return err
	}
	args, err := setArgs("set", key, value, ttl, false)
	if err != nil {
		return err
	}
	if err := b.c.Do(ctx, args...).Err(); err != nil {
		return b.fail(ctx, "set", key, err)
	}
	return nil
}

// SetNX stores value only if key is missing (SET NX [PX ms]) and reports
// whether it did.
func (b *Backend) SetNX(ctx context.Context, key, value string, ttl time.Duration) (bool, error) {
	if err := b.begin(ctx, "setnx", key); err != nil {
		return false, err
	}
	args, err := setArgs("setnx", key, value, ttl, true)
	if err != nil {
		return false, err
	}
	err = b.c.Do(ctx, args...).Err()
	if errors.Is(err, goredis.Nil) {
		return false, nil
	}
	if err != nil {
		return false, b.fail(ctx, "setnx", key, err)
	}
	return true, nil
}

// IncrBy adds delta to the integer at key (INCRBY).
func (b *Backend) IncrBy(ctx context.Context, key string, delta int64) (int64, error) {
	if err := b.begin(ctx, "incrby", key); err != nil {
		return 0, err
	}
	n, err := b.c.IncrBy(ctx, key, delta).Result()
	if err != nil {
		return 0, b.fail(ctx, "incrby", key, err)
	}
	return n, nil
}
