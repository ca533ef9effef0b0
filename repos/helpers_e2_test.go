package repos_test

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/mimeiapify/store"
)

// nastyIDs are identifiers holding separators, hash-tag, glob and other
// special bytes; two of them differ only where an unescaped glob or
// separator would make them collide.
var nastyIDs = []string{
	"*", "?", "[", "]", "\\", ":", "{", "}", "a b", "nul\x00", "ünï", "日本",
	"a*", "ab", "a:b", "a:b:c", "{x}", "x}:{y", "%41", "A", "[a-z]", "t:", "-._",
}

// keysOf returns every key of b, sorted.
func keysOf(t *testing.T, b store.Backend) []string {
	t.Helper()
	var keys []string
	for k, err := range b.Scan(context.Background(), "*") {
		require.NoError(t, err)
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// keyWith returns the only key of b holding part.
func keyWith(t *testing.T, b store.Backend, part string) string {
	t.Helper()
	var found []string
	for _, k := range keysOf(t, b) {
		if strings.Contains(k, part) {
			found = append(found, k)
		}
	}
	require.Len(t, found, 1, "keys holding %q: %q", part, found)
	return found[0]
}

// snapshot returns a dump of every key of b with its type and value, to
// show that a step changed nothing.
func snapshot(t *testing.T, b store.Backend) map[string]any {
	t.Helper()
	ctx := context.Background()
	out := map[string]any{}
	for _, k := range keysOf(t, b) {
		typ, err := b.Type(ctx, k)
		require.NoError(t, err)
		var v any
		switch typ {
		case store.TypeString:
			v, err = b.Get(ctx, k)
		case store.TypeHash:
			v, err = b.HGetAll(ctx, k)
		case store.TypeList:
			v, err = b.LRange(ctx, k, 0, -1)
		case store.TypeSet:
			var m []string
			m, err = b.SMembers(ctx, k)
			slices.Sort(m)
			v = m
		}
		require.NoError(t, err)
		out[k] = v
	}
	return out
}

// requireTTL asserts that key's TTL is within (want-slack, want].
func requireTTL(t *testing.T, b store.Backend, key string, want time.Duration) {
	t.Helper()
	got, err := b.TTL(context.Background(), key)
	require.NoError(t, err)
	if want == store.NoExpiry {
		require.Equal(t, store.NoExpiry, got, key)
		return
	}
	require.LessOrEqual(t, got, want, key)
	require.Greater(t, got, want-5*time.Second, key)
}
