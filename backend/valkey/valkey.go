package valkey

import (
	"log/slog"
	"time"

	"github.com/valkey-io/valkey-go"

	"github.com/mimeiapify/store"
	"github.com/mimeiapify/store/internal/rediscore"
)

// Options tune a Backend. The zero value (or nil) gives the defaults.
type Options struct {
	// CloseClient makes Backend.Close close the client too. By default
	// the client belongs to the caller, who closes it after the backend.
	// Backends opened by URL (store.Open) always own their client.
	CloseClient bool
	// ScanCount is the COUNT hint of each SCAN call; 0 means 1000.
	ScanCount int64
	// Logger is for the log lines of the client library, as in the redis
	// backend; nil is silent. valkey-go (v1.0.79) writes no log lines, so
	// nothing reaches it today; the backend never writes to stderr.
	Logger *slog.Logger
	// ClientCacheTTL, when positive, serves the backend's Get, HGet, HMGet
	// and HGetAll from valkey-go's client-side cache (DoCache), kept
	// coherent by the server's invalidation messages (CLIENT TRACKING);
	// a cached reply lives at most ClientCacheTTL, and never past its
	// key's own TTL (see "Client-side caching" in the package
	// documentation). Reads inside Update and all writes never use the
	// cache. The client must have been built with caching on (DisableCache
	// false, its memory in CacheSizeEachConn); on a client with
	// DisableCache, reads go to the server as without this option.
	// A URL sets it with client_cache and client_cache_ttl.
	ClientCacheTTL time.Duration
}

// Backend is a store.Backend on a Valkey or Redis server (standalone or
// cluster) through a valkey-go client. Its methods are those of the
// shared core of the Redis-protocol backends (internal/rediscore), on an
// adapter of the client. It is safe for concurrent use; concurrent calls
// share the client's automatically pipelined connections.
type Backend struct {
	*rediscore.Backend
	client valkey.Client
	reads  *cachedReads // nil without Options.ClientCacheTTL
}

var _ store.Backend = (*Backend)(nil)

// New returns a Backend over client, which the caller built and keeps
// owning: Close leaves it open unless opts.CloseClient is set. A client for
// miniredis needs DisableCache and ForceSingleClient in its options.
func New(client valkey.Client, opts *Options) *Backend {
	return newBackend(client, opts, nil)
}

// newBackend is New with the connection set of a client Open made.
func newBackend(client valkey.Client, opts *Options, conns *connSet) *Backend {
	if opts == nil {
		opts = &Options{}
	}
	cfg := rediscore.Config{Name: "valkey", ScanCount: opts.ScanCount, CloseClient: opts.CloseClient}
	a := &adapter{c: client, conns: conns}
	var reads *cachedReads
	if opts.ClientCacheTTL > 0 {
		a.dirty = newDirtyKeys(opts.ClientCacheTTL)
		reads = &cachedReads{c: client, ttl: opts.ClientCacheTTL, dirty: a.dirty}
		cfg.Reads = reads
	}
	core := rediscore.New(a, cfg)
	return &Backend{Backend: core, client: client, reads: reads}
}

// Client returns the valkey-go client the backend sends its commands on.
func (b *Backend) Client() valkey.Client { return b.client }
