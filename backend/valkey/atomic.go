package valkey

import (
	"context"
	"fmt"
	"time"

	"github.com/valkey-io/valkey-go"

	"github.com/mimeiapify/store"
	"github.com/mimeiapify/store/internal/hashslot"
	"github.com/mimeiapify/store/internal/luagroup"
	"github.com/mimeiapify/store/internal/retry"
)

// Apply is store.Atomic.Apply, in one round trip the way luagroup.Choose
// picks: a group that needs no check as MULTI/EXEC (applyMulti), a write
// and its TTL as an EVALSHA of luagroup.PairScript (applyPair), and any
// other group as an EVALSHA of luagroup.Script, which checks the whole
// group before writing anything (EVAL when the server does not have a
// script yet). On a cluster the group's keys must share a hash slot
// (store.ErrInvalidArgument otherwise).
func (b *Backend) Apply(ctx context.Context, ops ...store.Op) error {
	checks, err := store.CheckGroup(ops)
	if err != nil {
		return fmt.Errorf("valkey: apply: %w", err)
	}
	switch luagroup.Choose(ops, checks) {
	case luagroup.RoutePair:
		return b.applyPair(ctx, ops)
	case luagroup.RouteMulti:
		return b.applyMulti(ctx, ops)
	}
	keys, args, err := b.encodeChecked("apply", ops, checks)
	if err != nil {
		return err
	}
	if err := b.begin(ctx, "apply", keys); err != nil {
		return err
	}
	reply, err := b.group.Exec(ctx, b.client, keys, args).AsStrSlice()
	if err != nil {
		return b.fail(ctx, "apply", keys, err)
	}
	if err := luagroup.Decode(ops, reply); err != nil {
		return fmt.Errorf("valkey: apply: %w", err)
	}
	return nil
}

// encode validates a group and encodes it for luagroup.Script. extra are
// keys that must share the group's hash slot on a cluster (Update's
// watched keys).
func (b *Backend) encode(op string, ops []store.Op, extra ...string) (keys, args []string, err error) {
	checks, err := store.CheckGroup(ops)
	if err != nil {
		return nil, nil, fmt.Errorf("valkey: %s: %w", op, err)
	}
	return b.encodeChecked(op, ops, checks, extra...)
}

// encodeChecked is encode for a group that passed store.CheckGroup.
func (b *Backend) encodeChecked(op string, ops []store.Op, checks store.GroupChecks, extra ...string) (keys, args []string, err error) {
	keys, args, err = luagroup.Encode(ops, checks)
	if err != nil {
		return nil, nil, fmt.Errorf("valkey: %s: %w", op, err)
	}
	if err := b.sameSlot(op, append(append([]string{}, extra...), keys...)); err != nil {
		return nil, nil, err
	}
	return keys, args, nil
}

