package rediscore

import (
	"context"
	"time"

	"github.com/mimeiapify/store"
	"github.com/mimeiapify/store/internal/hashslot"
)

// reader is the store.Reader of one Update: each read is the backend's
// own method, sent on the connection that holds the WATCH (see
// updater.Do). On a cluster, a key outside the watched hash slot is read
// on the shared client instead: the pinned connection's node may not
// serve it, and such reads are not guarded, as the contract says.
type reader struct{ u *updater }

var _ store.Reader = (*reader)(nil)

// on returns where to read key.
func (r *reader) on(key string) Doer {
	if r.u.b.cluster && hashslot.Of(key) != r.u.slot {
		return r.u.b.c
	}
	return r.u
}

// Get is store.Reader.Get.
func (r *reader) Get(ctx context.Context, key string) (string, error) {
	return r.u.b.get(ctx, r.on(key), key)
}

// HGet is store.Reader.HGet.
func (r *reader) HGet(ctx context.Context, key, field string) (string, error) {
	return r.u.b.hget(ctx, r.on(key), key, field)
}

// HGetAll is store.Reader.HGetAll.
func (r *reader) HGetAll(ctx context.Context, key string) (map[string]string, error) {
	return r.u.b.hgetall(ctx, r.on(key), key)
}

// LRange is store.Reader.LRange.
func (r *reader) LRange(ctx context.Context, key string, start, stop int64) ([]string, error) {
	return r.u.b.lrange(ctx, r.on(key), key, start, stop)
}

// SMembers is store.Reader.SMembers.
func (r *reader) SMembers(ctx context.Context, key string) ([]string, error) {
	return r.u.b.smembers(ctx, r.on(key), key)
}

// ZScore is store.Reader.ZScore.
func (r *reader) ZScore(ctx context.Context, key, member string) (float64, error) {
	return r.u.b.zscore(ctx, r.on(key), key, member)
}

// ZRangeByScore is store.Reader.ZRangeByScore.
func (r *reader) ZRangeByScore(ctx context.Context, key string, min, max float64, limit int) ([]store.ZMember, error) {
	return r.u.b.zrangeByScore(ctx, r.on(key), key, min, max, limit)
}

// TTL is store.Reader.TTL.
func (r *reader) TTL(ctx context.Context, key string) (time.Duration, error) {
	return r.u.b.ttl(ctx, r.on(key), key)
}

// Type is store.Reader.Type.
func (r *reader) Type(ctx context.Context, key string) (store.Type, error) {
	return r.u.b.typ(ctx, r.on(key), key)
}
