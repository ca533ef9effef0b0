package storeotel_test

import (
	"context"
	"fmt"

	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"

	"github.com/mimeiapify/store/backend/memory"
	"github.com/mimeiapify/store/storeotel"
)

func ExampleNew() {
	// An in-memory span recorder stands for the application's exporter.
	spans := tracetest.NewSpanRecorder()
	tp := sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(spans))
	defer tp.Shutdown(context.Background())

	b, err := storeotel.New(memory.New(nil), &storeotel.Options{TracerProvider: tp})
	if err != nil {
		panic(err)
	}
	defer b.Close()
	ctx := context.Background()
	_, _ = b.HSet(ctx, "user:1", map[string]string{"name": "Ada"})
	_, _ = b.HGet(ctx, "user:1", "name")
	for _, s := range spans.Ended() {
		fmt.Println(s.Name(), s.Attributes()[0].Value.AsString())
	}
	// Output:
	// store.HSet memory
	// store.HGet memory
}
