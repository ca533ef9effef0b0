package repos_test

import (
	"reflect"
	"testing"

	"github.com/mimeiapify/store"
	"github.com/mimeiapify/store/internal/wrapcheck"
)

// TestCountingWrappersDefineEveryMethod: the counting backend of the cost
// tests embeds store.Backend, so a method added to the contract would be
// passed through uncounted without this check (see CONTRIBUTING.md).
func TestCountingWrappersDefineEveryMethod(t *testing.T) {
	wrapcheck.Own(t, reflect.TypeFor[store.Backend](), &countingBackend{}, "Close")
	wrapcheck.Own(t, reflect.TypeFor[store.Reader](), countingReader{})
}
