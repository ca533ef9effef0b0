package valkey

import (
	"context"
	"fmt"

	"github.com/valkey-io/valkey-go"

	"github.com/mimeiapify/store/internal/luagroup"
)

// commit sends MULTI, the group's script, EXEC in one pipeline. It returns
// the script's reply; nil without error when EXEC was aborted (a watched
// key changed) or the server lacked the script, so the attempt must run
// again.
func (u *updater) commit(ctx context.Context, keys, args []string) ([]string, error) {
	b := u.b
	resps := u.conn.DoMulti(ctx,
		b.client.B().Multi().Build(),
		u.script(keys, args),
		b.client.B().Exec().Build(),
	)
	for _, r := range resps {
		if r.NonValkeyError() != nil {
			// The connection may be mid-transaction: do not reuse it.
			u.conn.Close()
			return nil, b.fail(ctx, "update: exec", keys, r.NonValkeyError())
		}
	}
	for _, r := range resps[:2] {
		if err := r.Error(); err != nil {
			u.unwatch(ctx)
			return nil, b.fail(ctx, "update: multi", keys, err)
		}
	}
	elems, err := resps[2].ToArray()
	if valkey.IsValkeyNil(err) {
		return nil, nil
	}
	if err != nil {
		return nil, b.fail(ctx, "update: exec", keys, err)
	}
	if len(elems) != 1 {
		return nil, b.fail(ctx, "update: exec", keys, fmt.Errorf("EXEC replied %d elements, want 1", len(elems)))
	}
	reply, err := elems[0].AsStrSlice()
	if ve, ok := valkey.IsValkeyErr(err); ok && ve.IsNoScript() && !u.useEval {
		// The server lost the script (restart, SCRIPT FLUSH, another
		// cluster node): the rest of this Update sends EVAL.
		u.b.scriptReady.Store(false)
		u.useEval, u.retryScript = true, true
		return nil, nil
	}
	if err != nil {
		return nil, b.fail(ctx, "update", keys, err)
	}
	if reply == nil {
		reply = []string{}
	}
	return reply, nil
}

// script is the EVALSHA of luagroup.Script, or its EVAL once the server
// was found without it.
func (u *updater) script(keys, args []string) valkey.Completed {
	bd := u.b.client.B()
	n := int64(len(keys))
	if u.useEval {
		return bd.Eval().Script(luagroup.Script).Numkeys(n).Key(keys...).Arg(args...).Build()
	}
	return bd.Evalsha().Sha1(luagroup.SHA1).Numkeys(n).Key(keys...).Arg(args...).Build()
}
