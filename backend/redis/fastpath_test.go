package redis_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/mimeiapify/store"
)

// TestApplyEveryScriptFallsBackAfterScriptFlush: each script Apply may
// send falls back to EVAL when the server lost it.
func TestApplyEveryScriptFallsBackAfterScriptFlush(t *testing.T) {
	both(t, func(t *testing.T, b store.Backend) {
		ctx := context.Background()
		groups := map[string]func() []store.Op{
			"pair": func() []store.Op {
				return []store.Op{&store.HSetOp{Key: "h", Fields: map[string]string{"f": "v"}}, &store.ExpireOp{Key: "h", TTL: time.Minute}}
			},
			"script": func() []store.Op {
				return []store.Op{&store.HIncrByOp{Key: "c", Field: "f", Delta: 1}, &store.ExpireOp{Key: "c", TTL: time.Minute}}
			},
			"multi": func() []store.Op {
				return []store.Op{&store.SetOp{Key: "s", Value: "v"}, &store.ExpireOp{Key: "s", TTL: time.Minute}}
			},
		}
		for name, ops := range groups {
			flushScripts(t, b)
			require.NoError(t, b.Apply(ctx, ops()...), name)
			require.NoError(t, b.Apply(ctx, ops()...), name)
		}
		got, err := b.HGet(ctx, "c", "f")
		require.NoError(t, err)
		require.Equal(t, "2", got)
	})
}
