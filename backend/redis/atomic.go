package redis

import (
	"context"
	"fmt"

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

// encode validates a group and encodes it for luagroup.Script. On a
// cluster, the group's keys and extra (Update's watched keys) must share
// a hash slot.
func (b *Backend) encode(op string, ops []store.Op, extra ...string) ([]string, []any, error) {
	checks, err := store.CheckGroup(ops)
	if err != nil {
		return nil, nil, fmt.Errorf("redis: %s %q: %w", op, groupKey(ops), err)
	}
	return b.encodeChecked(op, ops, checks, extra...)
}

// encodeChecked is encode for a group that passed store.CheckGroup.
func (b *Backend) encodeChecked(op string, ops []store.Op, checks store.GroupChecks, extra ...string) ([]string, []any, error) {
	keys, args, err := luagroup.Encode(ops, checks)
	if err != nil {
		return nil, nil, fmt.Errorf("redis: %s %q: %w", op, groupKey(ops), err)
	}
	if err := b.sameSlot(op, append(append([]string{}, extra...), keys...)); err != nil {
		return nil, nil, err
	}
	return keys, toAny(args), nil
}

// Apply applies ops as one atomic step in one round trip, the way
// luagroup.Choose picks: a group that needs no check as MULTI/EXEC
// (applyMulti), a write and its TTL as an EVALSHA of luagroup.PairScript
// (applyPair), and any other group as an EVALSHA of luagroup.Script, which
// checks every type and increment before it writes anything. On a cluster
// the group's keys must share a hash slot (store.ErrInvalidArgument
// otherwise, before anything is sent).
func (b *Backend) Apply(ctx context.Context, ops ...store.Op) error {
	key := groupKey(ops)
	if err := b.begin(ctx, "apply", key); err != nil {
		return err
	}
	checks, err := store.CheckGroup(ops)
	if err != nil {
		return fmt.Errorf("redis: apply %q: %w", key, err)
	}
	switch luagroup.Choose(ops, checks) {
	case luagroup.RoutePair:
		return b.applyPair(ctx, key, ops)
	case luagroup.RouteMulti:
		return b.applyMulti(ctx, key, ops)
	}
	keys, args, err := b.encodeChecked("apply", ops, checks)
	if err != nil {
		return err
	}
	reply, err := script.Run(ctx, b.c, keys, args...).StringSlice()
	if err != nil {
		return b.fail(ctx, "apply", key, err)
	}
	b.scriptReady.Store(true)
	if err := luagroup.Decode(ops, reply); err != nil {
		return fmt.Errorf("redis: apply %q: %w", key, err)
	}
	return nil
}
