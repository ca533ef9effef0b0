package bolt

import (
	"bytes"
	"context"
	"fmt"

	"github.com/mimeiapify/store"
)

// RPush appends values and returns the new length.
func (b *Backend) RPush(ctx context.Context, key string, values ...string) (int64, error) {
	return b.push(ctx, "rpush", key, values, false)
}

// LPush prepends values one after the other and returns the new length.
func (b *Backend) LPush(ctx context.Context, key string, values ...string) (int64, error) {
	return b.push(ctx, "lpush", key, values, true)
}

func (b *Backend) push(ctx context.Context, op, key string, values []string, left bool) (int64, error) {
	// closed, then the context, then the arguments, as every backend
	if err := b.begin(ctx, op, key); err != nil {
		return 0, err
	}
	if len(values) == 0 {
		return 0, fmt.Errorf("bolt: %s %q: %w: no values", op, key, store.ErrInvalidArgument)
	}
	var n int64
	err := b.write(ctx, op, key, func(t *txn) (err error) {
		n, err = t.push(key, values, left)
		return err
	})
	return n, err
}

// LRange returns the elements from start to stop, clamped as Redis does.
func (b *Backend) LRange(ctx context.Context, key string, start, stop int64) ([]string, error) {
	var out []string
	err := b.view(ctx, "lrange", key, func(t *txn) (err error) {
		out, err = t.lrange(key, start, stop)
		return err
	})
	return out, err
}

// LTrim keeps only the elements from start to stop.
func (b *Backend) LTrim(ctx context.Context, key string, start, stop int64) error {
	return b.write(ctx, "ltrim", key, func(t *txn) error { return t.ltrim(key, start, stop) })
}

// LLen returns the length of the list.
func (b *Backend) LLen(ctx context.Context, key string) (int64, error) {
	var n int64
	err := b.view(ctx, "llen", key, func(t *txn) error {
		m, _, err := t.typed("llen", key, store.TypeList)
		n = m.length()
		return err
	})
	return n, err
}

// LPop removes and returns up to count elements from the left.
func (b *Backend) LPop(ctx context.Context, key string, count int) ([]string, error) {
	// closed, then the context, then the arguments, as every backend
	if err := b.begin(ctx, "lpop", key); err != nil {
		return nil, err
	}
	if count < 1 {
		return nil, fmt.Errorf("bolt: lpop %q: %w: count %d must be positive", key, store.ErrInvalidArgument, count)
	}
	var out []string
	err := b.write(ctx, "lpop", key, func(t *txn) (err error) {
		out, err = t.lpop(key, int64(count))
		return err
	})
	return out, err
}

// clampRange turns Redis indexes into a half-open range [lo, hi) of a
// list of length n; lo >= hi means empty.
func clampRange(start, stop, n int64) (int64, int64) {
	if start < 0 {
		start = max(n+start, 0)
	}
	if stop < 0 {
		stop = n + stop
	}
	if stop >= n {
		stop = n - 1
	}
	if start > stop || start >= n {
		return 0, 0
	}
	return start, stop + 1
}

// push adds values at one end, keeping the TTL.
func (t *txn) push(key string, values []string, left bool) (int64, error) {
	if err := t.reap(key); err != nil {
		return 0, err
	}
	m, ok, err := t.typed("push", key, store.TypeList)
	if err != nil {
		return 0, err
	}
	if !ok {
		m = meta{typ: store.TypeList, head: listOrigin, tail: listOrigin}
	}
	lb, err := t.coll(key)
	if err != nil {
		return 0, err
	}
	for _, v := range values {
		var idx uint64
		if left {
			m.head--
			idx = m.head
		} else {
			idx = m.tail
			m.tail++
		}
		lk := listKey(idx)
		if err := lb.Put(lk, sealEntry(key, lk, append(make([]byte, 0, len(v)+4), v...))); err != nil {
			return 0, fmt.Errorf("bolt: push %q: %w", key, err)
		}
	}
	return m.length(), t.putMeta(key, &m, m.exp)
}

// lrange reads a range of a list.
func (t *txn) lrange(key string, start, stop int64) ([]string, error) {
	m, ok, err := t.typed("lrange", key, store.TypeList)
	if err != nil || !ok {
		return []string{}, err
	}
	lo, hi := clampRange(start, stop, m.length())
	out := make([]string, 0, hi-lo)
	c := t.collB(key).Cursor()
	for k, v := c.Seek(listKey(m.head + uint64(lo))); k != nil && len(out) < int(hi-lo); k, v = c.Next() {
		if !bytes.Equal(k, listKey(m.head+uint64(lo)+uint64(len(out)))) {
			break // an element is missing
		}
		p, err := openEntry(key, k, v)
		if err != nil {
			return nil, opError("lrange", key, err)
		}
		out = append(out, string(p))
	}
	if len(out) != int(hi-lo) {
		return nil, opError("lrange", key, fmt.Errorf("%w: %d elements of %d", ErrCorrupt, len(out), hi-lo))
	}
	return out, nil
}

// ltrim deletes the elements outside [start, stop].
func (t *txn) ltrim(key string, start, stop int64) error {
	if err := t.reap(key); err != nil {
		return err
	}
	m, ok, err := t.typed("ltrim", key, store.TypeList)
	if err != nil || !ok {
		return err
	}
	lo, hi := clampRange(start, stop, m.length())
	if lo >= hi {
		return t.drop(key, &m)
	}
	lb := t.collB(key)
	if err := deleteIndexes(lb, m.head, m.head+uint64(lo)); err != nil {
		return err
	}
	if err := deleteIndexes(lb, m.head+uint64(hi), m.tail); err != nil {
		return err
	}
	m.head, m.tail = m.head+uint64(lo), m.head+uint64(hi)
	return t.putMeta(key, &m, m.exp)
}

// lpop removes up to count elements from the left.
func (t *txn) lpop(key string, count int64) ([]string, error) {
	if err := t.reap(key); err != nil {
		return nil, err
	}
	m, ok, err := t.typed("lpop", key, store.TypeList)
	if err != nil || !ok {
		return []string{}, err
	}
	count = min(count, m.length())
	out, err := t.lrange(key, 0, count-1)
	if err != nil {
		return nil, err
	}
	if err := deleteIndexes(t.collB(key), m.head, m.head+uint64(count)); err != nil {
		return nil, err
	}
	m.head += uint64(count)
	return out, t.writeColl(key, &m, m.exp)
}
