package memory_test

import (
	"testing"

	"github.com/mimeiapify/store/backend/memory"
	"github.com/mimeiapify/store/conformance"
)

// TestConformance runs the whole suite on a fresh backend per subtest,
// with the real clock.
func TestConformance(t *testing.T) {
	conformance.Run(t, conformance.Harness{
		New: func(t *testing.T) conformance.Instance {
			return conformance.Instance{Backend: memory.New(nil)}
		},
	})
}
