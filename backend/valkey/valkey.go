package valkey

import (
	"log/slog"

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
}

// Backend is a store.Backend on a Valkey or Redis server (standalone or
// cluster) through a valkey-go client. Its methods are those of the
// shared core of the Redis-protocol backends (internal/rediscore), on an
// adapter of the client. It is safe for concurrent use; concurrent calls
// share the client's automatically pipelined connections.
type Backend struct {
	*rediscore.Backend
	client valkey.Client
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
	core := rediscore.New(&adapter{c: client, conns: conns}, rediscore.Config{Name: "valkey", ScanCount: opts.ScanCount, CloseClient: opts.CloseClient})
	return &Backend{Backend: core, client: client}
}

// Client returns the valkey-go client the backend sends its commands on.
func (b *Backend) Client() valkey.Client { return b.client }
