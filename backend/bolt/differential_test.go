package bolt_test

import (
	"flag"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/mimeiapify/store/backend/bolt"
	"github.com/mimeiapify/store/backend/memory"
	"github.com/mimeiapify/store/internal/difftest"
)

// Replay a failing differential run with -seed=N or STORE_DIFF_SEED=N.
var diffSeed = flag.Uint64("seed", 0, "seed of TestDifferential (0: random, or STORE_DIFF_SEED)")

// diffSteps keeps the run to a few seconds under -race: every write is a
// bbolt transaction.
const diffSteps = 10000

// TestDifferential makes the same random calls on the memory backend and
// on a bolt file (NoSync: the run tests answers, not durability), and
// requires the same answers.
func TestDifferential(t *testing.T) {
	b, err := bolt.Open(filepath.Join(t.TempDir(), "diff.db"), &bolt.Options{NoSync: true})
	require.NoError(t, err)
	t.Cleanup(func() { require.NoError(t, b.Close()) })
	mem := memory.New(nil)
	t.Cleanup(func() { _ = mem.Close() })
	difftest.Run(t, mem, b, difftest.Options{Steps: diffSteps, Seed: *diffSeed})
}
