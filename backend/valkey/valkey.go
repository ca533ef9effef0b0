package valkey

import (
	"context"
	"fmt"
	"log/slog"
	"sync/atomic"

	"github.com/valkey-io/valkey-go"

	"github.com/mimeiapify/store"
	"github.com/mimeiapify/store/internal/luagroup"
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

// defaultScanCount is the COUNT hint Scan sends when Options.ScanCount is 0.
const defaultScanCount = 1000

// Backend is a store.Backend on a Valkey or Redis server (standalone or
// cluster) through a valkey-go client. It is safe for concurrent use;
// concurrent calls share the client's automatically pipelined connections.
type Backend struct {
	client    valkey.Client
	own       bool
	cluster   bool
	scanCount int64
	group     *valkey.Lua // luagroup.Script
	pair      *valkey.Lua // luagroup.PairScript
	closed    atomic.Bool
	// scriptReady: the server is believed to hold luagroup.Script, so
	// Update's transactions name it by SHA1. When false, the next Update
	// loads it in the same round trip as its WATCH.
	scriptReady atomic.Bool
}

var _ store.Backend = (*Backend)(nil)

// New returns a Backend over client, which the caller built and keeps
// owning: Close leaves it open unless opts.CloseClient is set. A client for
// miniredis needs DisableCache and ForceSingleClient in its options.
func New(client valkey.Client, opts *Options) *Backend {
	if opts == nil {
		opts = &Options{}
	}
	count := opts.ScanCount
	if count <= 0 {
		count = defaultScanCount
	}
	return &Backend{
		client:    client,
		own:       opts.CloseClient,
		cluster:   client.Mode() == valkey.ClientModeCluster,
		scanCount: count,
		group:     valkey.NewLuaScript(luagroup.Script),
		pair:      valkey.NewLuaScript(luagroup.PairScript),
	}
}

// Client returns the valkey-go client the backend sends its commands on.
func (b *Backend) Client() valkey.Client { return b.client }

// Close marks the backend closed, so that later calls fail with
// store.ErrClosed, and closes the client if the backend owns it
// (Options.CloseClient, or a backend opened by URL). It may be called more
// than once.
func (b *Backend) Close() error {
	if b.closed.Swap(true) {
		return nil
	}
	if b.own {
		b.client.Close()
	}
	return nil
}

// doer sends one command: the shared client, or the dedicated connection
// of an Update.
type doer interface {
	Do(ctx context.Context, cmd valkey.Completed) valkey.ValkeyResult
}

// begin checks, before a command is sent, that the backend is open and
// ctx is not done. key (a string, or a []string) is named in the error.
func (b *Backend) begin(ctx context.Context, op string, key any) error {
	if b.closed.Load() {
		return fmt.Errorf("valkey: %s %q: %w", op, key, store.ErrClosed)
	}
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("valkey: %s %q: %w", op, key, err)
	}
	return nil
}
