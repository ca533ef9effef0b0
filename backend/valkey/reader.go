package valkey

import (
	"context"
	"time"

	"github.com/mimeiapify/store"
	"github.com/mimeiapify/store/internal/hashslot"
)

// reader is the store.Reader of one Update: it reads on the dedicated
// connection that holds the WATCH, which its first read carries (see
// watching). On a cluster, a key outside the watched
// hash slot is read on the shared client instead (such reads are not
// guarded, as the contract says, and the dedicated connection could not
// route them).
type reader struct {
	b    *Backend
	conn watching
	slot uint16
}

var _ store.Reader = (*reader)(nil)

// on returns where to read key.
func (r *reader) on(key string) doer {
	if r.b.cluster && hashslot.Of(key) != r.slot {
		return r.b.client
	}
	return r.conn
}

// Get is store.Reader.Get.
func (r *reader) Get(ctx context.Context, key string) (string, error) {
	return r.b.get(ctx, r.on(key), key)
}

// HGet is store.Reader.HGet.
func (r *reader) HGet(ctx context.Context, key, field string) (string, error) {
	return r.b.hget(ctx, r.on(key), key, field)
}

// HGetAll is store.Reader.HGetAll.
func (r *reader) HGetAll(ctx context.Context, key string) (map[string]string, error) {
	return r.b.hgetall(ctx, r.on(key), key)
}

// LRange is store.Reader.LRange.
func (r *reader) LRange(ctx context.Context, key string, start, stop int64) ([]string, error) {
	cmd := r.b.client.B().Lrange().Key(key).Start(start).Stop(stop).Build()
	return r.b.strs(ctx, r.on(key), "lrange", key, cmd)
}

// SMembers is store.Reader.SMembers.
func (r *reader) SMembers(ctx context.Context, key string) ([]string, error) {
	return r.b.strs(ctx, r.on(key), "smembers", key, r.b.client.B().Smembers().Key(key).Build())
}

// TTL is store.Reader.TTL.
func (r *reader) TTL(ctx context.Context, key string) (time.Duration, error) {
	return r.b.ttl(ctx, r.on(key), key)
}

// Type is store.Reader.Type.
func (r *reader) Type(ctx context.Context, key string) (store.Type, error) {
	return r.b.typ(ctx, r.on(key), key)
}
