package repos

import (
	"context"
	"testing"
)

// TestSpanWithoutTracerAllocatesNothing: the hook at the start of every
// repository method costs a nil check when no tracer is configured.
func TestSpanWithoutTracerAllocatesNothing(t *testing.T) {
	s, err := (*Options)(nil).resolve()
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	allocs := testing.AllocsPerRun(100, func() {
		var err error
		_, span := s.span(ctx, "User.Upsert", "acme")
		span.end(&err)
	})
	if allocs != 0 {
		t.Fatalf("span without a tracer allocates %v times", allocs)
	}
}
