package memory

import (
	"context"
	"fmt"

	"github.com/mimeiapify/store"
)

// Apply is store.Atomic.Apply. It validates the group with
// store.CheckGroup, locks the shards of the group's keys in ascending
// order, runs every check against the state before the group, and only
// then applies the ops in order, filling in the results of IncrByOp,
// HIncrByOp, HGetAllOp and LPopOp. A failed check writes nothing.
func (b *Backend) Apply(ctx context.Context, ops ...store.Op) error {
	if err := b.check(ctx, "apply", groupKey(ops)); err != nil {
		return err
	}
	checks, err := store.CheckGroup(ops)
	if err != nil {
		return fmt.Errorf("memory: apply: %w", err)
	}
	var buf [8]int
	set := shardSet(buf[:0])
	for _, op := range ops {
		set = b.addKey(set, op.OpKey())
	}
	b.lock(set, false)
	defer b.unlock(set, false)
	var c clock
	return b.applyLocked(ops, checks, &c)
}

// groupKey names a group in errors by its first key.
func groupKey(ops []store.Op) string {
	if len(ops) == 0 || ops[0] == nil {
		return ""
	}
	return ops[0].OpKey()
}

// applyLocked runs a checked group's checks, then its ops. The caller
// holds the write locks of the shards of every key of the group.
func (b *Backend) applyLocked(ops []store.Op, checks store.GroupChecks, c *clock) error {
	if err := b.runChecks(checks, c); err != nil {
		return fmt.Errorf("memory: apply: %w", err)
	}
	for i, op := range ops {
		if err := b.applyOp(op, c); err != nil {
			// Unreachable: the checks rule out every failure of an op.
			return fmt.Errorf("memory: apply: op %d (%T) on key %q failed after its checks passed: %w", i, op, op.OpKey(), err)
		}
	}
	return nil
}

// runChecks verifies a group's checks, type checks first, against the
// state before the group.
func (b *Backend) runChecks(checks store.GroupChecks, c *clock) error {
	for _, tc := range checks.Types {
		if _, err := b.shardOf(tc.Key).getOf(tc.Key, tc.Type, c); err != nil {
			return fmt.Errorf("key %q: %w", tc.Key, err)
		}
	}
	for _, ic := range checks.Incrs {
		if err := b.checkIncr(ic, c); err != nil {
			return fmt.Errorf("key %q: %w", ic.Key, err)
		}
	}
	return nil
}

// checkIncr verifies that an increment can be applied. The key's type was
// checked before.
func (b *Backend) checkIncr(ic store.IncrCheck, c *clock) error {
	e := b.shardOf(ic.Key).get(ic.Key, c)
	if e == nil {
		return nil
	}
	v, ok := e.str, e.typ == store.TypeString
	if ic.Hash {
		v, ok = e.hash[ic.Field]
	}
	if !ok {
		return nil
	}
	_, err := parseInt(v, ic.Delta)
	return err
}

// applyOp applies one op with the same core functions as the plain
// methods, filling in its result.
func (b *Backend) applyOp(op store.Op, c *clock) (err error) {
	s := b.shardOf(op.OpKey())
	switch o := op.(type) {
	case *store.SetOp:
		ms, err := store.TTLMillis(o.TTL)
		if err == nil {
			s.set(o.Key, o.Value, ms, c)
		}
		return err
	case *store.DelOp:
		s.del(o.Key, c)
	case *store.ExpireOp:
		ms, err := store.TTLMillis(o.TTL)
		if err == nil {
			s.expireOp(o.Key, c.expiry(ms), o.NX, o.GT, c)
		}
		return err
	case *store.PersistOp:
		s.persist(o.Key, c)
	case *store.IncrByOp:
		o.Result, err = s.incrBy(o.Key, o.Delta, c)
	case *store.HIncrByOp:
		o.Result, err = s.hincrBy(o.Key, o.Field, o.Delta, c)
	case *store.HGetAllOp:
		o.Result, err = s.hgetAll(o.Key, c)
	case *store.LPopOp:
		o.Result, err = s.lpop(o.Key, o.Count, c)
	default:
		return b.applyCollectionOp(s, op, c)
	}
	return err
}

// applyCollectionOp applies an op that writes a hash, list, set or
// sorted set.
func (b *Backend) applyCollectionOp(s *shard, op store.Op, c *clock) (err error) {
	switch o := op.(type) {
	case *store.HSetOp:
		_, err = s.hset(o.Key, o.Fields, c)
	case *store.HDelOp:
		_, err = s.hdel(o.Key, o.Fields, c)
	case *store.RPushOp:
		_, err = s.push(o.Key, o.Values, false, c)
	case *store.LPushOp:
		_, err = s.push(o.Key, o.Values, true, c)
	case *store.LTrimOp:
		err = s.ltrim(o.Key, o.Start, o.Stop, c)
	case *store.SAddOp:
		_, err = s.sadd(o.Key, o.Members, c)
	case *store.SRemOp:
		_, err = s.srem(o.Key, o.Members, c)
	case *store.ZAddOp:
		_, err = s.zadd(o.Key, o.Members, o.NX, o.XX, c)
	case *store.ZRemOp:
		_, err = s.zrem(o.Key, o.Members, c)
	default:
		err = fmt.Errorf("%w: unknown op type %T", store.ErrInvalidArgument, op)
	}
	return err
}

// Update is store.Atomic.Update, done pessimistically: it write-locks the
// shards of keys in ascending order, calls fn with a Reader that reads
// under those locks, and applies the ops fn returns as Apply does before
// unlocking, so no other writer can come between the reads and the
// writes and Update never fails with store.ErrConflict in practice. fn
// must not call the Backend (it would wait for a lock Update holds). When
// fn reads a key, or returns an op on a key, whose shard is not locked,
// nothing is written and fn runs again with that shard locked too. An
// error from fn is returned as is.
func (b *Backend) Update(ctx context.Context, keys []string, fn func(r store.Reader) ([]store.Op, error)) error {
	if err := b.checkKeys(ctx, "update", keys); err != nil {
		return err
	}
	if fn == nil {
		return fmt.Errorf("memory: update: %w: nil function", store.ErrInvalidArgument)
	}
	set := b.keysSet(keys)
	for range store.MaxUpdateAttempts {
		wider, err := b.updateOnce(ctx, set, fn)
		if wider == nil {
			return err
		}
		set = wider
	}
	return fmt.Errorf("memory: update: %w", store.ErrConflict)
}

// updateOnce runs fn and applies its ops under the write locks of set. It
// returns a wider set, having written nothing, when fn went outside set.
func (b *Backend) updateOnce(ctx context.Context, set shardSet, fn func(r store.Reader) ([]store.Op, error)) (shardSet, error) {
	b.lock(set, false)
	defer b.unlock(set, false)
	r := &reader{b: b, held: set}
	ops, err := fn(r)
	r.done = true
	if r.missed != nil {
		return r.missed, nil
	}
	if err != nil || len(ops) == 0 {
		return nil, err
	}
	checks, err := store.CheckGroup(ops)
	if err != nil {
		return nil, fmt.Errorf("memory: update: %w", err)
	}
	for _, op := range ops {
		r.widen(op.OpKey())
	}
	if r.missed != nil {
		return r.missed, nil
	}
	if err := b.check(ctx, "update", groupKey(ops)); err != nil {
		return nil, err
	}
	var c clock // the writes' own time, not that of fn's first read
	return nil, b.applyLocked(ops, checks, &c)
}
