package bolt

import (
	"context"
	"fmt"

	"github.com/mimeiapify/store"
)

// Apply applies ops as one atomic step in one read-write transaction:
// the group's checks run first, and any failure rolls everything back.
// Errors name the group by its first key.
func (b *Backend) Apply(ctx context.Context, ops ...store.Op) error {
	key := groupKey(ops)
	if err := b.begin(ctx, "apply", key); err != nil {
		return err
	}
	gc, err := store.CheckGroup(ops)
	if err != nil {
		return fmt.Errorf("bolt: apply: %w", err)
	}
	return b.write(ctx, "apply", key, func(t *txn) error { return t.applyGroup(gc, ops) })
}

// Update runs fn with a Reader over the read-write transaction that then
// applies the ops fn returns, so the read-modify-write is serialized with
// every other write and never conflicts: fn runs once per call (again
// only if another write of its commit group fails). fn runs on the
// backend's writer goroutine and blocks other writers while it runs; it
// must not call the backend (that would deadlock). If ctx is done when
// fn returns, Update fails with ctx's error and writes nothing. Errors
// name the call by the first of keys.
func (b *Backend) Update(ctx context.Context, keys []string, fn func(r store.Reader) ([]store.Op, error)) error {
	key := firstKey(keys)
	if err := b.begin(ctx, "update", key); err != nil {
		return err
	}
	if fn == nil {
		return fmt.Errorf("bolt: update %q: %w: nil function", key, store.ErrInvalidArgument)
	}
	return b.write(ctx, "update", key, func(t *txn) error {
		ops, err := fn(&reader{t: t})
		if err != nil {
			return err
		}
		if err := ctx.Err(); err != nil {
			return opError("update", key, err)
		}
		if len(ops) == 0 {
			return nil
		}
		gc, err := store.CheckGroup(ops)
		if err != nil {
			return fmt.Errorf("bolt: update: %w", err)
		}
		return t.applyGroup(gc, ops)
	})
}

// applyGroup runs a checked group's checks, then its ops.
func (t *txn) applyGroup(gc store.GroupChecks, ops []store.Op) error {
	if err := t.runChecks(gc); err != nil {
		return fmt.Errorf("bolt: apply: %w", err)
	}
	for i, op := range ops {
		if err := t.applyOp(op); err != nil {
			return fmt.Errorf("bolt: apply: op %d (%T): %w", i, op, err)
		}
	}
	return nil
}

// runChecks verifies the group's type and increment checks against the
// state before the group.
func (t *txn) runChecks(gc store.GroupChecks) error {
	for _, c := range gc.Types {
		if _, _, err := t.typed("check", c.Key, c.Type); err != nil {
			return err
		}
	}
	for _, c := range gc.Incrs {
		cur, exists, err := t.incrTarget(c)
		if err != nil {
			return err
		}
		if _, err := addToInt([]byte(cur), exists, c.Delta); err != nil {
			return fmt.Errorf("bolt: incr %q: %w", c.Key, err)
		}
	}
	return nil
}

// incrTarget reads the value an increment check is about.
func (t *txn) incrTarget(c store.IncrCheck) (string, bool, error) {
	if c.Hash {
		return t.hfield(c.Key, c.Field)
	}
	m, ok, err := t.typed("incrby", c.Key, store.TypeString)
	return string(m.val), ok, err
}

// applyOp applies one op of a checked group.
func (t *txn) applyOp(op store.Op) (err error) {
	switch o := op.(type) {
	case *store.SetOp:
		ms, _ := store.TTLMillis(o.TTL)
		return t.set(o.Key, o.Value, ms)
	case *store.DelOp:
		return t.delete(o.Key)
	case *store.ExpireOp:
		ms, _ := store.TTLMillis(o.TTL)
		_, err = t.expireIf(o.Key, ms, o.NX, o.GT)
	case *store.PersistOp:
		_, err = t.persist(o.Key)
	case *store.IncrByOp:
		o.Result, err = t.incrBy(o.Key, o.Delta)
	case *store.HSetOp:
		_, err = t.hset(o.Key, o.Fields)
	case *store.HDelOp:
		_, err = t.hdel(o.Key, o.Fields)
	case *store.HIncrByOp:
		o.Result, err = t.hincrBy(o.Key, o.Field, o.Delta)
	case *store.HGetAllOp:
		o.Result, err = t.hgetall(o.Key)
	default:
		return t.applyCollOp(op)
	}
	return err
}

// applyCollOp applies a list, set or sorted-set op of a checked group.
func (t *txn) applyCollOp(op store.Op) (err error) {
	switch o := op.(type) {
	case *store.RPushOp:
		_, err = t.push(o.Key, o.Values, false)
	case *store.LPushOp:
		_, err = t.push(o.Key, o.Values, true)
	case *store.LTrimOp:
		err = t.ltrim(o.Key, o.Start, o.Stop)
	case *store.SAddOp:
		_, err = t.sadd(o.Key, o.Members)
	case *store.SRemOp:
		_, err = t.srem(o.Key, o.Members)
	case *store.ZAddOp:
		_, err = t.zadd(o.Key, o.Members, o.NX, o.XX)
	case *store.ZRemOp:
		_, err = t.zrem(o.Key, o.Members)
	case *store.LPopOp:
		o.Result, err = t.lpop(o.Key, int64(o.Count))
	default:
		err = fmt.Errorf("%w: unknown op type %T", store.ErrInvalidArgument, op)
	}
	return err
}
