package redis

import (
	"context"
	"errors"
	"fmt"
	"time"

	goredis "github.com/redis/go-redis/v9"

	"github.com/mimeiapify/store"
	"github.com/mimeiapify/store/internal/hashslot"
	"github.com/mimeiapify/store/internal/luagroup"
	"github.com/mimeiapify/store/internal/retry"
)

// final carries an error out of a WATCH callback to be returned as it is:
// fn's own error, or one the backend already wrapped.
type final struct{ err error }

func (e final) Error() string { return e.err.Error() }

// Update is an optimistic read-modify-write: WATCH keys, fn's reads on
// the watching connection, then MULTI, EVALSHA of the group, EXEC; after
// a conflict it waits a short random time (internal/retry). On one
// server the WATCH travels with fn's first read, so an Update of one read
// costs two round trips. It runs
// fn again when EXEC finds a watched key changed, at most
// store.MaxUpdateAttempts times, and then fails with store.ErrConflict;
// fn also runs again, without counting, when the server lacked the group
// script. With no keys nothing is watched: fn reads through the backend
// and its ops are applied as by Apply. On a cluster keys, and the keys of
// the ops, must share a hash slot (store.ErrInvalidArgument otherwise).
func (b *Backend) Update(ctx context.Context, keys []string, fn func(r store.Reader) ([]store.Op, error)) error {
	key := firstKey(keys)
	if err := b.begin(ctx, "update", key); err != nil {
		return err
	}
	if fn == nil {
		return invalid("update", key, "nil function")
	}
	if len(keys) == 0 {
		ops, err := fn(b)
		if err != nil || len(ops) == 0 {
			return err
		}
		return b.Apply(ctx, ops...)
	}
	if err := b.sameSlot("update", keys); err != nil {
		return err
	}
	u := &updater{b: b, keys: keys, fn: fn, slot: hashslot.Of(key)}
	var watchNow []string // on a cluster, WATCH before fn runs (see reader)
	if b.cluster {
		watchNow = keys
	}
	for attempts := 0; attempts < store.MaxUpdateAttempts; {
		if err := b.begin(ctx, "update", key); err != nil {
			return err
		}
		u.watched = b.cluster
		err := b.c.Watch(ctx, func(tx *goredis.Tx) error { return u.attempt(ctx, tx) }, watchNow...)
		var fe final
		switch {
		case err == nil:
			return nil
		case errors.As(err, &fe):
			return fe.err
		case errors.Is(err, goredis.TxFailedErr):
			attempts++
			// No wait after the last attempt: the loop gives up.
			if attempts == store.MaxUpdateAttempts {
				continue
			}
			if err := retry.AfterConflict(ctx, attempts); err != nil {
				return fmt.Errorf("redis: update %q: %w", key, err)
			}
			continue
		case !u.useEval && goredis.HasErrorPrefix(err, "NOSCRIPT"):
			// The server lost the script (restart, SCRIPT FLUSH, another
			// cluster node): send EVAL from now on.
			b.scriptReady.Store(false)
			u.useEval = true
			continue
		}
		return b.fail(ctx, "update", key, err)
	}
	return fmt.Errorf("redis: update %q: %w after %d attempts", key, store.ErrConflict, store.MaxUpdateAttempts)
}

// updater is the state of one Update.
type updater struct {
	b       *Backend
	keys    []string
	fn      func(store.Reader) ([]store.Op, error)
	slot    uint16 // the hash slot of keys
	useEval bool   // the server lacked the script: send EVAL
	watched bool   // the attempt's connection holds the WATCH
}

// attempt runs fn once inside WATCH and applies its ops in MULTI/EXEC.
// Errors to return as they are come back as final.
func (u *updater) attempt(ctx context.Context, tx *goredis.Tx) error {
	b, key := u.b, u.keys[0]
	ops, err := u.fn(&reader{b: b, tx: tx, u: u, slot: u.slot})
	if err != nil || len(ops) == 0 {
		u.unwatch(ctx, tx)
		if err != nil {
			return final{err}
		}
		return nil
	}
	keys, args, err := b.encode("update", ops, u.keys...)
	if err == nil {
		err = b.begin(ctx, "update", key) // ctx may have ended while fn ran
	}
	if err != nil {
		u.unwatch(ctx, tx)
		return final{err}
	}
	eval := u.useEval || !b.scriptReady.Load()
	var cmd *goredis.Cmd
	_, err = tx.TxPipelined(ctx, func(p goredis.Pipeliner) error {
		if eval {
			cmd = p.Eval(ctx, luagroup.Script, keys, args...)
		} else {
			cmd = p.EvalSha(ctx, luagroup.SHA1, keys, args...)
		}
		return nil
	})
	if err != nil {
		return err
	}
	if eval {
		b.scriptReady.Store(true) // EVAL loaded the script
	}
	reply, err := cmd.StringSlice()
	if err != nil {
		return err
	}
	if err := luagroup.Decode(ops, reply); err != nil {
		return final{fmt.Errorf("redis: update %q: %w", key, err)}
	}
	return nil
}

// unwatch drops the watch of an attempt that commits nothing, even when
// ctx is done, so that the connection goes back to the pool clean.
func (u *updater) unwatch(ctx context.Context, tx *goredis.Tx) {
	if !u.watched {
		return
	}
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), time.Second)
	defer cancel()
	_ = tx.Unwatch(ctx).Err()
}
