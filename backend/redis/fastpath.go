package redis

import (
	"context"
	"fmt"

	goredis "github.com/redis/go-redis/v9"

	"github.com/mimeiapify/store"
	"github.com/mimeiapify/store/internal/luagroup"
)

// pairScript runs a write-and-TTL group with EVALSHA, falling back to
// EVAL on NOSCRIPT.
var pairScript = goredis.NewScript(luagroup.PairScript)

// applyPair applies a group luagroup.Choose routed to RoutePair: one
// EVALSHA of luagroup.PairScript on its single key.
func (b *Backend) applyPair(ctx context.Context, key string, ops []store.Op) error {
	k, args, err := luagroup.EncodePair(ops)
	if err != nil {
		return fmt.Errorf("redis: apply %q: %w", key, err)
	}
	reply, err := pairScript.Run(ctx, b.c, []string{k}, toAny(args)...).StringSlice()
	if err != nil {
		return b.fail(ctx, "apply", key, err)
	}
	if err := luagroup.Decode(ops, reply); err != nil {
		return fmt.Errorf("redis: apply %q: %w", key, err)
	}
	return nil
}

// applyMulti applies a group luagroup.Choose routed to RouteMulti: its
// commands in one MULTI/EXEC pipeline, or alone when there is one. No
// command of such a group can fail, so nothing is left half done.
func (b *Backend) applyMulti(ctx context.Context, key string, ops []store.Op) error {
	cmds, err := luagroup.Commands(ops)
	if err != nil {
		return fmt.Errorf("redis: apply %q: %w", key, err)
	}
	keys := make([]string, len(cmds))
	for i, c := range cmds {
		keys[i] = c[1]
	}
	if err := b.sameSlot("apply", keys); err != nil {
		return err
	}
	if len(cmds) == 1 {
		err = b.c.Do(ctx, toAny(cmds[0])...).Err()
	} else {
		_, err = b.c.TxPipelined(ctx, func(p goredis.Pipeliner) error {
			for _, c := range cmds {
				p.Do(ctx, toAny(c)...)
			}
			return nil
		})
	}
	if err != nil {
		return b.fail(ctx, "apply", key, err)
	}
	return nil
}
