package bolt

import (
	"context"
	"fmt"

	"github.com/mimeiapify/store"
	"github.com/mimeiapify/store/internal/redisnum"
)

// HSet sets fields and returns how many were new; it keeps the TTL.
func (b *Backend) HSet(ctx context.Context, key string, fields map[string]string) (int64, error) {
	// closed, then the context, then the arguments, as every backend
	if err := b.begin(ctx, "hset", key); err != nil {
		return 0, err
	}
	if len(fields) == 0 {
		return 0, fmt.Errorf("bolt: hset %q: %w: no fields", key, store.ErrInvalidArgument)
	}
	var n int64
	err := b.write(ctx, "hset", key, func(t *txn) (err error) {
		n, err = t.hset(key, fields)
		return err
	})
	return n, err
}

// HGet returns one field; store.ErrNotFound when the key or field is
// missing.
func (b *Backend) HGet(ctx context.Context, key, field string) (string, error) {
	var v string
	err := b.view(ctx, "hget", key, func(t *txn) (err error) {
		v, err = t.hget(key, field)
		return err
	})
	return v, err
}

// HMGet returns the named fields that exist.
func (b *Backend) HMGet(ctx context.Context, key string, fields ...string) (map[string]string, error) {
	// closed, then the context, then the arguments, as every backend
	if err := b.begin(ctx, "hmget", key); err != nil {
		return nil, err
	}
	if len(fields) == 0 {
		return nil, fmt.Errorf("bolt: hmget %q: %w: no fields", key, store.ErrInvalidArgument)
	}
	out := make(map[string]string, len(fields))
	err := b.view(ctx, "hmget", key, func(t *txn) error {
		_, ok, err := t.typed("hmget", key, store.TypeHash)
		if err != nil || !ok {
			return err
		}
		hb := t.collB(key)
		for _, f := range fields {
			v, ok, err := getEntry(hb, key, f)
			if err != nil {
				return opError("hmget", key, err)
			}
			if ok {
				out[f] = v
			}
		}
		return nil
	})
	return out, err
}

// HGetAll returns every field of the hash.
func (b *Backend) HGetAll(ctx context.Context, key string) (map[string]string, error) {
	var out map[string]string
	err := b.view(ctx, "hgetall", key, func(t *txn) (err error) {
		out, err = t.hgetall(key)
		return err
	})
	return out, err
}

// HDel deletes fields and returns how many existed.
func (b *Backend) HDel(ctx context.Context, key string, fields ...string) (int64, error) {
	// closed, then the context, then the arguments, as every backend
	if err := b.begin(ctx, "hdel", key); err != nil {
		return 0, err
	}
	if len(fields) == 0 {
		return 0, fmt.Errorf("bolt: hdel %q: %w: no fields", key, store.ErrInvalidArgument)
	}
	var n int64
	err := b.write(ctx, "hdel", key, func(t *txn) (err error) {
		n, err = t.hdel(key, fields)
		return err
	})
	return n, err
}

// HExists reports whether the field exists.
func (b *Backend) HExists(ctx context.Context, key, field string) (bool, error) {
	_, err := b.HGet(ctx, key, field)
	if err == nil {
		return true, nil
	}
	if isNotFound(err) {
		return false, nil
	}
	return false, err
}

// HIncrBy adds delta to an integer field and returns the new value.
func (b *Backend) HIncrBy(ctx context.Context, key, field string, delta int64) (int64, error) {
	var n int64
	err := b.write(ctx, "hincrby", key, func(t *txn) (err error) {
		n, err = t.hincrBy(key, field, delta)
		return err
	})
	return n, err
}

// HIncrByFloat adds delta to a numeric field as Redis does and returns
// the new value.
func (b *Backend) HIncrByFloat(ctx context.Context, key, field string, delta float64) (float64, error) {
	var f float64
	err := b.write(ctx, "hincrbyfloat", key, func(t *txn) error {
		cur, exists, err := t.hfield(key, field)
		if err != nil {
			return err
		}
		stored, v, notFloat, overflow := redisnum.IncrFloat(cur, exists, delta)
		switch {
		case notFloat:
			return fmt.Errorf("bolt: hincrbyfloat %q %q: %w", key, field, store.ErrNotFloat)
		case overflow:
			return fmt.Errorf("bolt: hincrbyfloat %q %q: %w", key, field, store.ErrOverflow)
		}
		f = v
		_, err = t.hset(key, map[string]string{field: stored})
		return err
	})
	return f, err
}

