package conformance

import (
	"reflect"
	"slices"
	"testing"

	"github.com/mimeiapify/store"
)

// TestCtxCallsCoverEveryMethod: the context and close behaviours loop
// over ctxCalls, which must name every method of store.Backend but Close:
// a method missing there is never checked for a done context or after
// Close, and the compiler cannot tell (see CONTRIBUTING.md).
func TestCtxCallsCoverEveryMethod(t *testing.T) {
	for m := range reflect.TypeFor[store.Backend]().Methods() {
		if m.Name == "Close" {
			continue
		}
		if !slices.ContainsFunc(ctxCalls, func(c ctxCall) bool { return c.name == m.Name }) {
			t.Errorf("ctxCalls has no call of %s: add one", m.Name)
		}
	}
}
