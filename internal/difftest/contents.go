package difftest

import (
	"context"
	"math"
	"slices"

	"github.com/stretchr/testify/require"

	"github.com/mimeiapify/store"
)

// compareContents requires both backends to hold the same keys, and each
// key the same type, value and (within ttlSlack) TTL.
func compareContents(ctx context.Context, t T, where string, reference, subject store.Backend) {
	t.Helper()
	keys := scanAll(ctx, t, where, reference)
	require.Equal(t, keys, scanAll(ctx, t, where, subject), "%s: key sets differ (expected: reference, actual: subject)", where)
	for _, k := range keys {
		want := dump(ctx, t, where, reference, k)
		got := dump(ctx, t, where, subject, k)
		require.Equal(t, norm(want), norm(alignTTLs(want, got)), "%s: contents of %q differ (expected: reference, actual: subject)", where, k)
	}
}

// scanAll returns every key of b, sorted.
func scanAll(ctx context.Context, t T, where string, b store.Backend) []string {
	t.Helper()
	var keys []string
	for k, err := range b.Scan(ctx, "*") {
		require.NoError(t, err, "%s: scan", where)
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// dump returns a comparable picture of key's type, value and TTL.
func dump(ctx context.Context, t T, where string, b store.Backend, key string) []any {
	t.Helper()
	typ, err := b.Type(ctx, key)
	require.NoError(t, err, "%s: type of %q", where, key)
	ttl, err := b.TTL(ctx, key)
	require.NoError(t, err, "%s: ttl of %q", where, key)
	var v any
	switch typ {
	case store.TypeString:
		v, err = b.Get(ctx, key)
	case store.TypeHash:
		v, err = b.HGetAll(ctx, key)
	case store.TypeList:
		v, err = b.LRange(ctx, key, 0, -1)
	case store.TypeSet:
		v, err = sortedMembers(ctx, b, key)
	case store.TypeZSet:
		v, err = b.ZRangeByScore(ctx, key, math.Inf(-1), math.Inf(1), math.MaxInt32)
	}
	require.NoError(t, err, "%s: value of %q", where, key)
	return []any{typ, v, ttl}
}

// sortedMembers is SMembers in sorted order.
func sortedMembers(ctx context.Context, b store.Sets, key string) ([]string, error) {
	m, err := b.SMembers(ctx, key)
	slices.Sort(m)
	return m, err
}
