package bolt

import (
	"context"
	"fmt"
	"math"
	"time"

	"github.com/mimeiapify/store"
)

// Exists reports how many of keys exist, counting repeats.
func (b *Backend) Exists(ctx context.Context, keys ...string) (int64, error) {
	var n int64
	err := b.view(ctx, "exists", firstKey(keys), func(t *txn) error {
		n = 0
		for _, k := range keys {
			_, ok, err := t.live(k)
			if err != nil {
				return err
			}
			if ok {
				n++
			}
		}
		return nil
	})
	return n, err
}

// Del deletes keys and reports how many existed.
func (b *Backend) Del(ctx context.Context, keys ...string) (int64, error) {
	var n int64
	err := b.write(ctx, "del", firstKey(keys), func(t *txn) error {
		n = 0
		for _, k := range keys {
			_, ok, err := t.live(k)
			if err != nil {
				return err
			}
			if ok {
				n++
			}
			if err := t.delete(k); err != nil {
				return err
			}
		}
		return nil
	})
	return n, err
}

// Expire sets key's TTL and reports whether the key exists.
func (b *Backend) Expire(ctx context.Context, key string, ttl time.Duration) (bool, error) {
	// closed, then the context, then the arguments, as every backend
	if err := b.begin(ctx, "expire", key); err != nil {
		return false, err
	}
	ms, err := store.TTLMillis(ttl)
	if err == nil && ms == 0 {
		err = fmt.Errorf("%w: TTL must be positive", store.ErrInvalidArgument)
	}
	if err != nil {
		return false, fmt.Errorf("bolt: expire %q: %w", key, err)
	}
	var ok bool
	err = b.write(ctx, "expire", key, func(t *txn) (err error) {
		ok, err = t.expire(key, ms)
		return err
	})
	return ok, err
}

// Persist removes key's TTL and reports whether it had one.
func (b *Backend) Persist(ctx context.Context, key string) (bool, error) {
	var ok bool
	err := b.write(ctx, "persist", key, func(t *txn) (err error) {
		ok, err = t.persist(key)
		return err
	})
	return ok, err
}

// TTL returns key's remaining time to live, store.NoExpiry when it has
// none, and store.ErrNotFound when it is missing.
func (b *Backend) TTL(ctx context.Context, key string) (time.Duration, error) {
	var d time.Duration
	err := b.view(ctx, "ttl", key, func(t *txn) (err error) {
		d, err = t.ttl(key)
		return err
	})
	return d, err
}

// Type returns the type of key's value; store.TypeNone when missing.
func (b *Backend) Type(ctx context.Context, key string) (store.Type, error) {
	var typ store.Type
	err := b.view(ctx, "type", key, func(t *txn) (err error) {
		typ, err = t.typeOf(key)
		return err
	})
	return typ, err
}

// delete removes key whatever its state (live, expired or missing).
func (t *txn) delete(key string) error {
	k := dbKey(key)
	b := t.metaB().Get(k)
	if b == nil {
		return nil
	}
	m, err := decodeMeta(k, b)
	if err != nil {
		return fmt.Errorf("%w (key %q)", err, key)
	}
	return t.drop(key, &m)
}

// expire sets a live key's expiry to ms from now.
func (t *txn) expire(key string, ms int64) (bool, error) {
	return t.expireIf(key, ms, false, false)
}

// expireIf is expire, with nx changing only a key without expiry
// (PEXPIRE NX) and with gt only a key whose expiry is earlier than the new
// one, a key without expiry counting as never expiring (PEXPIRE GT); it
// reports whether it changed the expiry.
func (t *txn) expireIf(key string, ms int64, nx, gt bool) (bool, error) {
	if err := t.reap(key); err != nil {
		return false, err
	}
	m, ok, err := t.live(key)
	exp := t.now + ms
	if err != nil || !ok || (nx && m.exp != 0) || (gt && (m.exp == 0 || exp <= m.exp)) {
		return false, err
	}
	old := m.exp
	m.exp = exp
	return true, t.putMeta(key, &m, old)
}

// persist clears a live key's expiry.
func (t *txn) persist(key string) (bool, error) {
	if err := t.reap(key); err != nil {
		return false, err
	}
	m, ok, err := t.live(key)
	if err != nil || !ok || m.exp == 0 {
		return false, err
	}
	old := m.exp
	m.exp = 0
	return true, t.putMeta(key, &m, old)
}

// ttl reads a key's remaining time to live.
func (t *txn) ttl(key string) (time.Duration, error) {
	m, ok, err := t.live(key)
	if err != nil {
		return 0, err
	}
	if !ok {
		return 0, fmt.Errorf("bolt: ttl %q: %w", key, store.ErrNotFound)
	}
	if m.exp == 0 {
		return store.NoExpiry, nil
	}
	return millisToDuration(m.exp - t.now), nil
}

// millisToDuration converts a remaining TTL of ms milliseconds to a
// Duration, clamped to the largest Duration as store.Keys.TTL promises: a
// TTL near math.MaxInt64 nanoseconds is stored as a millisecond count
// (rounded up) that no longer fits.
func millisToDuration(ms int64) time.Duration {
	if ms > math.MaxInt64/int64(time.Millisecond) {
		return math.MaxInt64
	}
	return time.Duration(ms) * time.Millisecond
}

// typeOf reads a key's type.
func (t *txn) typeOf(key string) (store.Type, error) {
	m, ok, err := t.live(key)
	if err != nil || !ok {
		return store.TypeNone, err
	}
	return m.typ, nil
}
