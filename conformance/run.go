package conformance

import (
	"context"
	"slices"
	"testing"
)

// group is one area of the suite: a subtest holding one subtest per
// behaviour.
type group struct {
	name  string
	cases []testCase
}

// groups lists the suite's areas in the order they run.
func groups() []group {
	return []group{
		{"Keys", keysCases},
		{"Strings", stringsCases},
		{"Hash", hashCases},
		{"List", listCases},
		{"Set", setCases},
		{"ZSet", zsetCases},
		{"TTL", ttlCases},
		{"Scan", scanCases},
		{"Atomic", atomicCases},
		{"Concurrency", concurrencyCases},
		{"Context", slices.Concat(contextCases, scanLoopCases)},
		{"Close", closeCases},
		{"Errors", errorsCases},
		{"Order", orderCases},
		{"Foreign", foreignCases},
		{"Limits", limitsCases},
	}
}

// Run runs the whole suite against the backends h makes: one subtest per
// group (go test -run 'TestConformance/Hash') holding one subtest per
// behaviour ('TestConformance/Hash/HGetMissingField'), each on a fresh
// backend that is closed when it ends. Subtests do not run in parallel, so
// harnesses may share a server.
func Run(t *testing.T, h Harness) {
	t.Helper()
	if h.New == nil {
		t.Fatal("conformance: Harness.New is nil")
	}
	checkSkips(t, h.Skip)
	for _, g := range groups() {
		t.Run(g.name, func(t *testing.T) {
			for _, c := range g.cases {
				t.Run(c.name, func(t *testing.T) {
					if reason, ok := h.Skip[g.name+"/"+c.name]; ok {
						t.Skip("skipped by the harness: " + reason)
					}
					c.fn(t, newEnv(t, h))
				})
			}
		})
	}
}

// checkSkips fails t for each name in skip that is no case of the suite.
func checkSkips(t *testing.T, skip map[string]string) {
	t.Helper()
	known := map[string]bool{}
	for _, g := range groups() {
		for _, c := range g.cases {
			known[g.name+"/"+c.name] = true
		}
	}
	for name := range skip {
		if !known[name] {
			t.Errorf("conformance: Harness.Skip names %q, which is no case of the suite", name)
		}
	}
}

// newEnv makes a fresh backend for t and arranges for it to be closed
// when t ends, after the cleanups h.New registers.
func newEnv(t *testing.T, h Harness) *env {
	t.Helper()
	var in Instance
	t.Cleanup(func() {
		if in.Backend != nil {
			if err := in.Backend.Close(); err != nil {
				t.Errorf("Close: %v", err)
			}
		}
	})
	in = h.New(t)
	if in.Backend == nil {
		t.Fatal("conformance: Harness.New returned no Backend")
	}
	return &env{t: t, b: in.Backend, in: in, h: h, ctx: context.Background()}
}
