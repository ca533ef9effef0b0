package redis

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync/atomic"

	goredis "github.com/redis/go-redis/v9"

	"github.com/mimeiapify/store"
)

// DefaultScanCount is the COUNT hint Scan sends with each SCAN.
const DefaultScanCount = 1000

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
// through go-redis v9. Every call is one network round trip. It is safe
// for concurrent use.
type Backend struct {
	c         goredis.UniversalClient
	own       bool
	cluster   bool // c is a *goredis.ClusterClient
	scanCount int64
	addr      string
	closed    atomic.Bool
	// scriptReady: the server is believed to hold luagroup.Script, so
	// Update's transactions name it by SHA1; until then they send EVAL,
	// which also loads it.
	scriptReady atomic.Bool
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
	if o.ScanCount <= 0 {
		o.ScanCount = DefaultScanCount
	}
	_, cluster := client.(*goredis.ClusterClient)
	b := &Backend{c: client, own: o.CloseClient, cluster: cluster, scanCount: o.ScanCount, addr: addrOf(client)}
	logSinks.track(b, o.Logger)
	return b
}

// Client returns the go-redis client the backend sends its commands on.
func (b *Backend) Client() goredis.UniversalClient { return b.c }

// Close marks the backend closed, so that later calls fail with
// store.ErrClosed, and closes the client when the backend owns it
// (Options.CloseClient, or a backend made by Open). It may be called more
// than once.
func (b *Backend) Close() error {
	if b.closed.Swap(true) {
		return nil
	}
	logSinks.untrack(b)
	if !b.own {
		return nil
	}
	if err := b.c.Close(); err != nil {
		return fmt.Errorf("redis: close %s: %w", b.addr, err)
	}
	return nil
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

// begin fails when the backend is closed or ctx is done, before anything
// is sent.
func (b *Backend) begin(ctx context.Context, op, key string) error {
	if b.closed.Load() {
		return fmt.Errorf("redis: %s %q: %w", op, key, store.ErrClosed)
	}
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("redis: %s %q: %w", op, key, err)
	}
	return nil
}

// fail wraps the error of a command on key with the store sentinel it
// stands for; an error that is neither a reply nor a context error names
// the address that failed.
func (b *Backend) fail(ctx context.Context, op, key string, err error) error {
	if errors.Is(err, goredis.Nil) {
		return fmt.Errorf("redis: %s %q: %w", op, key, store.ErrNotFound)
	}
	if ctxErr := ctx.Err(); ctxErr != nil {
		return fmt.Errorf("redis: %s %q: %w (%v)", op, key, ctxErr, err)
	}
	if sentinel := mapReply(err); sentinel != nil {
		return fmt.Errorf("redis: %s %q: %w (%v)", op, key, sentinel, err)
	}
	if b.closed.Load() && errors.Is(err, goredis.ErrClosed) {
		return fmt.Errorf("redis: %s %q: %w", op, key, store.ErrClosed)
	}
	var reply goredis.Error
	if errors.As(err, &reply) {
		return fmt.Errorf("redis: %s %q: %w", op, key, err)
	}
	return fmt.Errorf("redis: %s %q on %s: %w", op, key, b.addr, err)
}

// invalid is an ErrInvalidArgument for op on key.
func invalid(op, key, why string) error {
	return fmt.Errorf("redis: %s %q: %w: %s", op, key, store.ErrInvalidArgument, why)
}
