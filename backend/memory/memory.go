package memory

import (
	"context"
	"fmt"
	"hash/maphash"
	"math/bits"
	"runtime"
	"sync"
	"sync/atomic"
	"time"
	"unsafe"

	"github.com/mimeiapify/store"
)

// Defaults used for the zero fields of Options.
const (
	DefaultShards        = 64
	DefaultSweepInterval = time.Second
	// MaxShards bounds Options.Shards.
	MaxShards = 1 << 16
)

// Options configure a Backend. The zero value (or a nil *Options) gives
// the defaults.
type Options struct {
	// Shards is the number of independently locked parts the keyspace is
	// split into, rounded up to a power of two; 0 means DefaultShards.
	// More shards mean less contention between goroutines writing
	// different keys. It must be between 0 and MaxShards.
	Shards int
	// SweepInterval is how often the background sweeper frees the memory
	// of expired keys; 0 means DefaultSweepInterval and a negative value
	// turns the sweeper off (expired keys are then freed only when a call
	// touches them). Expired keys are invisible either way.
	SweepInterval time.Duration
}

// Backend is an in-process store.Backend. Create one with New or with
// store.Open(ctx, "memory://"); the zero value is not usable. It is safe
// for concurrent use.
type Backend struct {
	seed    maphash.Seed
	mask    uint64
	shards  []paddedShard
	closed  atomic.Bool
	sweeper *sweeper
}

var _ store.Backend = (*Backend)(nil)

// shard is one independently locked part of the keyspace.
type shard struct {
	mu sync.RWMutex
	m  map[string]*entry
	// minExp is at most the expiry of every key in m that has one, and 0
	// when none has; the sweeper skips the shard until minExp passes.
	minExp int64
	// peak is the most keys m has held since it was made (see shrink).
	peak int
}

// paddedShard keeps two shards' locks off one cache line.
type paddedShard struct {
	shard
	_ [64 - unsafe.Sizeof(shard{})%64]byte
}

// New returns an empty Backend configured by opts (nil means defaults),
// with its sweeper running. It panics if opts.Shards is out of range; use
// the URL form to get an error instead. Close stops the sweeper; a Backend
// that becomes unreachable without being closed stops it too.
func New(opts *Options) *Backend {
	o := Options{}
	if opts != nil {
		o = *opts
	}
	if err := o.validate(); err != nil {
		panic(err)
	}
	n := o.Shards
	if n == 0 {
		n = DefaultShards
	}
	n = 1 << bits.Len(uint(n-1))
	b := &Backend{seed: maphash.MakeSeed(), mask: uint64(n - 1), shards: make([]paddedShard, n)}
	for i := range b.shards {
		b.shards[i].m = make(map[string]*entry)
	}
	interval := o.SweepInterval
	if interval == 0 {
		interval = DefaultSweepInterval
	}
	if interval > 0 {
		b.sweeper = startSweeper(b.shards, interval)
		runtime.AddCleanup(b, (*sweeper).stop, b.sweeper)
	}
	return b
}

func (o *Options) validate() error {
	if o.Shards < 0 || o.Shards > MaxShards {
		return fmt.Errorf("memory: %w: Shards %d must be between 0 and %d", store.ErrInvalidArgument, o.Shards, MaxShards)
	}
	return nil
}

// Close stops the sweeper, waits for it to return and drops every key.
// Calls after Close fail with store.ErrClosed. Close may be called more
// than once; it always returns nil.
func (b *Backend) Close() error {
	if b.closed.Swap(true) {
		return nil
	}
	if b.sweeper != nil {
		b.sweeper.stop()
	}
	for i := range b.shards {
		s := &b.shards[i].shard
		s.mu.Lock()
		s.m, s.peak = make(map[string]*entry), 0 // clear would keep the buckets
		s.minExp = 0
		s.mu.Unlock()
	}
	return nil
}

// check is the guard every call starts with: the context first, then
// whether the backend is closed.
func (b *Backend) check(ctx context.Context, op, key string) error {
	if b.closed.Load() {
		return fmt.Errorf("memory: %s %q: %w", op, key, store.ErrClosed)
	}
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("memory: %s %q: %w", op, key, err)
	}
	return nil
}

// wrap adds the operation and the key to a failure of a core function.
func wrap(op, key string, err error) error {
	if err == nil {
		return nil
	}
	return fmt.Errorf("memory: %s %q: %w", op, key, err)
}

// index returns the number of the shard that holds key.
func (b *Backend) index(key string) int {
	return int(maphash.String(b.seed, key) & b.mask)
}

// shardOf returns the shard that holds key.
func (b *Backend) shardOf(key string) *shard {
	return &b.shards[b.index(key)].shard
}

// rlock returns key's shard with its read lock held. Reads go through
// the core functions, which treat an expired key as missing.
func (b *Backend) rlock(key string) *shard {
	s := b.shardOf(key)
	s.mu.RLock()
	return s
}

// runlock releases the read lock rlock took and, when the read saw key
// expired, deletes it.
func (s *shard) runlock(key string, c *clock) {
	s.mu.RUnlock()
	if c.sawExpired {
		s.reap(key)
	}
}

// wlock returns key's shard with its write lock held.
func (b *Backend) wlock(key string) *shard {
	s := b.shardOf(key)
	s.mu.Lock()
	return s
}
