package prefix_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/mimeiapify/store"
	"github.com/mimeiapify/store/backend/memory"
	"github.com/mimeiapify/store/conformance"
	"github.com/mimeiapify/store/prefix"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// TestConformance runs the whole suite through the decorator, over a
// memory backend that also holds keys outside the prefix (including ones
// that a pattern forgetting to escape the prefix would match), so that
// any leak shows up as an extra key.
func TestConformance(t *testing.T) {
	conformance.Run(t, conformance.Harness{New: func(t *testing.T) conformance.Instance {
		inner := memory.New(nil)
		for _, k := range []string{"outside", "app*x:k", "app2:k", "ap:k"} {
			require.NoError(t, inner.Set(context.Background(), k, "v", 0))
		}
		b, err := prefix.New(inner, "app*:")
		require.NoError(t, err)
		return conformance.Instance{Backend: b}
	}})
}

func TestNewRejectsHashTagsAndEmptyPrefixes(t *testing.T) {
	for _, p := range []string{"", "{app}:", "a}"} {
		_, err := prefix.New(memory.New(nil), p)
		require.ErrorIs(t, err, store.ErrInvalidArgument, "prefix %q", p)
	}
}

func TestPurgeDeletesOnlyThePrefixsKeys(t *testing.T) {
	ctx := context.Background()
	inner := memory.New(nil)
	defer inner.Close()
	b, err := prefix.New(inner, "run1:")
	require.NoError(t, err)
	for i := range 1234 {
		_, err := b.SAdd(ctx, "set"+string(rune('a'+i%26))+string(rune(i)), "m")
		require.NoError(t, err)
	}
	require.NoError(t, inner.Set(ctx, "run10:k", "v", 0))
	require.NoError(t, inner.Set(ctx, "other", "v", 0))
	n, err := b.Purge(ctx)
	require.NoError(t, err)
	require.EqualValues(t, 1234, n)
	left, err := inner.Exists(ctx, "run10:k", "other")
	require.NoError(t, err)
	require.EqualValues(t, 2, left)
}

func TestApplyAndUpdateSeeThePrefixedKeys(t *testing.T) {
	ctx := context.Background()
	inner := memory.New(nil)
	b, err := prefix.New(inner, "p:")
	require.NoError(t, err)
	defer b.Close()
	get := &store.HGetAllOp{Key: "h"}
	incr := &store.HIncrByOp{Key: "h", Field: "n", Delta: 2}
	require.NoError(t, b.Apply(ctx, &store.HSetOp{Key: "h", Fields: map[string]string{"a": "1"}}, incr, get))
	require.EqualValues(t, 2, incr.Result)
	require.Equal(t, map[string]string{"a": "1", "n": "2"}, get.Result)
	raw, err := inner.HGetAll(ctx, "p:h")
	require.NoError(t, err)
	require.Equal(t, get.Result, raw)

	err = b.Update(ctx, []string{"h"}, func(r store.Reader) ([]store.Op, error) {
		v, err := r.HGet(ctx, "h", "a")
		if err != nil {
			return nil, err
		}
		return []store.Op{&store.HSetOp{Key: "h", Fields: map[string]string{"a": v + "1"}}}, nil
	})
	require.NoError(t, err)
	v, err := inner.HGet(ctx, "p:h", "a")
	require.NoError(t, err)
	require.Equal(t, "11", v)
}
