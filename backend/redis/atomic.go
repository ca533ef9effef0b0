package redis

import (
	"context"
	"errors"
	"fmt"
	"strings"

	goredis "github.com/redis/go-redis/v9"

	"github.com/mimeiapify/store"
	"github.com/mimeiapify/store/internal/luagroup"
)

// script runs a group with EVALSHA, falling back to EVAL on NOSCRIPT.
var script = goredis.NewScript(luagroup.Script)

// groupKey names a group in error messages by its first op's key.
func groupKey(ops []store.Op) string {
	if len(ops) == 0 || ops[0] == nil {
		return ""
	}
	return ops[0].OpKey()
}

// encode validates a group and encodes it for luagroup.Script.
func encode(ops []store.Op) ([]string, []any, error) {
	checks, err := store.CheckGroup(ops)
	if err != nil {
		return nil, nil, err
	}
	keys, args, err := luagroup.Encode(ops, checks)
	if err != nil {
		return nil, nil, err
	}
	return keys, toAny(args), nil
}

// Apply applies ops as one atomic step: one EVALSHA of luagroup.Script,
// which checks every type and increment before it writes anything.
func (b *Backend) Apply(ctx context.Context, ops ...store.Op) error {
	key := groupKey(ops)
	if err := b.begin(ctx, "apply", key); err != nil {
		return err
	}
	keys, args, err := encode(ops)
	if err != nil {
		return fmt.Errorf("redis: apply: %w", err)
	}
	reply, err := script.Run(ctx, b.c, keys, args...).StringSlice()
	if err != nil {
		return b.fail(ctx, "apply", key, err)
	}
	if err := luagroup.Decode(ops, reply); err != nil {
		return fmt.Errorf("redis: apply %q: %w", key, err)
	}
	return nil
}

// userError carries fn's error out of a WATCH callback untouched.
type userError struct{ err error }

func (e userError) Error() string { return e.err.Error() }

// Update is an optimistic read-modify-write: WATCH keys, fn's reads, then
// MULTI, EVALSHA of the group, EXEC. It runs fn again when EXEC finds a
// watched key changed, at most store.MaxUpdateAttempts times, and then
// fails with store.ErrConflict.
func (b *Backend) Update(ctx context.Context, keys []string, fn func(r store.Reader) ([]store.Op, error)) error {
	key := firstKey(keys)
	useEval := false
	for range store.MaxUpdateAttempts {
		if err := b.begin(ctx, "update", key); err != nil {
			return err
		}
		err := b.c.Watch(ctx, func(tx *goredis.Tx) error {
			return b.attempt(ctx, tx, fn, useEval)
		}, keys...)
		var ue userError
		switch {
		case err == nil:
			return nil
		case errors.As(err, &ue):
			return ue.err
		case errors.Is(err, goredis.TxFailedErr):
			continue
		case !useEval && strings.HasPrefix(err.Error(), "NOSCRIPT"):
			useEval = true
			continue
		case errors.Is(err, store.ErrInvalidArgument):
			return fmt.Errorf("redis: update %q: %w", key, err)
		}
		return b.fail(ctx, "update", key, err)
	}
	return fmt.Errorf("redis: update %q: %w after %d attempts", key, store.ErrConflict, store.MaxUpdateAttempts)
}

// attempt runs fn once inside WATCH and applies its ops in MULTI/EXEC.
func (b *Backend) attempt(ctx context.Context, tx *goredis.Tx,
	fn func(r store.Reader) ([]store.Op, error), useEval bool) error {
	ops, err := fn(&reader{b: b, c: tx})
	if err != nil {
		return userError{err}
	}
	if len(ops) == 0 {
		return nil
	}
	keys, args, err := encode(ops)
	if err != nil {
		return err
	}
	var cmd *goredis.Cmd
	_, err = tx.TxPipelined(ctx, func(p goredis.Pipeliner) error {
		if useEval {
			cmd = p.Eval(ctx, luagroup.Script, keys, args...)
		} else {
			cmd = p.EvalSha(ctx, luagroup.SHA1, keys, args...)
		}
		return nil
	})
	if err != nil {
		return err
	}
	reply, err := cmd.StringSlice()
	if err != nil {
		return err
	}
	return luagroup.Decode(ops, reply)
}
