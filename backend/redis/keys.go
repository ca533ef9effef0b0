package redis

import (
	"context"
	"fmt"
	"time"

	goredis "github.com/redis/go-redis/v9"

	"github.com/mimeiapify/store"
)

// firstKey names the first of keys in error messages.
func firstKey(keys []string) string {
	if len(keys) == 0 {
		return ""
	}
	return keys[0]
}

// Exists reports how many of keys exist (EXISTS), a key named twice
// counting twice; no keys gives 0. On a cluster, keys of several hash
// slots are sent as one EXISTS per slot, pipelined.
func (b *Backend) Exists(ctx context.Context, keys ...string) (int64, error) {
	return b.countKeys(ctx, "exists", keys, func(c goredis.Cmdable, g []string) *goredis.IntCmd {
		return c.Exists(ctx, g...)
	})
}

// Del deletes keys (DEL) and reports how many existed; no keys gives 0.
// On a cluster, keys of several hash slots are sent as one DEL per slot,
// pipelined, so that such a Del is not one atomic step there.
func (b *Backend) Del(ctx context.Context, keys ...string) (int64, error) {
	return b.countKeys(ctx, "del", keys, func(c goredis.Cmdable, g []string) *goredis.IntCmd {
		return c.Del(ctx, g...)
	})
}

// countKeys sends cmd once per hash-slot group of keys (once off a
// cluster), in one pipeline, and sums the integer replies.
func (b *Backend) countKeys(ctx context.Context, op string, keys []string,
	cmd func(c goredis.Cmdable, keys []string) *goredis.IntCmd) (int64, error) {
	if err := b.begin(ctx, op, firstKey(keys)); err != nil || len(keys) == 0 {
		return 0, err
	}
	groups := b.bySlot(keys)
	if len(groups) == 1 {
		n, err := cmd(b.c, keys).Result()
		if err != nil {
			return 0, b.fail(ctx, op, keys[0], err)
		}
		return n, nil
	}
	cmds := make([]*goredis.IntCmd, len(groups))
	_, err := b.c.Pipelined(ctx, func(p goredis.Pipeliner) error {
		for i, g := range groups {
			cmds[i] = cmd(p, g)
		}
		return nil
	})
	if err != nil {
		return 0, b.fail(ctx, op, keys[0], err)
	}
	var total int64
	for _, c := range cmds {
		total += c.Val()
	}
	return total, nil
}

// Expire sets key's TTL with PEXPIRE and reports whether key exists.
func (b *Backend) Expire(ctx context.Context, key string, ttl time.Duration) (bool, error) {
	if err := b.begin(ctx, "expire", key); err != nil {
		return false, err
	}
	if ttl <= 0 {
		return false, invalid("expire", key, fmt.Sprintf("TTL %v must be positive", ttl))
	}
	ms, _ := store.TTLMillis(ttl)
	ok, err := b.c.PExpire(ctx, key, time.Duration(ms)*time.Millisecond).Result()
	if err != nil {
		return false, b.fail(ctx, "expire", key, err)
	}
	return ok, nil
}

// Persist removes key's TTL (PERSIST) and reports whether it had one.
func (b *Backend) Persist(ctx context.Context, key string) (bool, error) {
	if err := b.begin(ctx, "persist", key); err != nil {
		return false, err
	}
	ok, err := b.c.Persist(ctx, key).Result()
	if err != nil {
		return false, b.fail(ctx, "persist", key, err)
	}
	return ok, nil
}

// TTL returns key's remaining time to live (PTTL), store.NoExpiry when
// it has none and store.ErrNotFound when it is missing.
func (b *Backend) TTL(ctx context.Context, key string) (time.Duration, error) {
	if err := b.begin(ctx, "ttl", key); err != nil {
		return 0, err
	}
	return ttlOf(ctx, b, key, b.c.PTTL(ctx, key).Result)
}

// ttlOf reads a PTTL reply; go-redis gives -1 and -2 as raw durations.
func ttlOf(ctx context.Context, b *Backend, key string, result func() (time.Duration, error)) (time.Duration, error) {
	d, err := result()
	switch {
	case err != nil:
		return 0, b.fail(ctx, "ttl", key, err)
	case d == -2:
		return 0, fmt.Errorf("redis: ttl %q: %w", key, store.ErrNotFound)
	case d < 0:
		return store.NoExpiry, nil
	}
	return d, nil
}

// Type returns the type of key's value (TYPE).
func (b *Backend) Type(ctx context.Context, key string) (store.Type, error) {
	if err := b.begin(ctx, "type", key); err != nil {
		return store.TypeNone, err
	}
	return typeOf(ctx, b, key, b.c.Type(ctx, key).Result)
}

// typeOf reads a TYPE reply.
func typeOf(ctx context.Context, b *Backend, key string, result func() (string, error)) (store.Type, error) {
	name, err := result()
	if err != nil {
		return store.TypeNone, b.fail(ctx, "type", key, err)
	}
	for _, t := range []store.Type{store.TypeNone, store.TypeString, store.TypeHash, store.TypeList, store.TypeSet} {
		if t.String() == name {
			return t, nil
		}
	}
	return store.TypeNone, fmt.Errorf("redis: type %q: key holds a %s: %w", key, name, store.ErrUnsupported)
}
