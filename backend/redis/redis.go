package redis

import (
	"fmt"
	"log/slog"
	"strings"

	goredis "github.com/redis/go-redis/v9"

	"github.com/mimeiapify/store"
	"github.com/mimeiapify/store/internal/rediscore"
)

// DefaultScanCount is the COUNT hint Scan sends with each SCAN.
const DefaultScanCount = rediscore.DefaultScanCount

// Options tunes a Backend. The zero value (or nil) gives the defaults.
type Options struct {
	// CloseClient makes Close also close the client given to New. It is
	// false by default: the caller owns the client it passed in and closes
	// it. Open sets it, since the client it makes is the backend's own.
	CloseClient bool
	// ScanCount is the COUNT hint of each SCAN; 0 means DefaultScanCount.
	ScanCount int64
	// Logger receives go-redis' log lines (as "failed to dial after 5
	// attempts") while the Backend is open, at level Warn; nil drops
	// them. They never reach stderr: see the package documentation.
	Logger *slog.Logger
}

// Backend is a store.Backend on a Redis server, cluster or sentinel group
// through go-redis v9. Its methods are those of the shared core of the
// Redis-protocol backends (internal/rediscore), on an adapter of the
// client. It is safe for concurrent use.
type Backend struct {
	*rediscore.Backend
	c goredis.UniversalClient
}

var _ store.Backend = (*Backend)(nil)

// New returns a Backend on client, which the caller configured (hooks,
// TLS, pools and timeouts are kept as they are). Close does not close
// client unless opts.CloseClient is set. For context deadlines to bound
// socket waits, client should have ContextTimeoutEnabled set; against a
// Redis 7.0 server, DisableIdentity avoids a rejected CLIENT SETINFO.
func New(client goredis.UniversalClient, opts *Options) *Backend {
	var o Options
	if opts != nil {
		o = *opts
	}
	core := rediscore.New(newAdapter(client), rediscore.Config{Name: "redis", ScanCount: o.ScanCount, CloseClient: o.CloseClient})
	b := &Backend{Backend: core, c: client}
	logSinks.track(b, o.Logger)
	return b
}

// Client returns the go-redis client the backend sends its commands on.
func (b *Backend) Client() goredis.UniversalClient { return b.c }

// Close marks the backend closed, so that later calls fail with
// store.ErrClosed, stops routing go-redis' log lines to its Logger, and
// closes the client when the backend owns it (Options.CloseClient, or a
// backend made by Open). It may be called more than once.
func (b *Backend) Close() error {
	logSinks.untrack(b)
	return b.Backend.Close()
}

// addrOf describes where client sends its commands, for error messages.
func addrOf(client goredis.UniversalClient) string {
	switch c := client.(type) {
	case *goredis.Client:
		return c.Options().Addr
	case *goredis.ClusterClient:
		return "cluster " + strings.Join(c.Options().Addrs, ",")
	}
	return fmt.Sprintf("%T", client)
}
