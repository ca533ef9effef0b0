package bolt

import (
	"context"
	"fmt"
	"math/rand/v2"

	"github.com/mimeiapify/store"
)

// SAdd adds members and returns how many were new.
func (b *Backend) SAdd(ctx context.Context, key string, members ...string) (int64, error) {
	// closed, then the context, then the arguments, as every backend
	if err := b.begin(ctx, "sadd", key); err != nil {
		return 0, err
	}
	if len(members) == 0 {
		return 0, fmt.Errorf("bolt: sadd %q: %w: no members", key, store.ErrInvalidArgument)
	}
	var n int64
	err := b.write(ctx, "sadd", key, func(t *txn) (err error) {
		n, err = t.sadd(key, members)
		return err
	})
	return n, err
}

// SRem removes members and returns how many existed.
func (b *Backend) SRem(ctx context.Context, key string, members ...string) (int64, error) {
	// closed, then the context, then the arguments, as every backend
	if err := b.begin(ctx, "srem", key); err != nil {
		return 0, err
	}
	if len(members) == 0 {
		return 0, fmt.Errorf("bolt: srem %q: %w: no members", key, store.ErrInvalidArgument)
	}
	var n int64
	err := b.write(ctx, "srem", key, func(t *txn) (err error) {
		n, err = t.srem(key, members)
		return err
	})
	return n, err
}

// SMembers returns the members, in byte order.
func (b *Backend) SMembers(ctx context.Context, key string) ([]string, error) {
	var out []string
	err := b.view(ctx, "smembers", key, func(t *txn) (err error) {
		out, err = t.smembers(key)
		return err
	})
	return out, err
}

// SIsMember reports whether member is in the set.
func (b *Backend) SIsMember(ctx context.Context, key, member string) (bool, error) {
	var ok bool
	err := b.view(ctx, "sismember", key, func(t *txn) error {
		_, exists, err := t.typed("sismember", key, store.TypeSet)
		if err != nil || !exists {
			return err
		}
		_, ok, err = getEntry(t.collB(key), key, member)
		if err != nil {
			return opError("sismember", key, err)
		}
		return nil
	})
	return ok, err
}

// SCard returns the number of members.
func (b *Backend) SCard(ctx context.Context, key string) (int64, error) {
	var n int64
	err := b.view(ctx, "scard", key, func(t *txn) error {
		m, _, err := t.typed("scard", key, store.TypeSet)
		n = m.n
		return err
	})
	return n, err
}

// SRandMember returns up to count distinct members, read from a random
// position of the set's bucket on (the cursor steps there: no network to
// save, and keys cluster too much for a random seek).
func (b *Backend) SRandMember(ctx context.Context, key string, count int) ([]string, error) {
	// closed, then the context, then the arguments, as every backend
	if err := b.begin(ctx, "srandmember", key); err != nil {
		return nil, err
	}
	if count < 1 {
		return nil, fmt.Errorf("bolt: srandmember %q: %w: count %d must be positive", key, store.ErrInvalidArgument, count)
	}
	var out []string
	err := b.view(ctx, "srandmember", key, func(t *txn) (err error) {
		out, err = t.srandmember(key, count)
		return err
	})
	return out, err
}

// srandmember reads up to count members from a random position of the
// set's bucket, wrapping around once.
func (t *txn) srandmember(key string, count int) ([]string, error) {
	m, ok, err := t.typed("srandmember", key, store.TypeSet)
	if err != nil || !ok {
		return []string{}, err
	}
	want := int(min(int64(count), m.n))
	out := make([]string, 0, want)
	c := t.collB(key).Cursor()
	k, v := c.First()
	for skip := rand.Int64N(max(m.n, 1)); skip > 0 && k != nil; skip-- {
		k, v = c.Next() // cursor steps only: nothing is decoded
	}
	for wrapped := false; len(out) < want; {
		if k == nil {
			if wrapped {
				break
			}
			wrapped = true
			k, v = c.First()
			continue
		}
		mem, _, err := decodeEntry(key, k, v)
		if err != nil {
			return nil, opError("srandmember", key, err)
		}
		out = append(out, mem)
		k, v = c.Next()
	}
	return out, nil
}

// smembers reads a whole set.
func (t *txn) smembers(key string) ([]string, error) {
	m, ok, err := t.typed("smembers", key, store.TypeSet)
	if err != nil || !ok {
		return []string{}, err
	}
	out := make([]string, 0, m.n)
	err = t.collB(key).ForEach(func(k, v []byte) error {
		mem, _, err := decodeEntry(key, k, v)
		if err != nil {
			return opError("smembers", key, err)
		}
		out = append(out, mem)
		return nil
	})
	if err == nil && int64(len(out)) != m.n {
		err = opError("smembers", key, fmt.Errorf("%w: %d members where the meta record counts %d", ErrCorrupt, len(out), m.n))
	}
	return out, err
}

// sadd adds members, keeping the TTL.
func (t *txn) sadd(key string, members []string) (int64, error) {
	if err := t.reap(key); err != nil {
		return 0, err
	}
	m, _, err := t.typed("sadd", key, store.TypeSet)
	if err != nil {
		return 0, err
	}
	sb, err := t.coll(key)
	if err != nil {
		return 0, err
	}
	var added int64
	for _, mem := range members {
		k := entryKey(mem)
		if _, ok := lookup(sb, k); ok {
			continue
		}
		if err := sb.Put(k, entryValue(key, k, mem, "")); err != nil {
			return 0, fmt.Errorf("bolt: sadd %q: %w", key, err)
		}
		added++
	}
	m.typ, m.n = store.TypeSet, m.n+added
	return added, t.putMeta(key, &m, m.exp)
}

// srem removes members; an emptied set is deleted.
func (t *txn) srem(key string, members []string) (int64, error) {
	if err := t.reap(key); err != nil {
		return 0, err
	}
	m, ok, err := t.typed("srem", key, store.TypeSet)
	if err != nil || !ok {
		return 0, err
	}
	n, err := deleteMembers(t.collB(key), members)
	if err != nil || n == 0 {
		return n, err
	}
	m.n -= n
	return n, t.writeColl(key, &m, m.exp)
}
