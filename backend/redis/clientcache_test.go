package redis_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/mimeiapify/store"
)

// TestOpenClientCacheNamesTheValkeyBackend: asking the redis backend for
// the client-side cache fails at Open, before any connection, and says
// which backend has it.
func TestOpenClientCacheNamesTheValkeyBackend(t *testing.T) {
	for _, raw := range []string{
		"redis://127.0.0.1:1/0?client_cache=64MiB",
		"redis+cluster://127.0.0.1:1?client_cache=1MiB&client_cache_ttl=1s",
		"redis://127.0.0.1:1/0?client_cache_ttl=1s",
	} {
		b, err := store.Open(context.Background(), raw)
		require.True(t, b == nil, raw)
		require.ErrorIs(t, err, store.ErrUnsupported, raw)
		require.ErrorContains(t, err, "offered by the valkey backend (valkey:// URLs)", raw)
	}
}
