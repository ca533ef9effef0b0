package storeotel

import (
	"context"
	"errors"
	"time"

	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/metric"
	"go.opentelemetry.io/otel/trace"

	"github.com/mimeiapify/store"
)

// ScopeName is the instrumentation scope of the tracer and the meter.
const ScopeName = "github.com/mimeiapify/store/storeotel"

// Attribute keys that the semantic conventions do not define.
const (
	KeyCount       = attribute.Key("store.key_count")
	UpdateAttempts = attribute.Key("store.update.attempts")
	ScanKeys       = attribute.Key("store.scan.keys")
	Keys           = attribute.Key("store.keys")
)

// Semantic-convention attribute keys.
const (
	dbSystem    = attribute.Key("db.system.name")
	dbOperation = attribute.Key("db.operation.name")
	dbBatchSize = attribute.Key("db.operation.batch.size")
	errorType   = attribute.Key("error.type")
)

// SystemNamer is implemented by backends that name their database system
// for the db.system.name attribute. The backends of this module do
// ("memory", "bolt", "redis", "valkey"), and so do the prefix and storeotel
// decorators (with their inner backend's name).
type SystemNamer interface {
	// DBSystemName returns the db.system.name of the backend.
	DBSystemName() string
}

// Options configure New. A nil *Options or a zero field gives the
// default.
type Options struct {
	// TracerProvider makes the spans. Default: otel.GetTracerProvider(),
	// the global one (a no-op until the application installs one).
	TracerProvider trace.TracerProvider
	// MeterProvider makes the metrics. Default: otel.GetMeterProvider().
	MeterProvider metric.MeterProvider
	// System is the db.system.name of every span and measurement.
	// Default: the inner backend's DBSystemName (see SystemNamer), else
	// "other".
	System string
	// RecordKeys adds the keys of each call (the pattern of a Scan) to its
	// span as store.keys. Off by default: keys hold tenant and user ids.
	RecordKeys bool
}

// Backend is a store.Backend that traces and measures every call of the
// backend it wraps. Create one with New.
type Backend struct {
	inner      store.Backend
	system     string
	recordKeys bool
	tracer     trace.Tracer
	duration   metric.Float64Histogram
	conflicts  metric.Int64Counter
	conflictAt []metric.AddOption
	ops        [numOps]opInstr
}

var (
	_ store.Backend = (*Backend)(nil)
	_ store.Pinger  = (*Backend)(nil)
	_ SystemNamer   = (*Backend)(nil)
)

// opInstr is what New precomputes for one operation.
type opInstr struct {
	span   string                         // span name
	start  []trace.SpanStartOption        // kind and static attributes
	record [numErrs][]metric.RecordOption // by outcome
}

// durationBuckets are the boundaries the semantic conventions advise for
// db.client.operation.duration, in seconds.
var durationBuckets = []float64{0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 10}

// New returns inner instrumented as opts says (nil: the global providers,
// keys not recorded). Closing the returned backend closes inner. It fails
// only when the meter provider refuses to make an instrument.
func New(inner store.Backend, opts *Options) (*Backend, error) {
	var o Options
	if opts != nil {
		o = *opts
	}
	if o.TracerProvider == nil {
		o.TracerProvider = otel.GetTracerProvider()
	}
	if o.MeterProvider == nil {
		o.MeterProvider = otel.GetMeterProvider()
	}
	if o.System == "" {
		if n, ok := inner.(SystemNamer); ok {
			o.System = n.DBSystemName()
		}
	}
	if o.System == "" {
		o.System = "other"
	}
	meter := o.MeterProvider.Meter(ScopeName)
	duration, err := meter.Float64Histogram("db.client.operation.duration",
		metric.WithDescription("Duration of store.Backend calls."), metric.WithUnit("s"),
		metric.WithExplicitBucketBoundaries(durationBuckets...))
	if err != nil {
		return nil, err
	}
	conflicts, err := meter.Int64Counter("store.update.conflicts",
		metric.WithDescription("Update attempts that lost to a concurrent writer and ran again."),
		metric.WithUnit("{conflict}"))
	if err != nil {
		return nil, err
	}
	b := &Backend{inner: inner, system: o.System, recordKeys: o.RecordKeys,
		tracer: o.TracerProvider.Tracer(ScopeName), duration: duration, conflicts: conflicts,
		conflictAt: []metric.AddOption{metric.WithAttributeSet(attribute.NewSet(dbSystem.String(o.System)))}}
	for i := range b.ops {
		b.ops[i] = newOpInstr(o.System, opNames[i])
	}
	return b, nil
}

