package valkey

import (
	"context"
	"fmt"

	"github.com/valkey-io/valkey-go"

	"github.com/mimeiapify/store"
	"github.com/mimeiapify/store/internal/luagroup"
)

// applyPair applies a group luagroup.Choose routed to RoutePair: one
// EVALSHA of luagroup.PairScript on its single key (EVAL when the server
// does not have the script yet).
func (b *Backend) applyPair(ctx context.Context, ops []store.Op) error {
	key, args, err := luagroup.EncodePair(ops)
	if err != nil {
		return fmt.Errorf("valkey: apply: %w", err)
	}
	if err := b.begin(ctx, "apply", key); err != nil {
		return err
	}
	reply, err := b.pair.Exec(ctx, b.client, []string{key}, args).AsStrSlice()
	if err != nil {
		return b.fail(ctx, "apply", key, err)
	}
	if err := luagroup.Decode(ops, reply); err != nil {
		return fmt.Errorf("valkey: apply: %w", err)
	}
	return nil
}

// applyMulti applies a group luagroup.Choose routed to RouteMulti: its
// commands between MULTI and EXEC in one pipeline, or alone when there is
// one. No command of such a group can fail, so nothing is left half done.
func (b *Backend) applyMulti(ctx context.Context, ops []store.Op) error {
	cmds, err := luagroup.Commands(ops)
	if err != nil {
		return fmt.Errorf("valkey: apply: %w", err)
	}
	keys := make([]string, len(cmds))
	for i, c := range cmds {
		keys[i] = c[1]
	}
	if err := b.sameSlot("apply", keys); err != nil {
		return err
	}
	if err := b.begin(ctx, "apply", keys); err != nil {
		return err
	}
	bd := b.client.B()
	if len(cmds) == 1 {
		c := cmds[0]
		err := b.client.Do(ctx, bd.Arbitrary(c[0]).Keys(c[1]).Args(c[2:]...).Build()).Error()
		if err != nil {
			return b.fail(ctx, "apply", keys, err)
		}
		return nil
	}
	built := make(valkey.Commands, 0, len(cmds)+2)
	built = append(built, bd.Multi().Build())
	for _, c := range cmds {
		built = append(built, bd.Arbitrary(c[0]).Keys(c[1]).Args(c[2:]...).Build())
	}
	built = append(built, bd.Exec().Build())
	for _, r := range b.client.DoMulti(ctx, built...) {
		if err := r.Error(); err != nil {
			return b.fail(ctx, "apply", keys, err)
		}
	}
	return nil
}
