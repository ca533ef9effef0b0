package bolt

import (
	"context"
	"fmt"
	"time"

	"github.com/mimeiapify/store"
)

// reader is the store.Reader of Update, over its read-write transaction.
type reader struct{ t *txn }

// check fails a read whose ctx is done, naming the operation and key.
func (r *reader) check(ctx context.Context, op, key string) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("bolt: update: %s %q: %w", op, key, err)
	}
	return nil
}

// Get is Backend.Get inside Update.
func (r *reader) Get(ctx context.Context, key string) (string, error) {
	if err := r.check(ctx, "get", key); err != nil {
		return "", err
	}
	return r.t.get(key)
}

// HGet is Backend.HGet inside Update.
func (r *reader) HGet(ctx context.Context, key, field string) (string, error) {
	if err := r.check(ctx, "hget", key); err != nil {
		return "", err
	}
	return r.t.hget(key, field)
}

// HGetAll is Backend.HGetAll inside Update.
func (r *reader) HGetAll(ctx context.Context, key string) (map[string]string, error) {
	if err := r.check(ctx, "hgetall", key); err != nil {
		return nil, err
	}
	return r.t.hgetall(key)
}

// LRange is Backend.LRange inside Update.
func (r *reader) LRange(ctx context.Context, key string, start, stop int64) ([]string, error) {
	if err := r.check(ctx, "lrange", key); err != nil {
		return nil, err
	}
	return r.t.lrange(key, start, stop)
}

// SMembers is Backend.SMembers inside Update.
func (r *reader) SMembers(ctx context.Context, key string) ([]string, error) {
	if err := r.check(ctx, "smembers", key); err != nil {
		return nil, err
	}
	return r.t.smembers(key)
}

// ZScore is Backend.ZScore inside Update.
func (r *reader) ZScore(ctx context.Context, key, member string) (float64, error) {
	if err := r.check(ctx, "zscore", key); err != nil {
		return 0, err
	}
	return r.t.zscore(key, member)
}

// ZRangeByScore is Backend.ZRangeByScore inside Update.
func (r *reader) ZRangeByScore(ctx context.Context, key string, min, max float64, limit int) ([]store.ZMember, error) {
	if err := r.check(ctx, "zrangebyscore", key); err != nil {
		return nil, err
	}
	if err := store.CheckScoreRange(min, max, limit); err != nil {
		return nil, opError("zrangebyscore", key, err)
	}
	return r.t.zrangeByScore(key, min, max, limit)
}

// TTL is Backend.TTL inside Update.
func (r *reader) TTL(ctx context.Context, key string) (time.Duration, error) {
	if err := r.check(ctx, "ttl", key); err != nil {
		return 0, err
	}
	return r.t.ttl(key)
}

// Type is Backend.Type inside Update.
func (r *reader) Type(ctx context.Context, key string) (store.Type, error) {
	if err := r.check(ctx, "type", key); err != nil {
		return store.TypeNone, err
	}
	return r.t.typeOf(key)
}
