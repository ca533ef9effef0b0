package rediscore

import (
	"context"
	"maps"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/mimeiapify/store"
	"github.com/mimeiapify/store/internal/luagroup"
)

// script is a Lua script sent by SHA1 (EVALSHA) with a fallback to EVAL.
type script struct{ src, sha string }

var groupScript = script{luagroup.Script, luagroup.SHA1}

// evalCmd is the EVALSHA of s on keys, or its EVAL.
func (s script) cmd(eval bool, keys, args []string) Cmd {
	n := itoa(int64(len(keys)))
	if eval {
		return Cmd{Name: []string{"EVAL", s.src, n}, Keys: keys, Args: args, Kind: KindStrs}
	}
	return Cmd{Name: []string{"EVALSHA", s.sha, n}, Keys: keys, Args: args, Kind: KindStrs}
}

// isNoScript reports whether err is the server's NOSCRIPT reply.
func (b *Backend) isNoScript(err error) bool {
	return err != nil && b.c.IsReply(err) && strings.HasPrefix(err.Error(), "NOSCRIPT")
}

// run sends s with EVALSHA on the shared client and, when the server
// lacks it (NOSCRIPT), with EVAL, which loads it.
func (b *Backend) run(ctx context.Context, s script, keys, args []string) Result {
	r := b.c.Do(ctx, s.cmd(false, keys, args))
	if b.isNoScript(r.Err) {
		r = b.c.Do(ctx, s.cmd(true, keys, args))
	}
	return r
}

// maxShapeSet bounds the SHA1s a shapeSet remembers; past it, a script
// new to the backend goes as EVALSHA first, as Script does.
const maxShapeSet = 1024

// shapeSet is the set of the shape scripts a backend has sent. Readers
// load the set without a lock; a writer replaces it with a copy holding
// one more SHA1.
type shapeSet struct {
	mu   sync.Mutex // serializes writers
	sent atomic.Pointer[map[string]bool]
}

func (s *shapeSet) has(sha string) bool {
	m := s.sent.Load()
	return m != nil && (*m)[sha]
}

func (s *shapeSet) add(sha string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var old map[string]bool
	if m := s.sent.Load(); m != nil {
		old = *m
	}
	if old[sha] || len(old) >= maxShapeSet {
		return
	}
	m := make(map[string]bool, len(old)+1)
	maps.Copy(m, old)
	m[sha] = true
	s.sent.Store(&m)
}

// runShape sends a luagroup.ShapeScript: with EVAL the first time this
// backend sends it, which loads it into the server's script cache without
// a NOSCRIPT error reply (there is one script per shape of group), then
// with EVALSHA, falling back to EVAL on NOSCRIPT (a restarted or flushed
// server, or another node of a cluster).
func (b *Backend) runShape(ctx context.Context, s script, keys, args []string) Result {
	if b.shapes.has(s.sha) {
		return b.run(ctx, s, keys, args)
	}
	r := b.c.Do(ctx, s.cmd(true, keys, args))
	if r.Err == nil || b.c.IsReply(r.Err) {
		b.shapes.add(s.sha) // the server compiled and cached it
	}
	return r
}

// groupKey names a group in error messages by its first op's key.
func groupKey(ops []store.Op) string {
	if len(ops) == 0 || ops[0] == nil {
		return ""
	}
	return ops[0].OpKey()
}

// encode validates a group and encodes it for luagroup.Script. On a
// cluster, the group's keys and extra (Update's watched keys) must share
// a hash slot.
func (b *Backend) encode(op string, ops []store.Op, extra ...string) ([]string, []string, error) {
	checks, err := store.CheckGroup(ops)
	if err != nil {
		return nil, nil, b.wrap(op, groupKey(ops), err)
	}
	return b.encodeChecked(op, ops, checks, extra...)
}

