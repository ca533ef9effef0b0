package bolt

import (
	"context"
	"fmt"
	"time"

	"github.com/mimeiapify/store"
	"github.com/mimeiapify/store/internal/redisnum"
)

// Get returns key's value; store.ErrNotFound when it is missing.
func (b *Backend) Get(ctx context.Context, key string) (string, error) {
	var v string
	err := b.view(ctx, "get", key, func(t *txn) (err error) {
		v, err = t.get(key)
		return err
	})
	return v, err
}

// Set stores value at key with ttl (zero: none), replacing any value.
func (b *Backend) Set(ctx context.Context, key, value string, ttl time.Duration) error {
	// closed, then the context, then the arguments, as every backend
	if err := b.begin(ctx, "set", key); err != nil {
		return err
	}
	ms, err := store.TTLMillis(ttl)
	if err != nil {
		return fmt.Errorf("bolt: set %q: %w", key, err)
	}
	return b.write(ctx, "set", key, func(t *txn) error { return t.set(key, value, ms) })
}

// SetNX stores value only if key is missing and reports whether it did.
func (b *Backend) SetNX(ctx context.Context, key, value string, ttl time.Duration) (bool, error) {
	// closed, then the context, then the arguments, as every backend
	if err := b.begin(ctx, "setnx", key); err != nil {
		return false, err
	}
	ms, err := store.TTLMillis(ttl)
	if err != nil {
		return false, fmt.Errorf("bolt: setnx %q: %w", key, err)
	}
	var done bool
	err = b.write(ctx, "setnx", key, func(t *txn) error {
		done = false
		if _, ok, err := t.live(key); err != nil || ok {
			return err
		}
		done = true
		return t.set(key, value, ms)
	})
	return done, err
}

// IncrBy adds delta to the integer at key, keeping its TTL.
func (b *Backend) IncrBy(ctx context.Context, key string, delta int64) (int64, error) {
	var n int64
	err := b.write(ctx, "incrby", key, func(t *txn) (err error) {
		n, err = t.incrBy(key, delta)
		return err
	})
	return n, err
}

// get reads a string value.
func (t *txn) get(key string) (string, error) {
	m, ok, err := t.typed("get", key, store.TypeString)
	if err != nil {
		return "", err
	}
	if !ok {
		return "", fmt.Errorf("bolt: get %q: %w", key, store.ErrNotFound)
	}
	return string(m.val), nil
}

// set replaces key with a string; ms is the TTL in milliseconds, 0 none.
func (t *txn) set(key, value string, ms int64) error {
	if err := t.delete(key); err != nil {
		return err
	}
	m := meta{typ: store.TypeString, val: []byte(value)}
	if ms > 0 {
		m.exp = t.now + ms
	}
	return t.putMeta(key, &m, 0)
}

// incrBy adds delta to an integer string, keeping its TTL.
func (t *txn) incrBy(key string, delta int64) (int64, error) {
	if err := t.reap(key); err != nil {
		return 0, err
	}
	m, ok, err := t.typed("incrby", key, store.TypeString)
	if err != nil {
		return 0, err
	}
	n, err := addToInt(m.val, ok, delta)
	if err != nil {
		return 0, fmt.Errorf("bolt: incrby %q: %w", key, err)
	}
	m.typ, m.val = store.TypeString, []byte(redisnum.FormatInt(n))
	return n, t.putMeta(key, &m, m.exp)
}

// addToInt adds delta to the stored integer cur (missing counts as 0).
func addToInt(cur []byte, exists bool, delta int64) (int64, error) {
	var base int64
	if exists {
		v, ok := redisnum.ParseInt(string(cur))
		if !ok {
			return 0, store.ErrNotInteger
		}
		base = v
	}
	n, ok := redisnum.AddInt(base, delta)
	if !ok {
		return 0, store.ErrOverflow
	}
	return n, nil
}
