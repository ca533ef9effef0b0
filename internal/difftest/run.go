package difftest

import (
	"context"
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/mimeiapify/store"
)

// DefaultSteps is the number of calls of a run whose Options.Steps is zero.
const DefaultSteps = 20000

// Options shape one differential run.
type Options struct {
	// Steps is the number of random calls; zero means DefaultSteps.
	Steps int
	// Seed selects the calls. Zero means the value of STORE_DIFF_SEED
	// when it is set, and a random seed otherwise.
	Seed uint64
}

// T is the part of *testing.T the harness uses.
type T interface {
	require.TestingT
	Helper()
	Logf(format string, args ...any)
	Name() string
}

// Run makes opts.Steps random calls, each on reference and then on
// subject, and fails t at the first call whose answers or error classes
// differ, naming the seed, the step and the call; then it requires both
// backends to hold the same keys, types, values and TTLs. Both backends
// must start empty (the subject may live under a prefix of a shared
// server); Run neither closes nor cleans them.
func Run(t *testing.T, reference, subject store.Backend, opts Options) {
	t.Helper()
	run(t.Context(), t, reference, subject, opts)
}

// run is Run on any T, so that the harness itself can be tested.
func run(ctx context.Context, t T, reference, subject store.Backend, opts Options) {
	t.Helper()
	seed, err := resolveSeed(opts.Seed)
	require.NoError(t, err)
	steps := opts.Steps
	if steps <= 0 {
		steps = DefaultSteps
	}
	t.Logf("seed %d, %d steps: replay with -run '^%s$' and -seed=%d (where the test defines it) or %s=%d",
		seed, steps, t.Name(), seed, SeedEnv, seed)
	g := newGen(seed)
	for i := range steps {
		s := g.step()
		compareStep(ctx, t, fmt.Sprintf("seed %d step %d: %s", seed, i, s.name), s, reference, subject)
	}
	compareContents(ctx, t, fmt.Sprintf("seed %d after %d steps", seed, steps), reference, subject)
}

// newGen returns the generator of the calls of seed.
func newGen(seed uint64) *gen { return &gen{r: rand.New(rand.NewPCG(seed, 0))} }
