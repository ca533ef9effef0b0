package conformance

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/mimeiapify/store"
)

// closeCases cover Close.
var closeCases = []testCase{
	{"EveryCallFailsAfterClose", testEveryCallFailsAfterClose},
	{"UpdateFnNotCalledAfterClose", testUpdateFnNotCalledAfterClose},
	{"CloseTwice", testCloseTwice},
}

// testEveryCallFailsAfterClose runs every method (the table of the
// Context group) on a closed backend. The Close cases write nothing, so
// that a harness on a shared server has nothing to clean up.
func testEveryCallFailsAfterClose(t *testing.T, e *env) {
	require.NoError(t, e.b.Close())
	for _, c := range ctxCalls {
		t.Run(c.name, func(t *testing.T) {
			require.ErrorIs(t, c.call(bg, e.b), store.ErrClosed)
		})
	}
}

func testUpdateFnNotCalledAfterClose(t *testing.T, e *env) {
	require.NoError(t, e.b.Close())
	called := false
	err := e.b.Update(bg, []string{"k"}, func(store.Reader) ([]store.Op, error) {
		called = true
		return nil, nil
	})
	require.ErrorIs(t, err, store.ErrClosed)
	require.False(t, called, "Update called fn on a closed backend")
}

func testCloseTwice(t *testing.T, e *env) {
	require.NoError(t, e.b.Close())
	require.NoError(t, e.b.Close())
	_, err := e.b.Get(bg, "k")
	require.ErrorIs(t, err, store.ErrClosed)
}
