package repos_test

import (
	"testing"

	"github.com/mimeiapify/store"
	"github.com/mimeiapify/store/backend/memory"
	"github.com/stretchr/testify/require"
)

// backendCase is one backend the repository tests run on.
type backendCase struct {
	name string
	open func(t *testing.T) store.Backend
}

// backendCases lists the backends available to the repository tests; the
// in-memory one always comes first so that failures show early.
var backendCases = []backendCase{
	{name: "memory", open: func(t *testing.T) store.Backend {
		b := memory.New(nil)
		t.Cleanup(func() { require.NoError(t, b.Close()) })
		return b
	}},
}

// forEachBackend runs fn as a subtest on a fresh backend of every kind
// available.
func forEachBackend(t *testing.T, fn func(t *testing.T, b store.Backend)) {
	t.Helper()
	for _, c := range backendCases {
		t.Run(c.name, func(t *testing.T) {
			fn(t, c.open(t))
		})
	}
}
