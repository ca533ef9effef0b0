package storeotel_test

import (
	"context"
	"os"
	"testing"
	"time"

	metricnoop "go.opentelemetry.io/otel/metric/noop"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
	tracenoop "go.opentelemetry.io/otel/trace/noop"

	"github.com/mimeiapify/store"
	"github.com/mimeiapify/store/backend/memory"
	"github.com/mimeiapify/store/internal/testenv"
	"github.com/mimeiapify/store/storeotel"
)

// BenchmarkOverhead compares calls on the memory backend bare and through
// the decorator, with the global providers when none is installed
// ("global"), with the no-op providers ("noop") and with the SDK (every
// span sampled, batched to a discarding exporter; "sdk"); the difference
// is the decorator's cost per call. Run:
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
	tp := sdktrace.NewTracerProvider(sdktrace.WithBatcher(tracetest.NewNoopExporter()))
	defer tp.Shutdown(ctx)
	mp := sdkmetric.NewMeterProvider(sdkmetric.WithReader(sdkmetric.NewManualReader()))
	defer mp.Shutdown(ctx)
	sdk, err := storeotel.New(inner, &storeotel.Options{TracerProvider: tp, MeterProvider: mp})
	if err != nil {
		b.Fatal(err)
	}
	fields := map[string]string{"f": "v"}
	for _, bk := range []struct {
		name string
		b    store.Backend
	}{{"bare", inner}, {"global", wrapped}, {"noop", explicit}, {"sdk", sdk}} {
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

// BenchmarkRealRedis compares a Get on the real Redis server bare and
// through the decorator with the SDK installed (every span sampled and
// batched to a discarding exporter, metrics aggregated): the overhead
// against one round trip. Needs STORE_TEST_REDIS_URL:
//
//	go test -run '^$' -bench RealRedis -benchmem ./storeotel
func BenchmarkRealRedis(b *testing.B) {
	url := os.Getenv(testenv.RedisURL)
	if url == "" {
		b.Skip(testenv.RedisURL + " is not set")
	}
	ctx := context.Background()
	inner, err := store.Open(ctx, url)
	if err != nil {
		b.Fatal(err)
	}
	defer inner.Close()
	tp := sdktrace.NewTracerProvider(sdktrace.WithBatcher(tracetest.NewNoopExporter()))
	defer tp.Shutdown(ctx)
	mp := sdkmetric.NewMeterProvider(sdkmetric.WithReader(sdkmetric.NewManualReader()))
	defer mp.Shutdown(ctx)
	wrapped, err := storeotel.New(inner, &storeotel.Options{TracerProvider: tp, MeterProvider: mp})
	if err != nil {
		b.Fatal(err)
	}
	stp := sdktrace.NewTracerProvider(sdktrace.WithSyncer(tracetest.NewNoopExporter()))
	defer stp.Shutdown(ctx)
	syncer, err := storeotel.New(inner, &storeotel.Options{TracerProvider: stp, MeterProvider: mp})
	if err != nil {
		b.Fatal(err)
	}
	key := "storeotel-bench:k"
	if err := inner.Set(ctx, key, "v", time.Minute); err != nil {
		b.Fatal(err)
	}
	for range 3 { // alternate, as the machine is noisy
		for _, bk := range []struct {
			name string
			b    store.Backend
		}{{"sdk", wrapped}, {"bare", inner}, {"sdksync", syncer}} {
			b.Run("Get/"+bk.name, func(b *testing.B) {
				b.ReportAllocs()
				for b.Loop() {
					if _, err := bk.b.Get(ctx, key); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}
