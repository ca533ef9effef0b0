package redis

import (
	"context"
	"time"

	goredis "github.com/redis/go-redis/v9"

	"github.com/mimeiapify/store"
)

// reader is the store.Reader of Update: reads on the watching connection.
type reader struct {
	b *Backend
	c goredis.Cmdable
}

// Get is Backend.Get on the watching connection.
func (r *reader) Get(ctx context.Context, key string) (string, error) {
	if err := r.b.begin(ctx, "get", key); err != nil {
		return "", err
	}
	v, err := r.c.Get(ctx, key).Result()
	if err != nil {
		return "", r.b.fail(ctx, "get", key, err)
	}
	return v, nil
}

// HGet is Backend.HGet on the watching connection.
func (r *reader) HGet(ctx context.Context, key, field string) (string, error) {
	if err := r.b.begin(ctx, "hget", key); err != nil {
		return "", err
	}
	v, err := r.c.HGet(ctx, key, field).Result()
	if err != nil {
		return "", r.b.fail(ctx, "hget", key, err)
	}
	return v, nil
}

// HGetAll is Backend.HGetAll on the watching connection.
func (r *reader) HGetAll(ctx context.Context, key string) (map[string]string, error) {
	if err := r.b.begin(ctx, "hgetall", key); err != nil {
		return nil, err
	}
	m, err := r.c.HGetAll(ctx, key).Result()
	if err != nil {
		return nil, r.b.fail(ctx, "hgetall", key, err)
	}
	return m, nil
}

// LRange is Backend.LRange on the watching connection.
func (r *reader) LRange(ctx context.Context, key string, start, stop int64) ([]string, error) {
	if err := r.b.begin(ctx, "lrange", key); err != nil {
		return nil, err
	}
	vs, err := r.c.LRange(ctx, key, start, stop).Result()
	if err != nil {
		return nil, r.b.fail(ctx, "lrange", key, err)
	}
	return vs, nil
}

// SMembers is Backend.SMembers on the watching connection.
func (r *reader) SMembers(ctx context.Context, key string) ([]string, error) {
	if err := r.b.begin(ctx, "smembers", key); err != nil {
		return nil, err
	}
	ms, err := r.c.SMembers(ctx, key).Result()
	if err != nil {
		return nil, r.b.fail(ctx, "smembers", key, err)
	}
	return ms, nil
}

// TTL is Backend.TTL on the watching connection.
func (r *reader) TTL(ctx context.Context, key string) (time.Duration, error) {
	if err := r.b.begin(ctx, "ttl", key); err != nil {
		return 0, err
	}
	return ttlOf(ctx, r.b, key, r.c.PTTL(ctx, key).Result)
}

// Type is Backend.Type on the watching connection.
func (r *reader) Type(ctx context.Context, key string) (store.Type, error) {
	if err := r.b.begin(ctx, "type", key); err != nil {
		return store.TypeNone, err
	}
	return typeOf(ctx, r.b, key, r.c.Type(ctx, key).Result)
}
