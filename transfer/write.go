package transfer

import (
	"context"
	"errors"
	"fmt"

	"github.com/mimeiapify/store"
)

// ErrExists is wrapped by Write, Copy and WriteAll when a key to write
// already exists (with another value, for Copy and WriteAll) and Replace
// is not set. Nothing is written for that key.
var ErrExists = errors.New("transfer: key already exists")

// WriteOptions change Write. A nil *WriteOptions gives the defaults.
type WriteOptions struct {
	// Replace overwrites a key that exists, whatever its type. Without
	// it, Write fails with ErrExists on an existing key.
	Replace bool
}

// Write writes rec to b: its value and its TTL as one atomic step, so that
// a reader sees the whole value (every list item, once) or nothing. Without
// Replace it fails with ErrExists when the key exists, checking and
// writing in one step (an Update); with Replace it deletes the key and
// writes it in one Apply. A malformed record (no type, an empty hash, list,
// set or sorted set, a NaN score, a negative TTL) fails with
// store.ErrInvalidArgument. Cost: 1
// call.
func Write(ctx context.Context, b store.Backend, rec Record, opts *WriteOptions) error {
	ops, err := recordOps(rec)
	if err != nil {
		return fmt.Errorf("transfer: write %q: %w", rec.Key, err)
	}
	if opts != nil && opts.Replace {
		err = b.Apply(ctx, ops...)
	} else {
		err = b.Update(ctx, []string{rec.Key}, func(r store.Reader) ([]store.Op, error) {
			t, err := r.Type(ctx, rec.Key)
			if err != nil {
				return nil, err
			}
			if t != store.TypeNone {
				return nil, fmt.Errorf("%w (a %s)", ErrExists, t)
			}
			return ops, nil
		})
	}
	if err != nil {
		return fmt.Errorf("transfer: write %q: %w", rec.Key, err)
	}
	return nil
}

// recordOps returns the atomic group that replaces rec's key with rec.
func recordOps(rec Record) ([]store.Op, error) {
	if rec.TTL < 0 {
		return nil, fmt.Errorf("%w: negative TTL %v", store.ErrInvalidArgument, rec.TTL)
	}
	del := &store.DelOp{Key: rec.Key}
	var set store.Op
	switch rec.Type {
	case store.TypeString:
		return []store.Op{&store.SetOp{Key: rec.Key, Value: rec.String, TTL: rec.TTL}}, nil
	case store.TypeHash:
		if len(rec.Hash) > 0 {
			set = &store.HSetOp{Key: rec.Key, Fields: rec.Hash}
		}
	case store.TypeList:
		if len(rec.List) > 0 {
			set = &store.RPushOp{Key: rec.Key, Values: rec.List}
		}
	case store.TypeSet:
		if len(rec.Set) > 0 {
			set = &store.SAddOp{Key: rec.Key, Members: rec.Set}
		}
	case store.TypeZSet:
		if len(rec.ZSet) > 0 {
			set = &store.ZAddOp{Key: rec.Key, Members: rec.ZSet}
		}
	default:
		return nil, fmt.Errorf("%w: record has no type", store.ErrInvalidArgument)
	}
	if set == nil {
		return nil, fmt.Errorf("%w: empty %s", store.ErrInvalidArgument, rec.Type)
	}
	ops := []store.Op{del, set}
	if rec.TTL > 0 {
		ops = append(ops, &store.ExpireOp{Key: rec.Key, TTL: rec.TTL})
	}
	return ops, nil
}
