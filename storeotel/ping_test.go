package storeotel_test

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/mimeiapify/store"
	"github.com/mimeiapify/store/backend/bolt"
	"github.com/mimeiapify/store/backend/memory"
	"github.com/mimeiapify/store/prefix"
	"github.com/mimeiapify/store/storeotel"
)

// TestPing checks store.Pinger on every backend of the module and both
// decorators: Ping works, wraps ctx.Err() when the context is done, and
// fails with ErrClosed after Close.
func TestPing(t *testing.T) {
	cases := map[string]func(t *testing.T) store.Backend{
		"memory": func(*testing.T) store.Backend { return memory.New(nil) },
		"bolt": func(t *testing.T) store.Backend {
			b, err := bolt.Open(filepath.Join(t.TempDir(), "p.db"), nil)
			require.NoError(t, err)
			return b
		},
		"redis":  func(t *testing.T) store.Backend { b, _ := newRedis(t); return b },
		"valkey": func(t *testing.T) store.Backend { b, _ := newValkey(t); return b },
		"prefix": func(*testing.T) store.Backend {
			b, err := prefix.New(memory.New(nil), "p:")
			require.NoError(t, err)
			return b
		},
		"storeotel": func(t *testing.T) store.Backend {
			b, err := storeotel.New(memory.New(nil), newTelemetry(t, false).opts)
			require.NoError(t, err)
			return b
		},
	}
	for name, mk := range cases {
		t.Run(name, func(t *testing.T) {
			b := mk(t)
			require.Implements(t, (*store.Pinger)(nil), b)
			p := b.(store.Pinger)
			require.NoError(t, p.Ping(context.Background()))
			require.NoError(t, store.Ping(context.Background(), b))
			ctx, cancel := context.WithCancel(context.Background())
			cancel()
			require.ErrorIs(t, p.Ping(ctx), context.Canceled)
			require.NoError(t, b.Close())
			require.ErrorIs(t, p.Ping(context.Background()), store.ErrClosed)
			require.ErrorIs(t, store.Ping(context.Background(), b), store.ErrClosed)
		})
	}
}

func TestPingIsTraced(t *testing.T) {
	tel := newTelemetry(t, false)
	b, err := storeotel.New(memory.New(nil), tel.opts)
	require.NoError(t, err)
	require.NoError(t, b.Ping(context.Background()))
	require.NoError(t, b.Close())
	require.ErrorIs(t, b.Ping(context.Background()), store.ErrClosed)
	spans := tel.spans.Ended()
	require.Len(t, spans, 2)
	require.Equal(t, "store.Ping", spans[0].Name())
	require.Equal(t, "closed", attrs(spans[1].Attributes())["error.type"].AsString())
}
