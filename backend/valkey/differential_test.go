package valkey_test

import (
	"flag"
	"testing"

	"github.com/mimeiapify/store/backend/memory"
	vkbackend "github.com/mimeiapify/store/backend/valkey"
	"github.com/mimeiapify/store/internal/difftest"
)

// Replay a failing differential run with -seed=N or STORE_DIFF_SEED=N.
var diffSeed = flag.Uint64("seed", 0, "seed of TestDifferential (0: random, or STORE_DIFF_SEED)")

// TestDifferential makes the same random calls on the memory backend and
// on this one against the real server of STORE_TEST_VALKEY_URL, under a
// fresh prefix deleted at the end, and requires the same answers.
func TestDifferential(t *testing.T) {
	real := prefixed(t, vkbackend.New(openClient(t, serverURL(t)), nil))
	mem := memory.New(nil)
	t.Cleanup(func() { _ = mem.Close() })
	difftest.Run(t, mem, real, difftest.Options{Steps: difftest.DefaultSteps, Seed: *diffSeed})
}
