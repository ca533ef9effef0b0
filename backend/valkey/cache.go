package valkey

import (
	"context"
	"time"

	"github.com/valkey-io/valkey-go"

	"github.com/mimeiapify/store/internal/rediscore"
)

// DefaultClientCacheTTL is how long a cached reply lives at most when a
// URL sets client_cache without client_cache_ttl.
const DefaultClientCacheTTL = time.Second

// cachedReads is the rediscore.Config.Reads of a backend with a
// client-side cache: the backend's own GET, HGET, HMGET and HGETALL go
// through valkey-go's DoCache, every other command to the client as usual.
type cachedReads struct {
	c     valkey.Client
	ttl   time.Duration
	dirty *dirtyKeys // keys the backend wrote lately: read on the server
	// onRead, when set (by tests), sees whether each cached read was
	// served from the local cache.
	onRead func(hit bool)
}

// Do serves cmd from the cache when it is one of the cached reads, of a
// key the backend did not write within the cache's TTL.
func (r *cachedReads) Do(ctx context.Context, cmd rediscore.Cmd) rediscore.Result {
	c, ok := r.cacheable(cmd)
	if !ok || r.dirty.has(cmd.Keys[0]) {
		return do(ctx, r.c, cmd)
	}
	res := r.c.DoCache(ctx, c, r.ttl)
	if r.onRead != nil {
		r.onRead(res.IsCacheHit())
	}
	return read(res, cmd)
}

// cacheable builds the cacheable command of cmd, if it is a read the
// cache serves.
func (r *cachedReads) cacheable(cmd rediscore.Cmd) (valkey.Cacheable, bool) {
	if len(cmd.Name) != 1 || len(cmd.Keys) != 1 {
		return valkey.Cacheable{}, false
	}
	b, key := r.c.B(), cmd.Keys[0]
	switch cmd.Name[0] {
	case "GET":
		if len(cmd.Args) == 0 {
			return b.Get().Key(key).Cache(), true
		}
	case "HGETALL":
		if len(cmd.Args) == 0 {
			return b.Hgetall().Key(key).Cache(), true
		}
	case "HGET":
		if len(cmd.Args) == 1 {
			return b.Hget().Key(key).Field(cmd.Args[0]).Cache(), true
		}
	case "HMGET":
		if len(cmd.Args) > 0 {
			return b.Hmget().Key(key).Field(cmd.Args...).Cache(), true
		}
	}
	return valkey.Cacheable{}, false
}
