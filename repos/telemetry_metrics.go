package repos

// This file holds the metrics of the background side: trigger listeners
// count and time their deliveries, and ObserveQueues reports the depth of
// batch queues at each collection. Both exist only with
// Options.MeterProvider.

import (
	"context"
	"errors"
	"fmt"
	"time"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/metric"

	"github.com/mimeiapify/store"
)

// Metric names. Trigger metrics carry repos.trigger.action; queue metrics
// carry repos.batch.service, repos.batch.name and repos.batch.action
// (pending tenants only the service).
const (
	MetricTriggerLag          = "repos.trigger.lag"               // histogram, s: due time to handler start, first attempts
	MetricTriggerAttempts     = "repos.trigger.attempts"          // counter: deliveries started
	MetricTriggerActive       = "repos.trigger.deliveries.active" // up-down counter: handlers running
	MetricTriggerErrors       = "repos.trigger.handler.errors"    // counter: attempts that failed (panics included)
	MetricTriggerPanics       = "repos.trigger.handler.panics"    // counter: attempts whose handler panicked
	MetricTriggerDead         = "repos.trigger.dead"              // counter: triggers moved to the dead letters
	MetricQueueDepth          = "repos.batch.queue.depth"         // gauge: items waiting in a queue
	MetricQueueInFlight       = "repos.batch.claims.in_flight"    // gauge: claims of a queue not acknowledged
	MetricQueuePendingTenants = "repos.batch.pending_tenants"     // gauge: tenants marked pending for a service
)

// Attribute keys of the queue metrics.
const (
	AttrService = attribute.Key("repos.batch.service")
	AttrBatch   = attribute.Key("repos.batch.name")
	AttrQueue   = attribute.Key("repos.batch.action")
)

// lagBuckets are the boundaries of the lag histogram, in seconds: from
// the listener's poll interval to the retention.
var lagBuckets = []float64{0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 3600}

// triggerMetrics are a listener's instruments; a nil one records nothing.
type triggerMetrics struct {
	lag                            metric.Float64Histogram
	attempts, errs, panics, deaths metric.Int64Counter
	active                         metric.Int64UpDownCounter
}

// newTriggerMetrics makes the instruments of a listener on mp; nil mp
// gives nil.
func newTriggerMetrics(mp metric.MeterProvider) (*triggerMetrics, error) {
	if mp == nil {
		return nil, nil
	}
	m := mp.Meter(ScopeName)
	var t triggerMetrics
	var e [6]error
	t.lag, e[0] = m.Float64Histogram(MetricTriggerLag, metric.WithUnit("s"),
		metric.WithDescription("Time from a trigger's due time to the start of its first delivery."),
		metric.WithExplicitBucketBoundaries(lagBuckets...))
	t.attempts, e[1] = m.Int64Counter(MetricTriggerAttempts, metric.WithDescription("Trigger deliveries started."))
	t.errs, e[2] = m.Int64Counter(MetricTriggerErrors, metric.WithDescription("Trigger deliveries whose handler failed or panicked."))
	t.panics, e[3] = m.Int64Counter(MetricTriggerPanics, metric.WithDescription("Trigger deliveries whose handler panicked."))
	t.deaths, e[4] = m.Int64Counter(MetricTriggerDead, metric.WithDescription("Triggers moved to the dead letters."))
	t.active, e[5] = m.Int64UpDownCounter(MetricTriggerActive, metric.WithDescription("Trigger handlers running."))
	if err := errors.Join(e[:]...); err != nil {
		return nil, fmt.Errorf("%w: trigger metrics: %w", ErrInvalidOption, err)
	}
	return &t, nil
}

// action returns the measurement option of a trigger action.
func actionAttr(action string) metric.MeasurementOption {
	return metric.WithAttributeSet(attribute.NewSet(AttrAction.String(action)))
}

// started records the start of delivery f.
func (t *triggerMetrics) started(ctx context.Context, f Fired) {
	if t == nil {
		return
	}
	a := actionAttr(f.Action)
	t.attempts.Add(ctx, 1, a)
	t.active.Add(ctx, 1, a)
	if f.Attempt == 1 {
		t.lag.Record(ctx, max(0, time.Since(f.Due).Seconds()), a)
	}
}

// finished records the end of the handler of f, which returned herr.
func (t *triggerMetrics) finished(ctx context.Context, f Fired, herr error) {
	if t == nil {
		return
	}
	a := actionAttr(f.Action)
	t.active.Add(ctx, -1, a)
	if herr != nil {
		t.errs.Add(ctx, 1, a)
	}
	if errors.Is(herr, ErrHandlerPanic) {
		t.panics.Add(ctx, 1, a)
	}
}

