package repos

// This file holds the one write path of User: every write of a user's
// record also writes, in the same atomic step, the record's entry in its
// bucket's set of ids and in the bucket's field indexes, and extends the
// TTL of each of those index keys to at least the record's.

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"time"

	"github.com/mimeiapify/store"
)

// indexedFields validates Options.IndexedFields and returns them sorted,
// without duplicates.
func indexedFields(fields []string) ([]string, error) {
	if len(fields) == 0 {
		return nil, nil
	}
	out := slices.Clone(fields)
	slices.Sort(out)
	out = slices.Compact(out)
	if out[0] == "" {
		return nil, fmt.Errorf("%w: an indexed field name is empty", ErrInvalidOption)
	}
	return out, nil
}

// userChange is one write of a user's record.
type userChange struct {
	what      callName
	ttl       time.Duration
	read      bool // build needs the record's fields
	mustExist bool // fail with store.ErrNotFound when the record is missing
	del       bool // the write deletes the record
	// build returns the ops that change the record (without its TTL),
	// given its fields before the write (nil when they were not read),
	// and the values that indexed fields written by them will hold.
	build func(old map[string]string) (ops []store.Op, set map[string]string, err error)
}

// errRewatch makes commit run its Update again watching other index keys:
// the indexed values read inside it differ from those read before it.
var errRewatch = errors.New("repos: indexed values changed")

// commit writes c. Without indexed fields or read it is one Apply (the
// index keys' TTLs are extended inside it, see indexOps); otherwise one
// Update of the bucket's slot (plus, with IndexedFields, an HMGet first
// that names the index keys to watch).
func (u *User) commit(ctx context.Context, c userChange) error {
	idx := u.s.indexed
	if !c.read && !c.mustExist && len(idx) == 0 {
		ops, _, err := c.build(nil)
		if err != nil {
			return fmt.Errorf("%s: %w", c.what, err)
		}
		ops = append(ops, u.indexOps(c, nil, nil)...)
		return wrapIf(c.what, u.b.Apply(ctx, ops...))
	}
	var guess map[string]string
	if len(idx) > 0 {
		var err error
		if guess, err = u.b.HMGet(ctx, u.key, idx...); err != nil {
			return fmt.Errorf("%s: %w", c.what, err)
		}
	}
	for range 8 {
		seen, err := u.commitOnce(ctx, c, guess)
		if !errors.Is(err, errRewatch) {
			return wrapIf(c.what, err)
		}
		guess = seen
	}
	return fmt.Errorf("%s: %w: indexed fields kept changing", c.what, store.ErrConflict)
}

// commitOnce is one Update of commit, watching the record, the bucket's
// ids and the index keys that guess (the indexed values expected) names.
func (u *User) commitOnce(ctx context.Context, c userChange, guess map[string]string) (map[string]string, error) {
	watched := map[string]bool{u.key: true, u.ids: true}
	if _, set, err := c.build(guess); err == nil {
		for _, k := range u.fieldKeys(guess, set) {
			watched[k] = true
		}
	}
	var seen map[string]string
	err := u.b.Update(ctx, slices.Sorted(maps.Keys(watched)), func(r store.Reader) ([]store.Op, error) {
		var old map[string]string
		if c.read || c.mustExist || len(u.s.indexed) > 0 {
			var err error
			if old, err = r.HGetAll(ctx, u.key); err != nil {
				return nil, err
			}
		}
		if c.mustExist && len(old) == 0 {
			return nil, store.ErrNotFound
		}
		cur := pick(old, u.s.indexed)
		ops, set, err := c.build(old)
		if err != nil {
			return nil, err
		}
		for _, k := range u.fieldKeys(cur, set) {
			if !watched[k] {
				seen = cur
				return nil, errRewatch
			}
		}
		return append(ops, u.indexOps(c, cur, set)...), nil
	})
	return seen, err
}

// pick returns the fields of rec named in names.
func pick(rec map[string]string, names []string) map[string]string {
	out := map[string]string{}
	for _, f := range names {
		if v, ok := rec[f]; ok {
			out[f] = v
		}
	}
	return out
}

// after returns the indexed values once set is written over cur (none
// when del).
func (u *User) after(c userChange, cur, set map[string]string) map[string]string {
	out := map[string]string{}
	if c.del {
		return out
	}
	for _, f := range u.s.indexed {
		if v, ok := set[f]; ok {
			out[f] = v
		} else if v, ok := cur[f]; ok {
			out[f] = v
		}
	}
	return out
}

// fieldKeys returns the field index keys a write touches: those of the
// current and of the new indexed values.
func (u *User) fieldKeys(cur, set map[string]string) []string {
	var keys []string
	for _, f := range u.s.indexed {
		if v, ok := cur[f]; ok {
			keys = append(keys, u.s.keys.userField(u.tenant, u.bucket, f, v))
		}
		if v, ok := set[f]; ok {
			keys = append(keys, u.s.keys.userField(u.tenant, u.bucket, f, v))
		}
	}
	return keys
}

// indexOps returns the ops that keep the bucket's ids and field indexes
// exact for the write: the record's TTL, its id in the ids set and in the
// sets of its new indexed values, out of the sets of values it no longer
// holds (or out of every set when it is deleted), and the TTL of each
// index key naming the record extended, never shortened, to cover the
// record's (indexTTLOps: no read needed).
func (u *User) indexOps(c userChange, cur, set map[string]string) []store.Op {
	id := []string{u.id}
	var ops []store.Op
	if c.del {
		ops = append(ops, &store.SRemOp{Key: u.ids, Members: id})
	} else {
		ops = append(ops, expiryOp(u.key, c.ttl), &store.SAddOp{Key: u.ids, Members: id})
	}
	next := u.after(c, cur, set)
	for _, f := range u.s.indexed {
		o, had := cur[f]
		n, has := next[f]
		if had && (!has || o != n) {
			ops = append(ops, &store.SRemOp{Key: u.s.keys.userField(u.tenant, u.bucket, f, o), Members: id})
		}
		if has {
			ops = append(ops, &store.SAddOp{Key: u.s.keys.userField(u.tenant, u.bucket, f, n), Members: id})
		}
	}
	if !c.del {
		for _, k := range u.liveIndexKeys(next) {
			ops = append(ops, indexTTLOps(k, c.ttl)...)
		}
	}
	return ops
}

// liveIndexKeys returns the index keys that name the record once written
// with the indexed values next.
func (u *User) liveIndexKeys(next map[string]string) []string {
	keys := []string{u.ids}
	for _, f := range u.s.indexed {
		if v, ok := next[f]; ok {
			keys = append(keys, u.s.keys.userField(u.tenant, u.bucket, f, v))
		}
	}
	return keys
}
