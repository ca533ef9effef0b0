package rediscore

import (
	"context"
	"errors"
	"fmt"
	"sync/atomic"
	"time"

	"github.com/mimeiapify/store"
	"github.com/mimeiapify/store/internal/hashslot"
	"github.com/mimeiapify/store/internal/rediserr"
)

// DefaultScanCount is the COUNT hint of each SCAN when Config.ScanCount
// is 0.
const DefaultScanCount = 1000

// Config tunes a Backend.
type Config struct {
	// Name starts every error message ("redis", "valkey").
	Name string
	// ScanCount is the COUNT hint of each SCAN; 0 means DefaultScanCount.
	ScanCount int64
	// CloseClient makes Close close the client too.
	CloseClient bool
	// Reads, when not nil, is where the Backend's own Get, HGet, HMGet
	// and HGetAll go instead of the Client: a client-side cache. Reads
	// inside Update and every other command still go to the Client.
	Reads Doer
}

// Backend is a store.Backend on a Client. It is safe for concurrent use.
type Backend struct {
	c         Client
	reads     Doer // Get, HGet, HMGet, HGetAll outside Update (Config.Reads)
	name      string
	cluster   bool
	scanCount int64
	own       bool
	closed    atomic.Bool
	// scriptReady: the server is believed to hold luagroup.Script, so
	// Update's transactions name it by SHA1. When false, the next Update
	// loads it in the round trip of its WATCH, or sends EVAL.
	scriptReady atomic.Bool
	// shapes holds the SHA1s of the luagroup.ShapeScripts this backend
	// has sent (see runShape).
	shapes shapeSet
}

var _ store.Backend = (*Backend)(nil)

// New returns a Backend on c.
func New(c Client, cfg Config) *Backend {
	if cfg.ScanCount <= 0 {
		cfg.ScanCount = DefaultScanCount
	}
	reads := cfg.Reads
	if reads == nil {
		reads = c
	}
	return &Backend{c: c, reads: reads, name: cfg.Name, cluster: c.Cluster(), scanCount: cfg.ScanCount, own: cfg.CloseClient}
}

// Close marks the backend closed, so that later calls fail with
// store.ErrClosed, and closes the client when the backend owns it
// (Config.CloseClient). It may be called more than once.
func (b *Backend) Close() error {
	if b.closed.Swap(true) || !b.own {
		return nil
	}
	if err := b.c.Close(); err != nil {
		return fmt.Errorf("%s: close %s: %w", b.name, b.c.Addr(), err)
	}
	return nil
}

// begin fails when the backend is closed or ctx is done, before anything
// is sent: the first two checks of every method, in that order.
func (b *Backend) begin(ctx context.Context, op, key string) error {
	if b.closed.Load() {
		return fmt.Errorf("%s: %s %q: %w", b.name, op, key, store.ErrClosed)
	}
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("%s: %s %q: %w", b.name, op, key, err)
	}
	return nil
}

// invalid is the store.ErrInvalidArgument of op on key.
func (b *Backend) invalid(op, key, why string) error {
	return fmt.Errorf("%s: %s %q: %w: %s", b.name, op, key, store.ErrInvalidArgument, why)
}

// wrap prefixes err, which already says what went wrong, with op and key.
func (b *Backend) wrap(op, key string, err error) error {
	return fmt.Errorf("%s: %s %q: %w", b.name, op, key, err)
}

// fail turns the error of a command of op on key into the error the
// method returns: a nil reply is store.ErrNotFound; an error reply maps
// to its store sentinel (internal/rediserr) keeping the server's text; a
// closed backend or client is store.ErrClosed; an error while ctx is done
// or past its deadline wraps ctx's error; any other error names the
// servers.
func (b *Backend) fail(ctx context.Context, op, key string, err error) error {
	switch {
	case b.c.IsNil(err):
		return fmt.Errorf("%s: %s %q: %w", b.name, op, key, store.ErrNotFound)
	case b.c.IsReply(err):
		return fmt.Errorf("%s: %s %q: %w", b.name, op, key, rediserr.Map(err))
	case b.closed.Load() || b.c.IsClosed(err):
		return fmt.Errorf("%s: %s %q: %w (%v)", b.name, op, key, store.ErrClosed, err)
	}
	if cause := ctxCause(ctx); cause != nil {
		if errors.Is(err, cause) {
			return fmt.Errorf("%s: %s %q: %w", b.name, op, key, err)
		}
		return fmt.Errorf("%s: %s %q on %s: %w (%w)", b.name, op, key, b.c.Addr(), cause, err)
	}
	return fmt.Errorf("%s: %s %q on %s: %w", b.name, op, key, b.c.Addr(), err)
}

// ctxCause returns ctx's error, or context.DeadlineExceeded once its
// deadline has passed even if its timer has not fired yet: an I/O timeout
// set from the deadline can come first.
func ctxCause(ctx context.Context) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if dl, ok := ctx.Deadline(); ok && !time.Now().Before(dl) {
		return context.DeadlineExceeded
	}
	return nil
}

// sameSlot fails with store.ErrInvalidArgument, before anything is sent,
// when the backend is on a cluster and keys do not all share one hash
// slot (the server would refuse them with CROSSSLOT).
func (b *Backend) sameSlot(op string, keys []string) error {
	if !b.cluster {
		return nil
	}
	if i := hashslot.Same(keys); i >= 0 {
		return b.invalid(op, keys[0], fmt.Sprintf("keys %q and %q are in different hash slots (use one {hash tag})", keys[0], keys[i]))
	}
	return nil
}

// bySlot splits keys into groups that each share a hash slot on a
// cluster; off a cluster it returns keys as one group.
func (b *Backend) bySlot(keys []string) [][]string {
	if !b.cluster {
		return [][]string{keys}
	}
	return hashslot.Group(keys)
}

// firstKey names the first of keys in error messages.
func firstKey(keys []string) string {
	if len(keys) == 0 {
		return ""
	}
	return keys[0]
}