// encodeChecked is encode for a group that passed store.CheckGroup.
func (b *Backend) encodeChecked(op string, ops []store.Op, checks store.GroupChecks, extra ...string) ([]string, []string, error) {
	keys, args, err := luagroup.Encode(ops, checks)
	if err != nil {
		return nil, nil, b.wrap(op, groupKey(ops), err)
	}
	if err := b.sameSlot(op, append(append([]string{}, extra...), keys...)); err != nil {
		return nil, nil, err
	}
	return keys, args, nil
}

// Apply applies ops as one atomic step in one round trip, the way
// luagroup.Choose picks: a group that needs no check as MULTI/EXEC, a
// small group as an EVALSHA of the luagroup.ShapeScript of its shape, and
// any other group as an EVALSHA of luagroup.Script; both scripts check
// every type and increment before they write anything (EVAL when the
// server lacks the script). On a cluster the group's keys must share a hash slot
// (store.ErrInvalidArgument otherwise, before anything is sent).
func (b *Backend) Apply(ctx context.Context, ops ...store.Op) error {
	key := groupKey(ops)
	if err := b.begin(ctx, "apply", key); err != nil {
		return err
	}
	checks, err := store.CheckGroup(ops)
	if err != nil {
		return b.wrap("apply", key, err)
	}
	switch luagroup.Choose(ops, checks) {
	case luagroup.RouteShape:
		return b.applyShape(ctx, key, ops, checks)
	case luagroup.RouteMulti:
		return b.applyMulti(ctx, key, ops)
	}
	keys, args, err := b.encodeChecked("apply", ops, checks)
	if err != nil {
		return err
	}
	r := b.run(ctx, groupScript, keys, args)
	if r.Err != nil {
		return b.fail(ctx, "apply", key, r.Err)
	}
	b.scriptReady.Store(true)
	return b.decode("apply", key, ops, r.Strs)
}

// decode fills in the results of ops from a script's reply.
func (b *Backend) decode(op, key string, ops []store.Op, reply []string) error {
	if err := luagroup.Decode(ops, reply); err != nil {
		return b.wrap(op, key, err)
	}
	return nil
}

// applyShape applies a group luagroup.Choose routed to RouteShape: one
// EVALSHA of the luagroup.ShapeScript of its shape.
func (b *Backend) applyShape(ctx context.Context, key string, ops []store.Op, checks store.GroupChecks) error {
	s, keys, args, err := luagroup.EncodeShape(ops, checks)
	if err != nil {
		return b.wrap("apply", key, err)
	}
	if err := b.sameSlot("apply", keys); err != nil {
		return err
	}
	r := b.runShape(ctx, script{s.Src, s.SHA1}, keys, args)
	if r.Err != nil {
		return b.fail(ctx, "apply", key, r.Err)
	}
	return b.decode("apply", key, ops, r.Strs)
}

// applyMulti applies a group luagroup.Choose routed to RouteMulti: its
// commands in one MULTI/EXEC, or alone when there is one. No command of
// such a group can fail, so nothing is left half done.
func (b *Backend) applyMulti(ctx context.Context, key string, ops []store.Op) error {
	lines, err := luagroup.Commands(ops)
	if err != nil {
		return b.wrap("apply", key, err)
	}
	keys := make([]string, len(lines))
	cmds := make([]Cmd, len(lines))
	for i, l := range lines {
		keys[i] = l[1]
		cmds[i] = Cmd{Name: l[:1], Keys: l[1:2], Args: l[2:]}
	}
	if err := b.sameSlot("apply", keys); err != nil {
		return err
	}
	if len(cmds) == 1 {
		return b.status(ctx, b.c, "apply", key, cmds[0])
	}
	results, err := b.c.Tx(ctx, cmds)
	if err != nil {
		return b.fail(ctx, "apply", key, err)
	}
	for _, r := range results {
		if r.Err != nil {
			return b.fail(ctx, "apply", key, r.Err)
		}
	}
	return nil
}