// dead records a trigger moved to the dead letters.
func (t *triggerMetrics) dead(ctx context.Context, action string) {
	if t != nil {
		t.deaths.Add(ctx, 1, actionAttr(action))
	}
}

// TenantQueue names a queue of one tenant, for ObserveQueues.
type TenantQueue struct {
	Tenant string
	Queue
}

// ObserveQueues registers gauges on opts.MeterProvider that read the
// given queues at each collection (each Prometheus scrape, say), not on
// any call of the application: MetricQueueDepth and MetricQueueInFlight
// by service, batch and action (summed over the tenants listed), and
// MetricQueuePendingTenants by service. Claims in flight include those whose
// lease ended and that no Claim or Reap returned to the queue yet.
// Unregister the returned registration to stop. It fails with
// ErrInvalidOption without a MeterProvider or on bad options, and with
// ErrInvalidID on a bad name.
//
// Cost per collection: 2 calls per queue (LLen, ZCard) and PendingShards
// per service (SCard of each pending shard), bounded by the collection's
// context; a failed read leaves its gauges out of that collection.
func ObserveQueues(b store.Backend, opts *Options, queues ...TenantQueue) (metric.Registration, error) {
	s, err := opts.resolve()
	if err != nil {
		return nil, err
	}
	if s.tel.meter == nil {
		return nil, fmt.Errorf("%w: ObserveQueues needs Options.MeterProvider", ErrInvalidOption)
	}
	for _, q := range queues {
		if err := checkIDs("tenant", q.Tenant, "service", q.Service, "batch", q.Batch); err != nil {
			return nil, err
		}
		if err := checkID("action", q.Action); err != nil {
			return nil, err
		}
	}
	m := s.tel.meter.Meter(ScopeName)
	depth, err1 := m.Int64ObservableGauge(MetricQueueDepth, metric.WithDescription("Items waiting in batch queues."))
	inflight, err2 := m.Int64ObservableGauge(MetricQueueInFlight, metric.WithDescription("Claims of batch queues not acknowledged."))
	pending, err3 := m.Int64ObservableGauge(MetricQueuePendingTenants, metric.WithDescription("Tenants marked pending for a service."))
	if err := errors.Join(err1, err2, err3); err != nil {
		return nil, fmt.Errorf("%w: queue metrics: %w", ErrInvalidOption, err)
	}
	o := queueObserver{b: b, k: s.keys, queues: queues, depth: depth, inflight: inflight, pending: pending}
	return m.RegisterCallback(o.observe, depth, inflight, pending)
}

// queueObserver reads the queues of ObserveQueues.
type queueObserver struct {
	b                        store.Backend
	k                        keyspace
	queues                   []TenantQueue
	depth, inflight, pending metric.Int64ObservableGauge
}

// observe reads every queue and service once and reports the sums.
func (o *queueObserver) observe(ctx context.Context, obs metric.Observer) error {
	depth, inflight, services := map[Queue]int64{}, map[Queue]int64{}, map[string]bool{}
	failed := map[Queue]bool{}
	var errs []error
	for _, tq := range o.queues {
		q := tq.Queue
		services[q.Service] = true
		n, err1 := o.b.LLen(ctx, o.k.batch(tq.Tenant, q.Service, q.Batch, q.Action))
		c, err2 := o.b.ZCard(ctx, o.k.inflight(tq.Tenant, q.Service, q.Batch, q.Action))
		if err := errors.Join(err1, err2); err != nil {
			errs = append(errs, err)
			failed[q] = true
		}
		depth[q] += n
		inflight[q] += c
	}
	for q, n := range depth {
		if failed[q] {
			continue
		}
		set := metric.WithAttributes(AttrService.String(q.Service), AttrBatch.String(q.Batch), AttrQueue.String(q.Action))
		obs.ObserveInt64(o.depth, n, set)
		obs.ObserveInt64(o.inflight, inflight[q], set)
	}
	for svc := range services {
		var total int64
		var err error
		for shard := 0; shard < PendingShards && err == nil; shard++ {
			var n int64
			n, err = o.b.SCard(ctx, o.k.pendingShard(svc, shard))
			total += n
		}
		if err != nil {
			errs = append(errs, err)
			continue
		}
		obs.ObserveInt64(o.pending, total, metric.WithAttributes(AttrService.String(svc)))
	}
	return errors.Join(errs...)
}
