package storeotel_test

import (
	"context"
	"testing"

	metricnoop "go.opentelemetry.io/otel/metric/noop"
	tracenoop "go.opentelemetry.io/otel/trace/noop"

	"github.com/mimeiapify/store"
	"github.com/mimeiapify/store/backend/memory"
	"github.com/mimeiapify/store/storeotel"
)

// BenchmarkOverhead compares calls on the memory backend bare and through
// the decorator, with the global providers when none is installed
// ("global") and with the no-op providers ("noop"); the difference is the
// decorator's cost per call. Run:
//
//	go test -run '^$' -bench Overhead -benchmem ./storeotel
func BenchmarkOverhead(b *testing.B) {
	ctx := context.Background()
	inner := memory.New(nil)
	defer inner.Close()
	wrapped, err := storeotel.New(inner, nil)
	if err != nil {
		b.Fatal(err)
	}
	explicit, err := storeotel.New(inner, &storeotel.Options{
		TracerProvider: tracenoop.NewTracerProvider(), MeterProvider: metricnoop.NewMeterProvider()})
	if err != nil {
		b.Fatal(err)
	}
	fields := map[string]string{"f": "v"}
	for _, bk := range []struct {
		name string
		b    store.Backend
	}{{"bare", inner}, {"global", wrapped}, {"noop", explicit}} {
		b.Run("Get/"+bk.name, func(b *testing.B) {
			_ = bk.b.Set(ctx, "k", "v", 0)
			b.ReportAllocs()
			for b.Loop() {
				_, _ = bk.b.Get(ctx, "k")
			}
		})
		b.Run("HSet/"+bk.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				_, _ = bk.b.HSet(ctx, "h", fields)
			}
		})
	}
}
