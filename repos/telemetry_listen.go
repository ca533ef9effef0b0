package repos

// This file holds the telemetry hooks of trigger listeners: the metrics
// and log lines of a delivery's events.

import (
	"context"
	"log/slog"
	"time"

	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/trace"
)

// handled records the outcome of d's handler: metrics, and the error on
// the delivery's span. A handler that failed as its listener stopped is
// given back without counting the attempt (see run), and is not counted
// as a failure either.
func (l *listener) handled(ctx context.Context, d *delivery, herr error) {
	if ctx.Err() != nil {
		herr = nil
	}
	l.m.finished(ctx, d.f, herr)
	if herr != nil {
		if sp := trace.SpanFromContext(ctx); sp.IsRecording() {
			sp.RecordError(herr)
			sp.SetStatus(codes.Error, "handler failed")
		}
	}
}

// failed logs a failed attempt of d: a retry (Warn) or, after the last
// attempt, a dead trigger (Error).
func (l *listener) failed(ctx context.Context, d *delivery, herr error, last bool) {
	if last {
		l.dead(ctx, d, herr.Error())
		return
	}
	l.tel.logTrigger(ctx, slog.LevelWarn, "repos: trigger handler failed; will retry", d.f,
		slog.Any("error", herr), slog.Duration("backoff", backoff(l.o.Backoff, d.f.Attempt)))
}

// dead counts and logs (Error) d's move to the dead letters.
func (l *listener) dead(ctx context.Context, d *delivery, reason string) {
	l.m.dead(ctx, d.r.action)
	l.tel.logTrigger(ctx, slog.LevelError, "repos: trigger dead after its last attempt", d.f,
		slog.String("error", clip(reason)))
}

// leaseLost logs (Warn) that d's record was no longer leased to this
// listener when it came to record the outcome: the handler outlived its
// lease, or the trigger was deleted or replaced meanwhile.
func (l *listener) leaseLost(ctx context.Context, d *delivery) {
	l.tel.logTrigger(ctx, slog.LevelWarn, "repos: trigger lease lost; outcome dropped", d.f,
		slog.Duration("lease", l.o.Lease), slog.Time("lease_end", d.end.Truncate(time.Millisecond)))
}
