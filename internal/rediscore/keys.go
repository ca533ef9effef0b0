package rediscore

import (
	"context"
	"fmt"
	"time"

	"github.com/mimeiapify/store"
	"github.com/mimeiapify/store/internal/luagroup"
)

// Exists reports how many of keys exist (EXISTS), a key named twice
// counting twice; no keys gives 0 without a round trip. On a cluster,
// keys of several hash slots are sent as one EXISTS per slot, pipelined.
func (b *Backend) Exists(ctx context.Context, keys ...string) (int64, error) {
	return b.countKeys(ctx, "exists", cmdExists, true, keys)
}

// Del deletes keys (DEL) and reports how many existed; no keys gives 0
// without a round trip. On a cluster, keys of several hash slots are sent
// as one DEL per slot, pipelined, so such a Del is not one atomic step.
func (b *Backend) Del(ctx context.Context, keys ...string) (int64, error) {
	return b.countKeys(ctx, "del", cmdDel, false, keys)
}

// countKeys sends name once per hash-slot group of keys (once off a
// cluster), in one pipeline, and sums the integer replies.
func (b *Backend) countKeys(ctx context.Context, op string, name []string, readOnly bool, keys []string) (int64, error) {
	key := firstKey(keys)
	if err := b.begin(ctx, op, key); err != nil || len(keys) == 0 {
		return 0, err
	}
	groups := b.bySlot(keys)
	if len(groups) == 1 {
		return b.int(ctx, b.c, op, key, Cmd{Name: name, Keys: keys, Kind: KindInt, ReadOnly: readOnly})
	}
	cmds := make([]Cmd, len(groups))
	for i, g := range groups {
		cmds[i] = Cmd{Name: name, Keys: g, Kind: KindInt, ReadOnly: readOnly}
	}
	var total int64
	for _, r := range b.c.Pipeline(ctx, cmds) {
		if r.Err != nil {
			return 0, b.fail(ctx, op, key, r.Err)
		}
		total += r.Int
	}
	return total, nil
}

// Expire sets key's TTL with PEXPIRE and reports whether key exists.
func (b *Backend) Expire(ctx context.Context, key string, ttl time.Duration) (bool, error) {
	if err := b.begin(ctx, "expire", key); err != nil {
		return false, err
	}
	if ttl <= 0 {
		return false, b.invalid("expire", key, fmt.Sprintf("TTL %v must be positive", ttl))
	}
	ms, _ := luagroup.Millis(ttl)
	return b.bool(ctx, b.c, "expire", key, one(cmdPExpire, KindInt, false, key, itoa(ms)))
}

// Persist removes key's TTL (PERSIST) and reports whether it had one.
func (b *Backend) Persist(ctx context.Context, key string) (bool, error) {
	if err := b.begin(ctx, "persist", key); err != nil {
		return false, err
	}
	return b.bool(ctx, b.c, "persist", key, one(cmdPersist, KindInt, false, key))
}

// TTL returns key's remaining time to live (PTTL, in milliseconds),
// store.NoExpiry when it has none and store.ErrNotFound when it is
// missing.
func (b *Backend) TTL(ctx context.Context, key string) (time.Duration, error) {
	return b.ttl(ctx, b.c, key)
}

func (b *Backend) ttl(ctx context.Context, d Doer, key string) (time.Duration, error) {
	if err := b.begin(ctx, "ttl", key); err != nil {
		return 0, err
	}
	ms, err := b.int(ctx, d, "ttl", key, one(cmdPTTL, KindInt, true, key))
	switch {
	case err != nil:
		return 0, err
	case ms == -2:
		return 0, b.wrap("ttl", key, store.ErrNotFound)
	case ms < 0:
		return store.NoExpiry, nil
	}
	return luagroup.Duration(ms), nil
}

// knownTypes are the types of the contract, as TYPE names them.
var knownTypes = []store.Type{store.TypeNone, store.TypeString, store.TypeHash, store.TypeList, store.TypeSet, store.TypeZSet}

// Type returns the type of key's value (TYPE). A key of a type the
// contract does not know (a stream) fails with
// store.ErrWrongType naming the server's type.
func (b *Backend) Type(ctx context.Context, key string) (store.Type, error) {
	return b.typ(ctx, b.c, key)
}

func (b *Backend) typ(ctx context.Context, d Doer, key string) (store.Type, error) {
	if err := b.begin(ctx, "type", key); err != nil {
		return store.TypeNone, err
	}
	name, err := b.str(ctx, d, "type", key, one(cmdType, KindStatus, true, key))
	if err != nil {
		return store.TypeNone, err
	}
	for _, t := range knownTypes {
		if t.String() == name {
			return t, nil
		}
	}
	return store.TypeNone, fmt.Errorf("%s: type %q: %w: the key holds a %s, which the store does not know",
		b.name, key, store.ErrWrongType, name)
}
