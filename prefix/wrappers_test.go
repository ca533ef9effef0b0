package prefix_test

import (
	"reflect"
	"testing"

	"github.com/mimeiapify/store"
	"github.com/mimeiapify/store/internal/wrapcheck"
	"github.com/mimeiapify/store/prefix"
)

// TestDecoratorDefinesEveryMethod: the prefix decorator defines every
// method of the contract itself, so none reaches the inner backend with
// an unprefixed key (see CONTRIBUTING.md).
func TestDecoratorDefinesEveryMethod(t *testing.T) {
	wrapcheck.Own(t, reflect.TypeFor[store.Backend](), &prefix.Backend{})
}
