package difftest

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/mimeiapify/store"
	"github.com/mimeiapify/store/backend/memory"
)

// newMemory returns a memory backend closed when t ends.
func newMemory(t *testing.T) store.Backend {
	b := memory.New(nil)
	t.Cleanup(func() { _ = b.Close() })
	return b
}

// TestMemoryAgreesWithItself runs the whole generator: every step must
// give the same answer twice, and no step may panic.
func TestMemoryAgreesWithItself(t *testing.T) {
	Run(t, newMemory(t), newMemory(t), Options{Steps: 5000})
}

func TestCatchesWrongAnswer(t *testing.T) {
	f := runFake(newMemory(t), cardOffByOne{newMemory(t)}, Options{Steps: 5000, Seed: 7})
	require.Contains(t, f.failures(), "seed 7 step ")
	require.Contains(t, f.failures(), "sismember/scard")
}

func TestCatchesWrongErrorClass(t *testing.T) {
	f := runFake(newMemory(t), getWrongClass{newMemory(t)}, Options{Steps: 5000, Seed: 7})
	require.Contains(t, f.failures(), "seed 7 step ")
	require.Contains(t, f.failures(), store.ErrWrongType.Error())
	require.Contains(t, f.failures(), store.ErrNotFound.Error())
}

func TestCatchesDifferentContents(t *testing.T) {
	ctx := context.Background()
	ref, sub := newMemory(t), newMemory(t)
	require.NoError(t, ref.Set(ctx, "a", "1", 0))
	require.NoError(t, sub.Set(ctx, "a", "2", 0))
	f := &fakeT{}
	require.PanicsWithValue(t, failNow{}, func() { compareContents(ctx, f, "end", ref, sub) })
	require.Contains(t, f.failures(), `end: contents of "a" differ`)

	require.NoError(t, sub.Set(ctx, "b", "1", 0))
	f = &fakeT{}
	require.PanicsWithValue(t, failNow{}, func() { compareContents(ctx, f, "end", ref, sub) })
	require.Contains(t, f.failures(), "end: key sets differ")
}

// TestSameSeedSameSteps: a seed replays the same calls, and another seed
// gives others.
func TestSameSeedSameSteps(t *testing.T) {
	names := func(seed uint64) []string {
		g := newGen(seed)
		out := make([]string, 500)
		for i := range out {
			out[i] = g.step().name
		}
		return out
	}
	require.Equal(t, names(3), names(3))
	require.NotEqual(t, names(3), names(4))
}
