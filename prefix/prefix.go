// Package prefix confines a store.Backend to the keys under one prefix, so
// that several applications or test runs share one server without seeing
// each other's keys. It is a decorator, in the manner of a prefixed bucket:
// it passes the conformance suite exactly as the backend it wraps.
//
// Keys are stored as prefix+key. Scan matches only keys under the prefix
// (the prefix is escaped, so its glob metacharacters match literally) and
// yields them without it. On a Redis Cluster a prefix must not hold '{' or
// '}', or it would become every key's hash tag: New rejects it.
package prefix

import (
	"context"
	"fmt"
	"iter"
	"strings"
	"time"

	"github.com/mimeiapify/store"
	"github.com/mimeiapify/store/internal/glob"
)

// Backend is a store.Backend whose keys all live under one prefix of an
// inner backend.
type Backend struct {
	inner  store.Backend
	prefix string
	scan   string // glob.Escape(prefix), the start of every inner pattern
}

var _ store.Backend = (*Backend)(nil)

// New returns inner confined to the keys that start with p. p must be
// non-empty and hold no '{' or '}'. Closing the returned backend closes
// inner.
func New(inner store.Backend, p string) (*Backend, error) {
	if p == "" || strings.ContainsAny(p, "{}") {
		return nil, fmt.Errorf("prefix: %w: prefix %q must be non-empty and hold no '{' or '}'", store.ErrInvalidArgument, p)
	}
	return &Backend{inner: inner, prefix: p, scan: glob.Escape(p)}, nil
}

// Prefix returns the prefix every key is stored under.
func (b *Backend) Prefix() string { return b.prefix }

func (b *Backend) key(k string) string { return b.prefix + k }

func (b *Backend) keys(ks []string) []string {
	out := make([]string, len(ks))
	for i, k := range ks {
		out[i] = b.prefix + k
	}
	return out
}

// Exists is store.Keys.Exists under the prefix.
func (b *Backend) Exists(ctx context.Context, keys ...string) (int64, error) {
	return b.inner.Exists(ctx, b.keys(keys)...)
}

// Del is store.Keys.Del under the prefix.
func (b *Backend) Del(ctx context.Context, keys ...string) (int64, error) {
	return b.inner.Del(ctx, b.keys(keys)...)
}

// Expire is store.Keys.Expire under the prefix.
func (b *Backend) Expire(ctx context.Context, key string, ttl time.Duration) (bool, error) {
	return b.inner.Expire(ctx, b.key(key), ttl)
}

// Persist is store.Keys.Persist under the prefix.
func (b *Backend) Persist(ctx context.Context, key string) (bool, error) {
	return b.inner.Persist(ctx, b.key(key))
}

// TTL is store.Keys.TTL under the prefix.
func (b *Backend) TTL(ctx context.Context, key string) (time.Duration, error) {
	return b.inner.TTL(ctx, b.key(key))
}

// Type is store.Keys.Type under the prefix.
func (b *Backend) Type(ctx context.Context, key string) (store.Type, error) {
	return b.inner.Type(ctx, b.key(key))
}

// Scan is store.Keys.Scan confined to the prefix; keys come without it.
func (b *Backend) Scan(ctx context.Context, pattern string) iter.Seq2[string, error] {
	return func(yield func(string, error) bool) {
		for k, err := range b.inner.Scan(ctx, b.scan+pattern) {
			if err != nil {
				yield("", err)
				return
			}
			if !yield(strings.TrimPrefix(k, b.prefix), nil) {
				return
			}
		}
	}
}

// Get is store.Strings.Get under the prefix.
func (b *Backend) Get(ctx context.Context, key string) (string, error) {
	return b.inner.Get(ctx, b.key(key))
}

// Set is store.Strings.Set under the prefix.
func (b *Backend) Set(ctx context.Context, key, value string, ttl time.Duration) error {
	return b.inner.Set(ctx, b.key(key), value, ttl)
}

// SetNX is store.Strings.SetNX under the prefix.
func (b *Backend) SetNX(ctx context.Context, key, value string, ttl time.Duration) (bool, error) {
	return b.inner.SetNX(ctx, b.key(key), value, ttl)
}

// IncrBy is store.Strings.IncrBy under the prefix.
func (b *Backend) IncrBy(ctx context.Context, key string, delta int64) (int64, error) {
	return b.inner.IncrBy(ctx, b.key(key), delta)
}

// Close closes the inner backend.
func (b *Backend) Close() error { return b.inner.Close() }

// Purge deletes every key under the prefix and reports how many it
// deleted. It scans the inner backend (SCAN with a MATCH on the prefix on
// Redis, so its cost grows with the whole keyspace) and deletes the keys in
// batches of purgeBatch per Del call (backends split a batch by hash slot
// on a cluster). Use it to clean up after a test run or a retired
// application.
func (b *Backend) Purge(ctx context.Context) (int64, error) {
	var n int64
	batch := make([]string, 0, purgeBatch)
	flush := func() error {
		d, err := b.inner.Del(ctx, batch...)
		n += d
		batch = batch[:0]
		return err
	}
	for k, err := range b.inner.Scan(ctx, b.scan+"*") {
		if err != nil {
			return n, err
		}
		if batch = append(batch, k); len(batch) == purgeBatch {
			if err := flush(); err != nil {
				return n, err
			}
		}
	}
	if len(batch) == 0 {
		return n, nil
	}
	return n, flush()
}

// purgeBatch is how many keys Purge deletes per call.
const purgeBatch = 500