// HLen returns the number of fields.
func (b *Backend) HLen(ctx context.Context, key string) (int64, error) {
	var n int64
	err := b.view(ctx, "hlen", key, func(t *txn) error {
		m, _, err := t.typed("hlen", key, store.TypeHash)
		n = m.n
		return err
	})
	return n, err
}

// hget reads one field.
func (t *txn) hget(key, field string) (string, error) {
	v, ok, err := t.hfield(key, field)
	if err != nil {
		return "", err
	}
	if !ok {
		return "", fmt.Errorf("bolt: hget %q %q: %w", key, field, store.ErrNotFound)
	}
	return v, nil
}

// hfield reads one field and whether it exists.
func (t *txn) hfield(key, field string) (string, bool, error) {
	_, ok, err := t.typed("hget", key, store.TypeHash)
	if err != nil || !ok {
		return "", false, err
	}
	v, ok, err := getEntry(t.collB(key), key, field)
	if err != nil {
		return "", false, opError("hget", key, err)
	}
	return v, ok, nil
}

// hgetall reads a whole hash.
func (t *txn) hgetall(key string) (map[string]string, error) {
	m, ok, err := t.typed("hgetall", key, store.TypeHash)
	if err != nil || !ok {
		return map[string]string{}, err
	}
	out := make(map[string]string, m.n)
	err = t.collB(key).ForEach(func(k, v []byte) error {
		f, val, err := decodeEntry(key, k, v)
		if err != nil {
			return opError("hgetall", key, err)
		}
		out[f] = val
		return nil
	})
	if err == nil && int64(len(out)) != m.n {
		err = opError("hgetall", key, fmt.Errorf("%w: %d fields where the meta record counts %d", ErrCorrupt, len(out), m.n))
	}
	return out, err
}

// hset writes fields, keeping the TTL, and counts the new ones.
func (t *txn) hset(key string, fields map[string]string) (int64, error) {
	if err := t.reap(key); err != nil {
		return 0, err
	}
	m, _, err := t.typed("hset", key, store.TypeHash)
	if err != nil {
		return 0, err
	}
	hb, err := t.coll(key)
	if err != nil {
		return 0, err
	}
	var added int64
	for f, v := range fields {
		k := entryKey(f)
		if _, ok := lookup(hb, k); !ok {
			added++
		}
		if err := hb.Put(k, entryValue(key, k, f, v)); err != nil {
			return 0, fmt.Errorf("bolt: hset %q: %w", key, err)
		}
	}
	m.typ, m.n = store.TypeHash, m.n+added
	return added, t.putMeta(key, &m, m.exp)
}

// hdel deletes fields; an emptied hash is deleted.
func (t *txn) hdel(key string, fields []string) (int64, error) {
	if err := t.reap(key); err != nil {
		return 0, err
	}
	m, ok, err := t.typed("hdel", key, store.TypeHash)
	if err != nil || !ok {
		return 0, err
	}
	n, err := deleteMembers(t.collB(key), fields)
	if err != nil || n == 0 {
		return n, err
	}
	m.n -= n
	return n, t.writeColl(key, &m, m.exp)
}

// hincrBy adds delta to an integer field.
func (t *txn) hincrBy(key, field string, delta int64) (int64, error) {
	if err := t.reap(key); err != nil {
		return 0, err
	}
	cur, exists, err := t.hfield(key, field)
	if err != nil {
		return 0, err
	}
	n, err := addToInt([]byte(cur), exists, delta)
	if err != nil {
		return 0, fmt.Errorf("bolt: hincrby %q %q: %w", key, field, err)
	}
	_, err = t.hset(key, map[string]string{field: redisnum.FormatInt(n)})
	return n, err
}
