package redis

import (
	"context"
	"time"

	goredis "github.com/redis/go-redis/v9"

	"github.com/mimeiapify/store"
	"github.com/mimeiapify/store/internal/hashslot"
)

// reader is the store.Reader of Update: it reads on the connection that
// holds the WATCH. On a cluster, a key outside the watched hash slot is
// read on the shared client instead: the watching connection's node may
// not serve it, and such reads are not guarded, as the contract says.
type reader struct {
	b    *Backend
	tx   *goredis.Tx
	slot uint16 // the hash slot of the watched keys
}

var _ store.Reader = (*reader)(nil)

// on returns where to read key.
func (r *reader) on(key string) goredis.Cmdable {
	if r.b.cluster && hashslot.Of(key) != r.slot {
		return r.b.c
	}
	return r.tx
}

// Get is Backend.Get on the watching connection.
func (r *reader) Get(ctx context.Context, key string) (string, error) {
	if err := r.b.begin(ctx, "get", key); err != nil {
		return "", err
	}
	v, err := r.on(key).Get(ctx, key).Result()
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
	v, err := r.on(key).HGet(ctx, key, field).Result()
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
	m, err := r.on(key).HGetAll(ctx, key).Result()
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
	vs, err := r.on(key).LRange(ctx, key, start, stop).Result()
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
	ms, err := r.on(key).SMembers(ctx, key).Result()
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
	return ttlOf(ctx, r.b, key, r.on(key).PTTL(ctx, key).Result)
}

// Type is Backend.Type on the watching connection.
func (r *reader) Type(ctx context.Context, key string) (store.Type, error) {
	if err := r.b.begin(ctx, "type", key); err != nil {
		return store.TypeNone, err
	}
	return typeOf(ctx, r.b, key, r.on(key).Type(ctx, key).Result)
}
