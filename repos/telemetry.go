package repos

// This file holds the repositories' telemetry: one span per repository
// call (Options.TracerProvider), the trace context stored with a trigger
// so that its delivery links to the span that set it, and the helpers of
// the listeners' and workers' logs (Options.Logger). Metrics are in
// telemetry_metrics.go.

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"log/slog"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/metric"
	"go.opentelemetry.io/otel/propagation"
	"go.opentelemetry.io/otel/trace"

	"github.com/mimeiapify/store"
)

// ScopeName is the instrumentation scope of the repositories' tracer and
// meter.
const ScopeName = "github.com/mimeiapify/store/repos"

// TenantAttribute says how repository spans record the tenant
// (Options.TenantAttribute).
type TenantAttribute uint8

const (
	// TenantHashed records repos.tenant.hash: the first 16 hex digits of
	// the SHA-256 of the tenant id, stable across processes so that one
	// tenant's spans can be found, but not the id itself. A tenant id that
	// can be guessed can be found by hashing guesses: use TenantOmitted
	// when that matters.
	TenantHashed TenantAttribute = iota
	// TenantOmitted records nothing of the tenant.
	TenantOmitted
	// TenantPlain records repos.tenant: the tenant id as it is.
	TenantPlain
)

// Span attribute keys of the repositories.
const (
	AttrTenant     = attribute.Key("repos.tenant")
	AttrTenantHash = attribute.Key("repos.tenant.hash")
	AttrAction     = attribute.Key("repos.trigger.action")
	AttrAttempt    = attribute.Key("repos.trigger.attempt")
)

// triggerTrace is the trigger record field that holds the W3C traceparent
// of the span that set the trigger, when there was one.
const triggerTrace = "traceparent"

// telemetry is what Options set for telemetry; the zero value does
// nothing.
type telemetry struct {
	tracer trace.Tracer // nil: no spans
	tenant TenantAttribute
	meter  metric.MeterProvider // nil: no metrics
	log    *slog.Logger         // nil: silent
}

// telemetry returns the telemetry of o.
func (o *Options) telemetry() telemetry {
	t := telemetry{tenant: o.TenantAttribute, meter: o.MeterProvider, log: o.Logger}
	if o.TracerProvider != nil {
		t.tracer = o.TracerProvider.Tracer(ScopeName)
	}
	return t
}

// spanEnd ends the span of a repository call; the zero value does
// nothing. It is a value, not a closure, so that a call without a tracer
// allocates nothing (not even its error result, whose address end takes).
type spanEnd struct{ sp trace.Span }

// end records *err on the span, unless it is a not-found answer, and ends
// it.
func (e spanEnd) end(err *error) {
	if e.sp != nil {
		endSpan(e.sp, *err)
	}
}

// span starts the span of the repository call name ("User.Upsert") of
// tenant, child of ctx's span; its end(&err) records the call's error and
// ends it. Without a tracer it returns ctx and a no-op, allocating
// nothing. Use it as the first lines of a public method with a named
// error result:
//
//	ctx, span := u.s.span(ctx, "User.Upsert", u.tenant)
//	defer span.end(&err)
func (s *settings) span(ctx context.Context, name, tenant string) (context.Context, spanEnd) {
	if s.tel.tracer == nil {
		return ctx, spanEnd{}
	}
	ctx, sp := s.tel.tracer.Start(ctx, "repos."+name, trace.WithAttributes(s.tel.tenantAttrs(tenant)...))
	return ctx, spanEnd{sp}
}

// tenantAttrs returns the attributes that record tenant.
func (t *telemetry) tenantAttrs(tenant string) []attribute.KeyValue {
	switch {
	case tenant == "" || t.tenant == TenantOmitted:
		return nil
	case t.tenant == TenantPlain:
		return []attribute.KeyValue{AttrTenant.String(tenant)}
	}
	sum := sha256.Sum256([]byte(tenant))
	return []attribute.KeyValue{AttrTenantHash.String(hex.EncodeToString(sum[:8]))}
}