// Update is store.Atomic.Update: on a dedicated connection, WATCH keys and
// the reads of fn, then MULTI, EVALSHA of the group, EXEC in one pipeline;
// a nil EXEC (a watched key changed) runs fn again, up to
// store.MaxUpdateAttempts times. With no keys, nothing is watched: fn reads
// on the shared client and its ops are applied as by Apply.
func (b *Backend) Update(ctx context.Context, keys []string, fn func(r store.Reader) ([]store.Op, error)) error {
	if fn == nil {
		return fmt.Errorf("valkey: update: %w: nil function", store.ErrInvalidArgument)
	}
	if err := b.begin(ctx, "update", keys); err != nil {
		return err
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
	return b.client.Dedicated(func(c valkey.DedicatedClient) error {
		return b.update(ctx, c, keys, fn)
	})
}

// update runs the attempts of one Update on the dedicated connection c.
func (b *Backend) update(ctx context.Context, c valkey.DedicatedClient, keys []string, fn func(store.Reader) ([]store.Op, error)) error {
	u := &updater{b: b, conn: c, keys: keys, fn: fn}
	for attempts := 0; attempts < store.MaxUpdateAttempts; {
		done, err := u.attempt(ctx)
		if err != nil || done {
			return err
		}
		if !u.retryScript {
			attempts++
			// No wait after the last attempt: the loop gives up.
			if attempts == store.MaxUpdateAttempts {
				continue
			}
			if err := retry.AfterConflict(ctx, attempts); err != nil {
				return fmt.Errorf("valkey: update %q: %w", keys, err)
			}
		}
	}
	return fmt.Errorf("valkey: update %q: %w after %d attempts", keys, store.ErrConflict, store.MaxUpdateAttempts)
}

// updater is the state of one Update.
type updater struct {
	b           *Backend
	conn        valkey.DedicatedClient
	keys        []string
	fn          func(store.Reader) ([]store.Op, error)
	useEval     bool // the server lacks the script: send EVAL
	retryScript bool // the last attempt only lacked the script
	watched     bool // the connection holds the attempt's WATCH
}

// attempt watches the keys, runs fn and commits its ops. done is false
// when the transaction must be tried again.
func (u *updater) attempt(ctx context.Context) (done bool, err error) {
	b := u.b
	u.retryScript = false
	if err := b.begin(ctx, "update", u.keys); err != nil {
		return true, err
	}
	u.watched = false
	ops, err := u.fn(&reader{b: b, conn: watching{u}, slot: hashslot.Of(u.keys[0])})
	if err != nil || len(ops) == 0 {
		u.unwatch(ctx)
		return true, err
	}
	gkeys, args, err := b.encode("update", ops, u.keys...)
	if err == nil {
		err = b.begin(ctx, "update", u.keys)
	}
	if err != nil {
		u.unwatch(ctx)
		return true, err
	}
	if !u.watched && !b.scriptReady.Load() {
		// fn read nothing, so no WATCH loaded the script: EVAL loads it.
		u.useEval = true
	}
	reply, err := u.commit(ctx, gkeys, args)
	if err != nil || reply == nil {
		return err != nil, err
	}
	if u.useEval {
		b.scriptReady.Store(true)
	}
	if err := luagroup.Decode(ops, reply); err != nil {
		return true, fmt.Errorf("valkey: update: %w", err)
	}
	return true, nil
}

// watching is the doer of an Update's reads of the watched slot: the
// first read carries the WATCH, with SCRIPT LOAD when the server may lack
// the group script (an EVALSHA that fails with NOSCRIPT inside EXEC costs
// a whole attempt), in one round trip. An Update of one read thus costs
// two round trips: WATCH and the read, then MULTI, EVALSHA, EXEC.
type watching struct{ u *updater }

// Do sends cmd on the update's connection, after the WATCH if it is the
// first; a failed WATCH is returned in place of cmd's result.
func (w watching) Do(ctx context.Context, cmd valkey.Completed) valkey.ValkeyResult {
	u := w.u
	if u.watched {
		return u.conn.Do(ctx, cmd)
	}
	b := u.b
	cmds := valkey.Commands{b.client.B().Watch().Key(u.keys...).Build()}
	load := !b.scriptReady.Load()
	if load {
		cmds = append(cmds, b.client.B().ScriptLoad().Script(luagroup.Script).Build())
	}
	resps := u.conn.DoMulti(ctx, append(cmds, cmd)...)
	if resps[0].Error() == nil {
		u.watched = true
	}
	for _, r := range resps[:len(cmds)] {
		if r.Error() != nil {
			return r
		}
	}
	if load {
		b.scriptReady.Store(true)
	}
	return resps[len(cmds)]
}

// unwatch drops the watch of an attempt that commits nothing, even when
// ctx is done, so that the connection goes back to the pool clean.
func (u *updater) unwatch(ctx context.Context) {
	if !u.watched {
		return
	}
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), time.Second)
	defer cancel()
	_ = u.conn.Do(ctx, u.b.client.B().Unwatch().Build()).Error()
}
