package valkey

import (
	"context"
	"fmt"
	"time"

	"github.com/valkey-io/valkey-go"

	"github.com/mimeiapify/store"
)

// Exists is store.Keys.Exists: EXISTS (one per hash slot on a cluster,
// pipelined). No keys counts 0 without a round trip.
func (b *Backend) Exists(ctx context.Context, keys ...string) (int64, error) {
	return b.countKeys(ctx, "exists", keys, func(g []string) valkey.Completed {
		return b.client.B().Exists().Key(g...).Build()
	})
}

// Del is store.Keys.Del: DEL (one per hash slot on a cluster, pipelined).
// No keys deletes nothing without a round trip.
func (b *Backend) Del(ctx context.Context, keys ...string) (int64, error) {
	return b.countKeys(ctx, "del", keys, func(g []string) valkey.Completed {
		return b.client.B().Del().Key(g...).Build()
	})
}

// countKeys sends cmd for each hash-slot group of keys in one pipeline
// and sums the integer replies.
func (b *Backend) countKeys(ctx context.Context, op string, keys []string, cmd func([]string) valkey.Completed) (int64, error) {
	if err := b.begin(ctx, op, keys); err != nil {
		return 0, err
	}
	if len(keys) == 0 {
		return 0, nil
	}
	groups := b.bySlot(keys)
	cmds := make(valkey.Commands, len(groups))
	for i, g := range groups {
		cmds[i] = cmd(g)
	}
	var total int64
	for _, r := range b.client.DoMulti(ctx, cmds...) {
		n, err := r.AsInt64()
		if err != nil {
			return 0, b.fail(ctx, op, keys, err)
		}
		total += n
	}
	return total, nil
}

// Expire is store.Keys.Expire: PEXPIRE with the TTL in milliseconds.
func (b *Backend) Expire(ctx context.Context, key string, ttl time.Duration) (bool, error) {
	if ttl <= 0 {
		return false, fmt.Errorf("valkey: expire %q: %w: TTL %v must be positive", key, store.ErrInvalidArgument, ttl)
	}
	ms, err := store.TTLMillis(ttl)
	if err != nil {
		return false, fmt.Errorf("valkey: expire %q: %w", key, err)
	}
	if err := b.begin(ctx, "expire", key); err != nil {
		return false, err
	}
	ok, err := b.client.Do(ctx, b.client.B().Pexpire().Key(key).Milliseconds(ms).Build()).AsBool()
	if err != nil {
		return false, b.fail(ctx, "pexpire", key, err)
	}
	return ok, nil
}

// Persist is store.Keys.Persist: PERSIST.
func (b *Backend) Persist(ctx context.Context, key string) (bool, error) {
	if err := b.begin(ctx, "persist", key); err != nil {
		return false, err
	}
	ok, err := b.client.Do(ctx, b.client.B().Persist().Key(key).Build()).AsBool()
	if err != nil {
		return false, b.fail(ctx, "persist", key, err)
	}
	return ok, nil
}

// TTL is store.Keys.TTL: PTTL, so the result has millisecond precision.
func (b *Backend) TTL(ctx context.Context, key string) (time.Duration, error) {
	return b.ttl(ctx, b.client, key)
}

func (b *Backend) ttl(ctx context.Context, c doer, key string) (time.Duration, error) {
	if err := b.begin(ctx, "ttl", key); err != nil {
		return 0, err
	}
	ms, err := c.Do(ctx, b.client.B().Pttl().Key(key).Build()).AsInt64()
	if err != nil {
		return 0, b.fail(ctx, "pttl", key, err)
	}
	return pttl(key, ms)
}

// pttl turns a PTTL reply into a store TTL.
func pttl(key string, ms int64) (time.Duration, error) {
	switch {
	case ms == -2:
		return 0, fmt.Errorf("valkey: ttl %q: %w", key, store.ErrNotFound)
	case ms < 0:
		return store.NoExpiry, nil
	}
	return time.Duration(ms) * time.Millisecond, nil
}

// Type is store.Keys.Type: TYPE. A key of a type the store does not know
// (a sorted set, a stream) fails with store.ErrWrongType.
func (b *Backend) Type(ctx context.Context, key string) (store.Type, error) {
	return b.typ(ctx, b.client, key)
}

func (b *Backend) typ(ctx context.Context, c doer, key string) (store.Type, error) {
	if err := b.begin(ctx, "type", key); err != nil {
		return store.TypeNone, err
	}
	s, err := c.Do(ctx, b.client.B().Type().Key(key).Build()).ToString()
	if err != nil {
		return store.TypeNone, b.fail(ctx, "type", key, err)
	}
	return parseType(key, s)
}

// parseType turns a TYPE reply into a store.Type.
func parseType(key, s string) (store.Type, error) {
	for _, t := range []store.Type{store.TypeNone, store.TypeString, store.TypeHash, store.TypeList, store.TypeSet} {
		if t.String() == s {
			return t, nil
		}
	}
	return store.TypeNone, fmt.Errorf("valkey: type %q: %w: the key holds a %s", key, store.ErrWrongType, s)
}