// newOpInstr precomputes the span options and the measurement attribute
// sets of one operation.
func newOpInstr(system, name string) opInstr {
	sys, op := dbSystem.String(system), dbOperation.String(name)
	in := opInstr{span: "store." + name, start: []trace.SpanStartOption{
		trace.WithSpanKind(trace.SpanKindClient), trace.WithAttributes(sys, op)}}
	for e := range in.record {
		set := attribute.NewSet(sys, op)
		if e != errNone {
			set = attribute.NewSet(sys, op, errorType.String(errNames[e]))
		}
		in.record[e] = []metric.RecordOption{metric.WithAttributeSet(set)}
	}
	return in
}

// Unwrap returns the backend that b instruments.
func (b *Backend) Unwrap() store.Backend { return b.inner }

// DBSystemName returns the db.system.name b records.
func (b *Backend) DBSystemName() string { return b.system }

// call is one instrumented call in progress.
type call struct {
	span  trace.Span
	op    op
	start time.Time
}

// begin starts the span of a call of op naming n keys.
func (b *Backend) begin(ctx context.Context, o op, n int) (context.Context, call) {
	ctx, span := b.tracer.Start(ctx, b.ops[o].span, b.ops[o].start...)
	if span.IsRecording() {
		span.SetAttributes(KeyCount.Int(n))
	}
	return ctx, call{span: span, op: o, start: time.Now()}
}

// begin1 is begin for a call about one key.
func (b *Backend) begin1(ctx context.Context, o op, key string) (context.Context, call) {
	ctx, c := b.begin(ctx, o, 1)
	if b.recordKeys && c.span.IsRecording() {
		c.span.SetAttributes(Keys.StringSlice([]string{key}))
	}
	return ctx, c
}

// beginN is begin for a call about keys.
func (b *Backend) beginN(ctx context.Context, o op, keys []string) (context.Context, call) {
	ctx, c := b.begin(ctx, o, len(keys))
	if b.recordKeys && c.span.IsRecording() {
		c.span.SetAttributes(Keys.StringSlice(keys))
	}
	return ctx, c
}

// end records the outcome of c and ends its span.
func (b *Backend) end(ctx context.Context, c call, err error) {
	e := classify(err)
	b.duration.Record(ctx, time.Since(c.start).Seconds(), b.ops[c.op].record[e]...)
	if e != errNone && c.span.IsRecording() {
		c.span.SetAttributes(errorType.String(errNames[e]))
		c.span.RecordError(err)
		c.span.SetStatus(codes.Error, err.Error())
	}
	c.span.End()
}

// Outcomes of a call, for error.type.
const (
	errNone = iota
	errCanceled
	errDeadline
	errClosed
	errConflict
	errWrongType
	errNotInteger
	errNotFloat
	errOverflow
	errInvalid
	errUnsupported
	errOther
	numErrs
)

// errNames are the error.type values of the outcomes.
var errNames = [numErrs]string{"", "canceled", "deadline_exceeded", "closed", "conflict",
	"wrong_type", "not_integer", "not_float", "overflow", "invalid_argument", "unsupported", "_OTHER"}

// errCauses are the errors that name an outcome, matched in this order.
var errCauses = [...]struct {
	err error
	e   int
}{
	{store.ErrNotFound, errNone},
	{context.Canceled, errCanceled}, {context.DeadlineExceeded, errDeadline},
	{store.ErrClosed, errClosed}, {store.ErrConflict, errConflict},
	{store.ErrWrongType, errWrongType}, {store.ErrNotInteger, errNotInteger},
	{store.ErrNotFloat, errNotFloat}, {store.ErrOverflow, errOverflow},
	{store.ErrInvalidArgument, errInvalid}, {store.ErrUnsupported, errUnsupported},
}

// classify returns the outcome of a call that returned err.
func classify(err error) int {
	if err == nil {
		return errNone
	}
	for _, c := range errCauses {
		if errors.Is(err, c.err) {
			return c.e
		}
	}
	return errOther
}
