package valkey_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"github.com/valkey-io/valkey-go"

	"github.com/mimeiapify/store"
	vkbackend "github.com/mimeiapify/store/backend/valkey"
)

// withFlush runs fn on a miniredis backend and, when the server variables
// are set, on the real server and the cluster, each under a fresh prefix;
// flush empties the script cache of every server under b.
func withFlush(t *testing.T, fn func(t *testing.T, b store.Backend, flush func())) {
	run := func(t *testing.T, c valkey.Client, b store.Backend) {
		fn(t, b, func() {
			ctx := context.Background()
			for _, n := range c.Nodes() {
				require.NoError(t, n.Do(ctx, n.B().ScriptFlush().Build()).Error())
			}
		})
	}
	t.Run("miniredis", func(t *testing.T) {
		b, _ := newMini(t)
		run(t, b.Client(), b)
	})
	t.Run("server", func(t *testing.T) {
		c := openClient(t, serverURL(t))
		run(t, c, prefixed(t, vkbackend.New(c, nil)))
	})
	t.Run("cluster", func(t *testing.T) {
		c := clusterClient(t)
		run(t, c, prefixed(t, vkbackend.New(c, nil)))
	})
}

// TestApplyEveryScriptFallsBackAfterScriptFlush: each script Apply may
// send falls back to EVAL when the server lost it.
func TestApplyEveryScriptFallsBackAfterScriptFlush(t *testing.T) {
	withFlush(t, func(t *testing.T, b store.Backend, flushScripts func()) {
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
			flushScripts()
			require.NoError(t, b.Apply(ctx, ops()...), name)
			require.NoError(t, b.Apply(ctx, ops()...), name)
		}
		got, err := b.HGet(ctx, "c", "f")
		require.NoError(t, err)
		require.Equal(t, "2", got)
	})
}