// endSpan records err on sp and ends it. A not-found answer is not a
// failure.
func endSpan(sp trace.Span, err error) {
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		sp.RecordError(err)
		sp.SetStatus(codes.Error, err.Error())
	}
	sp.End()
}

// addTraceParent adds to a trigger's fields the W3C traceparent of ctx's
// span, when it has one, so that the delivery links to it.
func addTraceParent(ctx context.Context, fields map[string]string) {
	if !trace.SpanContextFromContext(ctx).IsValid() {
		return
	}
	c := propagation.MapCarrier{}
	propagation.TraceContext{}.Inject(ctx, c)
	if tp := c["traceparent"]; tp != "" {
		fields[triggerTrace] = tp
	}
}

// deliverySpan starts the span of a trigger delivery: a new trace (the
// listener's poll is not its cause) linked to the span that set the
// trigger when d holds its traceparent. Without a tracer it returns ctx
// and a no-op.
func (t *telemetry) deliverySpan(ctx context.Context, d *delivery) (context.Context, spanEnd) {
	if t.tracer == nil {
		return ctx, spanEnd{}
	}
	opts := []trace.SpanStartOption{trace.WithNewRoot(), trace.WithSpanKind(trace.SpanKindConsumer),
		trace.WithAttributes(append(t.tenantAttrs(d.r.tenant),
			AttrAction.String(d.r.action), AttrAttempt.Int(d.f.Attempt))...)}
	if d.parent != "" {
		pctx := propagation.TraceContext{}.Extract(context.Background(), propagation.MapCarrier{"traceparent": d.parent})
		if sc := trace.SpanContextFromContext(pctx); sc.IsValid() {
			opts = append(opts, trace.WithLinks(trace.Link{SpanContext: sc}))
		}
	}
	ctx, sp := t.tracer.Start(ctx, "repos.Triggers.Deliver", opts...)
	return ctx, spanEnd{sp}
}

// logTrigger logs an event of a trigger delivery, with its tenant,
// action, identifier and attempt.
func (t *telemetry) logTrigger(ctx context.Context, level slog.Level, msg string, f Fired, args ...any) {
	if t.log == nil || !t.log.Enabled(ctx, level) {
		return
	}
	args = append(args, slog.String("tenant", f.Tenant), slog.String("action", f.Action),
		slog.String("identifier", f.Identifier), slog.Int("attempt", f.Attempt))
	t.log.Log(ctx, level, msg, args...)
}

// logf logs an event of a listener or worker with attributes args.
func (t *telemetry) logf(ctx context.Context, level slog.Level, msg string, args ...any) {
	if t.log != nil {
		t.log.Log(ctx, level, msg, args...)
	}
}

// queueArgs are the log attributes of queue q of tenant.
func queueArgs(tenant string, q Queue) []any {
	return []any{slog.String("tenant", tenant), slog.String("service", q.Service),
		slog.String("batch", q.Batch), slog.String("action", q.Action)}
}

// reaped logs (Warn) that a Claim or Reap returned n items of expired
// claims to queue q: their worker died or outlived its lease.
func (t *telemetry) reaped(ctx context.Context, tenant string, q Queue, n int) {
	if n > 0 && t.log != nil {
		t.logf(ctx, slog.LevelWarn, "repos: batch claims expired; items back in the queue",
			append(queueArgs(tenant, q), slog.Int("items", n))...)
	}
}

// claimLost logs (Warn) an Ack that came after its claim's lease ended.
func (t *telemetry) claimLost(ctx context.Context, tenant string, q Queue, err error) {
	if err != nil && t.log != nil {
		t.logf(ctx, slog.LevelWarn, "repos: batch claim lease lost",
			append(queueArgs(tenant, q), slog.Any("error", err))...)
	}
}
