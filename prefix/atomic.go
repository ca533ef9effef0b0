package prefix

import (
	"context"
	"fmt"
	"time"

	"github.com/mimeiapify/store"
)

// Apply is store.Atomic.Apply under the prefix: the ops run as copies with
// prefixed keys, and their results are copied back into ops.
func (b *Backend) Apply(ctx context.Context, ops ...store.Op) error {
	inner, err := b.ops(ops)
	if err != nil {
		return err
	}
	if err := b.inner.Apply(ctx, inner...); err != nil {
		return err
	}
	copyResults(ops, inner)
	return nil
}

// Update is store.Atomic.Update under the prefix.
func (b *Backend) Update(ctx context.Context, keys []string, fn func(r store.Reader) ([]store.Op, error)) error {
	if fn == nil { // the inner backend rejects it in its own order of checks
		return b.inner.Update(ctx, b.keys(keys), nil)
	}
	var outer []store.Op
	var inner []store.Op
	err := b.inner.Update(ctx, b.keys(keys), func(r store.Reader) ([]store.Op, error) {
		var err error
		if outer, err = fn(reader{b: b, r: r}); err != nil || len(outer) == 0 {
			inner = nil
			return nil, err
		}
		inner, err = b.ops(outer)
		return inner, err
	})
	if err == nil && len(inner) > 0 {
		copyResults(outer, inner)
	}
	return err
}

// ops returns copies of ops with prefixed keys. A nil op stays nil so that
// the inner backend rejects it as it would have.
func (b *Backend) ops(ops []store.Op) ([]store.Op, error) {
	out := make([]store.Op, len(ops))
	for i, op := range ops {
		if op == nil {
			continue
		}
		c, err := b.op(op)
		if err != nil {
			return nil, err
		}
		out[i] = c
	}
	return out, nil
}

func (b *Backend) op(op store.Op) (store.Op, error) {
	switch o := op.(type) {
	case *store.SetOp:
		c := *o
		c.Key = b.key(o.Key)
		return &c, nil
	case *store.DelOp:
		return &store.DelOp{Key: b.key(o.Key)}, nil
	case *store.ExpireOp:
		c := *o
		c.Key = b.key(o.Key)
		return &c, nil
	case *store.PersistOp:
		return &store.PersistOp{Key: b.key(o.Key)}, nil
	case *store.IncrByOp:
		return &store.IncrByOp{Key: b.key(o.Key), Delta: o.Delta}, nil
	case *store.HSetOp:
		return &store.HSetOp{Key: b.key(o.Key), Fields: o.Fields}, nil
	case *store.HDelOp:
		return &store.HDelOp{Key: b.key(o.Key), Fields: o.Fields}, nil
	case *store.HIncrByOp:
		return &store.HIncrByOp{Key: b.key(o.Key), Field: o.Field, Delta: o.Delta}, nil
	case *store.HGetAllOp:
		return &store.HGetAllOp{Key: b.key(o.Key)}, nil
	case *store.RPushOp:
		return &store.RPushOp{Key: b.key(o.Key), Values: o.Values}, nil
	case *store.LPushOp:
		return &store.LPushOp{Key: b.key(o.Key), Values: o.Values}, nil
	case *store.LTrimOp:
		return &store.LTrimOp{Key: b.key(o.Key), Start: o.Start, Stop: o.Stop}, nil
	case *store.SAddOp:
		return &store.SAddOp{Key: b.key(o.Key), Members: o.Members}, nil
	case *store.SRemOp:
		return &store.SRemOp{Key: b.key(o.Key), Members: o.Members}, nil
	case *store.LPopOp:
		return &store.LPopOp{Key: b.key(o.Key), Count: o.Count}, nil
	case *store.ZAddOp:
		return &store.ZAddOp{Key: b.key(o.Key), Members: o.Members, NX: o.NX, XX: o.XX}, nil
	case *store.ZRemOp:
		return &store.ZRemOp{Key: b.key(o.Key), Members: o.Members}, nil
	}
	return nil, fmt.Errorf("prefix: %w: unknown op type %T", store.ErrInvalidArgument, op)
}

// copyResults copies the results of the inner ops back into the caller's.
func copyResults(outer, inner []store.Op) {
	for i, op := range outer {
		switch o := op.(type) {
		case *store.IncrByOp:
			o.Result = inner[i].(*store.IncrByOp).Result
		case *store.HIncrByOp:
			o.Result = inner[i].(*store.HIncrByOp).Result
		case *store.HGetAllOp:
			o.Result = inner[i].(*store.HGetAllOp).Result
		case *store.LPopOp:
			o.Result = inner[i].(*store.LPopOp).Result
		}
	}
}

// reader is store.Reader under the prefix.
type reader struct {
	b *Backend
	r store.Reader
}

func (r reader) Get(ctx context.Context, key string) (string, error) {
	return r.r.Get(ctx, r.b.key(key))
}

func (r reader) HGet(ctx context.Context, key, field string) (string, error) {
	return r.r.HGet(ctx, r.b.key(key), field)
}

func (r reader) HGetAll(ctx context.Context, key string) (map[string]string, error) {
	return r.r.HGetAll(ctx, r.b.key(key))
}

func (r reader) LRange(ctx context.Context, key string, start, stop int64) ([]string, error) {
	return r.r.LRange(ctx, r.b.key(key), start, stop)
}

func (r reader) SMembers(ctx context.Context, key string) ([]string, error) {
	return r.r.SMembers(ctx, r.b.key(key))
}

func (r reader) ZScore(ctx context.Context, key, member string) (float64, error) {
	return r.r.ZScore(ctx, r.b.key(key), member)
}

func (r reader) ZRangeByScore(ctx context.Context, key string, min, max float64, limit int) ([]store.ZMember, error) {
	return r.r.ZRangeByScore(ctx, r.b.key(key), min, max, limit)
}

func (r reader) TTL(ctx context.Context, key string) (time.Duration, error) {
	return r.r.TTL(ctx, r.b.key(key))
}

func (r reader) Type(ctx context.Context, key string) (store.Type, error) {
	return r.r.Type(ctx, r.b.key(key))
}
