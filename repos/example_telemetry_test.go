package repos_test

import (
	"context"
	"fmt"

	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"

	"github.com/mimeiapify/store/backend/memory"
	"github.com/mimeiapify/store/repos"
	"github.com/mimeiapify/store/storeotel"
)

func ExampleObserveQueues() {
	ctx := context.Background()
	reader := sdkmetric.NewManualReader() // the application's exporter
	mp := sdkmetric.NewMeterProvider(sdkmetric.WithReader(reader))
	b := memory.New(nil)
	defer b.Close()
	opts := &repos.Options{MeterProvider: mp}
	q := repos.Queue{Service: "mailer", Batch: "digest", Action: "send"}
	bt, _ := repos.NewBatch(b, "acme", opts)
	_ = bt.EnqueueAll(ctx, q, []string{"a", "b", "c"})

	reg, err := repos.ObserveQueues(b, opts, repos.TenantQueue{Tenant: "acme", Queue: q})
	if err != nil {
		panic(err)
	}
	defer reg.Unregister()
	var rm metricdata.ResourceMetrics
	_ = reader.Collect(ctx, &rm) // a scrape
	for _, m := range rm.ScopeMetrics[0].Metrics {
		if m.Name == repos.MetricQueueDepth {
			fmt.Println(m.Name, m.Data.(metricdata.Gauge[int64]).DataPoints[0].Value)
		}
	}
	// Output: repos.batch.queue.depth 3
}

func ExampleOptions_tracerProvider() {
	spans := tracetest.NewSpanRecorder() // the application's exporter
	tp := sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(spans))
	b, _ := storeotel.New(memory.New(nil), &storeotel.Options{TracerProvider: tp})
	defer b.Close()
	u, _ := repos.NewUser(b, "acme", "u1", &repos.Options{TracerProvider: tp})
	_ = u.Upsert(context.Background(), map[string]any{"name": "Ada"})
	for _, s := range spans.Ended() {
		fmt.Println(s.Name())
	}
	// Output:
	// store.Apply
	// repos.User.Upsert
}
