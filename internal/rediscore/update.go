package rediscore

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/mimeiapify/store"
	"github.com/mimeiapify/store/internal/hashslot"
	"github.com/mimeiapify/store/internal/retry"
)

// Update is an optimistic read-modify-write on a connection of its own
// (Client.Pin): WATCH keys, fn's reads there, then MULTI, EVALSHA of the
// group, EXEC in one pipeline. The WATCH travels with fn's first read
// (with SCRIPT LOAD while the server may lack the group script), so an
// Update of one read costs two round trips. When EXEC finds a watched key
// changed, it waits a short random time (internal/retry) and runs fn
// again, at most store.MaxUpdateAttempts times, then fails with
// store.ErrConflict; fn also runs again, without counting, when the
// server lost the script. With no keys nothing is watched: fn reads
// through the backend and its ops are applied as by Apply. On a cluster
// keys, and the keys of the ops, must share a hash slot
// (store.ErrInvalidArgument otherwise).
func (b *Backend) Update(ctx context.Context, keys []string, fn func(r store.Reader) ([]store.Op, error)) error {
	key := firstKey(keys)
	if err := b.begin(ctx, "update", key); err != nil {
		return err
	}
	if fn == nil {
		return b.invalid("update", key, "nil function")
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
	return b.c.Pin(ctx, keys, func(c Conn, watched bool) error {
		u.conn, u.preWatched = c, watched
		return u.run(ctx)
	})
}

// updater is the state of one Update.
type updater struct {
	b          *Backend
	conn       Conn
	keys       []string
	fn         func(store.Reader) ([]store.Op, error)
	slot       uint16 // the hash slot of keys
	preWatched bool   // Pin already sent WATCH for the first attempt
	watched    bool   // the connection holds the attempt's WATCH
	useEval    bool   // the server lacked the script: send EVAL
	noScript   bool   // the last attempt only lacked the script
}

// run makes the attempts of one Update.
func (u *updater) run(ctx context.Context) error {
	key := u.keys[0]
	for attempts := 0; attempts < store.MaxUpdateAttempts; {
		done, err := u.attempt(ctx)
		if err != nil || done {
			return err
		}
		if u.noScript {
			continue
		}
		attempts++
		// No wait after the last attempt: the loop gives up.
		if attempts == store.MaxUpdateAttempts {
			continue
		}
		if err := retry.AfterConflict(ctx, attempts); err != nil {
			return u.b.wrap("update", key, err)
		}
	}
	return fmt.Errorf("%s: update %q: %w after %d attempts", u.b.name, key, store.ErrConflict, store.MaxUpdateAttempts)
}

// attempt runs fn once and commits its ops. done is false when the
// transaction must be tried again.
func (u *updater) attempt(ctx context.Context) (done bool, err error) {
	b, key := u.b, u.keys[0]
	u.noScript = false
	if err := b.begin(ctx, "update", key); err != nil {
		return true, err
	}
	u.watched, u.preWatched = u.preWatched, false
	ops, err := u.fn(&reader{u: u})
	if err != nil || len(ops) == 0 {
		u.unwatch(ctx)
		return true, err
	}
	gkeys, args, err := b.encode("update", ops, u.keys...)
	if err == nil {
		err = b.begin(ctx, "update", key) // ctx may have ended while fn ran
	}
	if err != nil {
		u.unwatch(ctx)
		return true, err
	}
	reply, err := u.commit(ctx, gkeys, args)
	if err != nil || reply == nil {
		return err != nil, err
	}
	return true, b.decode("update", key, ops, reply)
}

// commit sends MULTI, the group's script, EXEC in one round trip. It
// returns the script's reply; nil without error when EXEC was aborted (a
// watched key changed) or the server lacked the script, so the attempt
// must run again.
func (u *updater) commit(ctx context.Context, keys, args []string) ([]string, error) {
	b, key := u.b, u.keys[0]
	eval := u.useEval || !b.scriptReady.Load()
	results, err := u.conn.Tx(ctx, []Cmd{groupScript.cmd(eval, keys, args)})
	if errors.Is(err, ErrAborted) {
		return nil, nil
	}
	if err != nil {
		if b.c.IsReply(err) {
			u.unwatch(ctx)
		}
		return nil, b.fail(ctx, "update", key, err)
	}
	r := results[0]
	if b.isNoScript(r.Err) && !eval {
		// The server lost the script (restart, SCRIPT FLUSH, another
		// cluster node): the rest of this Update sends EVAL.
		b.scriptReady.Store(false)
		u.useEval, u.noScript = true, true
		return nil, nil
	}
	if r.Err != nil {
		return nil, b.fail(ctx, "update", key, r.Err)
	}
	if eval {
		b.scriptReady.Store(true) // EVAL loaded the script
	}
	if r.Strs == nil {
		return []string{}, nil
	}
	return r.Strs, nil
}

// unwatch drops the WATCH of an attempt that commits nothing, even when
// ctx is done, so that the connection goes back clean.
func (u *updater) unwatch(ctx context.Context) {
	if !u.watched {
		return
	}
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), time.Second)
	defer cancel()
	_ = u.conn.Do(ctx, cmdUnwatch)
	u.watched = false
}

// Do sends cmd on the update's connection, after WATCH (and SCRIPT LOAD
// while the server may lack the group script) in the same round trip if
// it is the attempt's first read. A failed WATCH or SCRIPT LOAD is
// returned in place of cmd's reply.
func (u *updater) Do(ctx context.Context, cmd Cmd) Result {
	if u.watched {
		return u.conn.Do(ctx, cmd)
	}
	b := u.b
	cmds := make([]Cmd, 0, 3)
	cmds = append(cmds, Cmd{Name: cmdWatch, Keys: u.keys})
	load := !b.scriptReady.Load()
	if load {
		cmds = append(cmds, Cmd{Name: cmdScriptLoad, Args: []string{groupScript.src}})
	}
	results := u.conn.Pipeline(ctx, append(cmds, cmd))
	if results[0].Err == nil {
		u.watched = true
	}
	for _, r := range results[:len(cmds)] {
		if r.Err != nil {
			return r
		}
	}
	if load {
		b.scriptReady.Store(true)
	}
	return results[len(cmds)]
}
