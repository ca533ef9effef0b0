package repos_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"log/slog"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"

	"github.com/mimeiapify/store"
	"github.com/mimeiapify/store/backend/memory"
	"github.com/mimeiapify/store/repos"
	"github.com/mimeiapify/store/storeotel"
)

// observed is a memory backend instrumented with storeotel, and repository
// options, on one SDK tracer and meter whose output the test reads.
type observed struct {
	b      store.Backend
	spans  *tracetest.SpanRecorder
	reader *sdkmetric.ManualReader
	logs   *recordingHandler
	opts   *repos.Options
}

func newObserved(t *testing.T) *observed {
	spans := tracetest.NewSpanRecorder()
	tp := sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(spans))
	reader := sdkmetric.NewManualReader()
	mp := sdkmetric.NewMeterProvider(sdkmetric.WithReader(reader))
	b, err := storeotel.New(memory.New(nil), &storeotel.Options{TracerProvider: tp, MeterProvider: mp})
	require.NoError(t, err)
	logs := &recordingHandler{}
	t.Cleanup(func() {
		_ = b.Close()
		_ = tp.Shutdown(context.Background())
		_ = mp.Shutdown(context.Background())
	})
	return &observed{b: b, spans: spans, reader: reader, logs: logs,
		opts: &repos.Options{TracerProvider: tp, MeterProvider: mp, Logger: slog.New(logs)}}
}

// spanAttrs returns a span's attributes as a map.
func spanAttrs(s sdktrace.ReadOnlySpan) map[attribute.Key]attribute.Value {
	m := map[attribute.Key]attribute.Value{}
	for _, a := range s.Attributes() {
		m[a.Key] = a.Value
	}
	return m
}

func spansNamed(o *observed, name string) []sdktrace.ReadOnlySpan {
	var out []sdktrace.ReadOnlySpan
	for _, s := range o.spans.Ended() {
		if s.Name() == name {
			out = append(out, s)
		}
	}
	return out
}

func TestUserUpsertSpanIsParentOfItsBackendCalls(t *testing.T) {
	o := newObserved(t)
	u, err := repos.NewUser(o.b, "acme", "u1", o.opts)
	require.NoError(t, err)
	require.NoError(t, u.Upsert(context.Background(), map[string]any{"name": "Ada"}))

	ended := o.spans.Ended()
	up := spansNamed(o, "repos.User.Upsert")
	require.Len(t, up, 1)
	sum := sha256.Sum256([]byte("acme"))
	require.Equal(t, hex.EncodeToString(sum[:8]), spanAttrs(up[0])[repos.AttrTenantHash].AsString())
	require.NotContains(t, spanAttrs(up[0]), repos.AttrTenant)
	children := 0
	for _, s := range ended {
		if s == up[0] {
			continue
		}
		require.Equal(t, up[0].SpanContext().SpanID(), s.Parent().SpanID(), "span %s", s.Name())
		require.Equal(t, "store.", s.Name()[:6])
		children++
	}
	require.Positive(t, children)
}

func TestTenantAttributeOptions(t *testing.T) {
	for mode, want := range map[repos.TenantAttribute]attribute.Key{repos.TenantPlain: repos.AttrTenant, repos.TenantOmitted: ""} {
		o := newObserved(t)
		o.opts.TenantAttribute = mode
		g, err := repos.NewGeneric(o.b, "acme", o.opts)
		require.NoError(t, err)
		require.NoError(t, g.Set(context.Background(), "k", "v"))
		a := spanAttrs(spansNamed(o, "repos.Generic.Set")[0])
		require.NotContains(t, a, repos.AttrTenantHash)
		if want == "" {
			require.NotContains(t, a, repos.AttrTenant)
		} else {
			require.Equal(t, "acme", a[want].AsString())
		}
	}
}

func TestFailedRepositoryCallRecordsTheError(t *testing.T) {
	o := newObserved(t)
	u, err := repos.NewUser(o.b, "acme", "u1", o.opts)
	require.NoError(t, err)
	require.NoError(t, o.b.Close())
	require.ErrorIs(t, u.Upsert(context.Background(), map[string]any{"a": 1}), store.ErrClosed)
	s := spansNamed(o, "repos.User.Upsert")[0]
	require.Equal(t, codes.Error, s.Status().Code)
	require.Len(t, s.Events(), 1)
	require.Equal(t, "exception", s.Events()[0].Name)
}

// recordingHandler is a slog.Handler that keeps the records and tells
// a waiter of those with a given message.
type recordingHandler struct {
	mu      sync.Mutex
	records []slog.Record
	waiters map[string]chan struct{}
}

func (h *recordingHandler) Enabled(context.Context, slog.Level) bool { return true }
func (h *recordingHandler) WithAttrs([]slog.Attr) slog.Handler       { return h }
func (h *recordingHandler) WithGroup(string) slog.Handler            { return h }
func (h *recordingHandler) Handle(_ context.Context, r slog.Record) error {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.records = append(h.records, r)
	if c, ok := h.waiters[r.Message]; ok {
		delete(h.waiters, r.Message)
		close(c)
	}
	return nil
}

// await returns a channel closed at the next record with msg.
func (h *recordingHandler) await(msg string) <-chan struct{} {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.waiters == nil {
		h.waiters = map[string]chan struct{}{}
	}
	c := make(chan struct{})
	h.waiters[msg] = c
	return c
}

// find returns the attributes of the records with msg, and their levels.
func (h *recordingHandler) find(msg string) (levels []slog.Level, attrs []map[string]any) {
	h.mu.Lock()
	defer h.mu.Unlock()
	for _, r := range h.records {
		if r.Message != msg {
			continue
		}
		m := map[string]any{}
		r.Attrs(func(a slog.Attr) bool { m[a.Key] = a.Value.Any(); return true })
		levels, attrs = append(levels, r.Level), append(attrs, m)
	}
	return levels, attrs
}

// listenUntil runs ListenTriggers on o until done is closed.
func listenUntil(t *testing.T, o *observed, h repos.Handler, lo *repos.ListenOptions, done <-chan struct{}) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	errc := make(chan error, 1)
	go func() { errc <- repos.ListenTriggers(ctx, o.b, o.opts, h, lo) }()
	select {
	case <-done:
	case <-time.After(20 * time.Second):
		t.Error("timed out")
	}
	cancel()
	require.NoError(t, <-errc)
}

const (
	msgRetry     = "repos: trigger handler failed; will retry"
	msgDead      = "repos: trigger dead after its last attempt"
	msgLeaseLost = "repos: trigger lease lost; outcome dropped"
	msgPollError = "repos: trigger listener error"
)

func TestDeliverySpanLinksToTheSetter(t *testing.T) {
	o := newObserved(t)
	tr, err := repos.NewTriggers(o.b, "acme", o.opts)
	require.NoError(t, err)
	require.NoError(t, tr.Set(context.Background(), "remind", "c1", "p", repos.WithTTL(time.Millisecond)))
	setter := spansNamed(o, "repos.Triggers.Set")[0]

	done := make(chan struct{})
	var once sync.Once
	listenUntil(t, o, func(ctx context.Context, f repos.Fired) error {
		once.Do(func() { close(done) })
		return nil
	}, &repos.ListenOptions{Interval: time.Millisecond}, done)

	del := spansNamed(o, "repos.Triggers.Deliver")
	require.Len(t, del, 1)
	require.False(t, del[0].Parent().IsValid(), "a delivery starts its own trace")
	require.Len(t, del[0].Links(), 1)
	require.Equal(t, setter.SpanContext().TraceID(), del[0].Links()[0].SpanContext.TraceID())
	require.Equal(t, setter.SpanContext().SpanID(), del[0].Links()[0].SpanContext.SpanID())
	a := spanAttrs(del[0])
	require.Equal(t, "remind", a[repos.AttrAction].AsString())
	require.EqualValues(t, 1, a[repos.AttrAttempt].AsInt64())
}

func TestListenerLogsRetriesAndDeadTriggers(t *testing.T) {
	o := newObserved(t)
	tr, err := repos.NewTriggers(o.b, "acme", o.opts)
	require.NoError(t, err)
	require.NoError(t, tr.Set(context.Background(), "remind", "c1", "", repos.WithTTL(time.Millisecond)))
	dead := o.logs.await(msgDead)
	listenUntil(t, o, func(context.Context, repos.Fired) error { return errors.New("boom") },
		&repos.ListenOptions{Interval: time.Millisecond, Backoff: time.Millisecond, MaxAttempts: 2}, dead)

	levels, attrs := o.logs.find(msgRetry)
	require.Equal(t, []slog.Level{slog.LevelWarn}, levels)
	require.Equal(t, "acme", attrs[0]["tenant"])
	require.Equal(t, "remind", attrs[0]["action"])
	require.EqualValues(t, 1, attrs[0]["attempt"])
	levels, attrs = o.logs.find(msgDead)
	require.Equal(t, []slog.Level{slog.LevelError}, levels)
	require.EqualValues(t, 2, attrs[0]["attempt"])
	require.Equal(t, "boom", attrs[0]["error"])

	rm := collect(t, o)
	require.EqualValues(t, 1, sumOf(t, rm, repos.MetricTriggerDead))
	require.EqualValues(t, 2, sumOf(t, rm, repos.MetricTriggerErrors))
	require.EqualValues(t, 2, sumOf(t, rm, repos.MetricTriggerAttempts))
}

func TestListenerLogsALostLease(t *testing.T) {
	o := newObserved(t)
	tr, err := repos.NewTriggers(o.b, "acme", o.opts)
	require.NoError(t, err)
	require.NoError(t, tr.Set(context.Background(), "remind", "c1", "", repos.WithTTL(time.Millisecond)))
	lost := o.logs.await(msgLeaseLost)
	listenUntil(t, o, func(ctx context.Context, f repos.Fired) error {
		// Deleted while it runs: the listener no longer holds it.
		_, err := tr.Delete(ctx, f.Action, f.Identifier)
		return err
	}, &repos.ListenOptions{Interval: time.Millisecond}, lost)
	levels, attrs := o.logs.find(msgLeaseLost)
	require.Equal(t, []slog.Level{slog.LevelWarn}, levels)
	require.Equal(t, "c1", attrs[0]["identifier"])
}

// failingScan is a backend whose set reads fail, as a backend that is down.
type failingScan struct{ store.Backend }

func (failingScan) SMembers(context.Context, string) ([]string, error) {
	return nil, errors.New("connection refused")
}

func (failingScan) ZRangeByScore(context.Context, string, float64, float64, int) ([]store.ZMember, error) {
	return nil, errors.New("connection refused")
}

func TestListenerLogsPollErrors(t *testing.T) {
	o := newObserved(t)
	o.b = failingScan{o.b}
	polled := o.logs.await(msgPollError)
	listenUntil(t, o, func(context.Context, repos.Fired) error { return nil },
		&repos.ListenOptions{Interval: time.Millisecond}, polled)
	levels, attrs := o.logs.find(msgPollError)
	require.Equal(t, slog.LevelError, levels[0])
	require.ErrorContains(t, attrs[0]["error"].(error), "connection refused")
}

func collect(t *testing.T, o *observed) metricdata.ResourceMetrics {
	var rm metricdata.ResourceMetrics
	require.NoError(t, o.reader.Collect(context.Background(), &rm))
	return rm
}

func metricNamed(rm metricdata.ResourceMetrics, name string) (metricdata.Metrics, bool) {
	for _, sm := range rm.ScopeMetrics {
		for _, m := range sm.Metrics {
			if m.Name == name {
				return m, true
			}
		}
	}
	return metricdata.Metrics{}, false
}

// sumOf returns the total of a counter over its attribute sets.
func sumOf(t *testing.T, rm metricdata.ResourceMetrics, name string) int64 {
	m, ok := metricNamed(rm, name)
	require.True(t, ok, "no metric %s", name)
	var n int64
	for _, dp := range m.Data.(metricdata.Sum[int64]).DataPoints {
		n += dp.Value
	}
	return n
}

func TestTriggerLagAndHandlerMetrics(t *testing.T) {
	o := newObserved(t)
	tr, err := repos.NewTriggers(o.b, "acme", o.opts)
	require.NoError(t, err)
	ctx := context.Background()
	for _, id := range []string{"c1", "c2", "c3"} {
		require.NoError(t, tr.Set(ctx, "remind", id, "", repos.WithTTL(time.Millisecond)))
	}
	require.NoError(t, tr.Set(ctx, "crash", "c4", "", repos.WithTTL(time.Millisecond)))
	dead, reminded, done := o.logs.await(msgDead), make(chan struct{}), make(chan struct{})
	go func() { <-dead; <-reminded; close(done) }()
	var mu sync.Mutex
	var lags []time.Duration
	reminds := 0
	listenUntil(t, o, func(ctx context.Context, f repos.Fired) error {
		mu.Lock()
		lags = append(lags, time.Since(f.Due))
		if f.Action == "remind" {
			if reminds++; reminds == 3 {
				close(reminded)
			}
		}
		mu.Unlock()
		if f.Action == "crash" {
			panic("boom")
		}
		return nil
	}, &repos.ListenOptions{Interval: time.Millisecond, MaxAttempts: 1}, done)

	rm := collect(t, o)
	m, ok := metricNamed(rm, repos.MetricTriggerLag)
	require.True(t, ok)
	require.Equal(t, "s", m.Unit)
	got := map[string]uint64{}
	var maxLag float64
	for _, dp := range m.Data.(metricdata.Histogram[float64]).DataPoints {
		a, _ := dp.Attributes.Value(repos.AttrAction)
		got[a.AsString()] += dp.Count
		if v, ok := dp.Max.Value(); ok {
			maxLag = max(maxLag, v)
		}
	}
	require.Equal(t, map[string]uint64{"remind": 3, "crash": 1}, got)
	mu.Lock()
	require.Len(t, lags, 4)
	longest := slices.Max(lags)
	mu.Unlock()
	require.LessOrEqual(t, maxLag, longest.Seconds(), "lag is in seconds, due to handler start")
	require.Positive(t, maxLag)
	require.EqualValues(t, 4, sumOf(t, rm, repos.MetricTriggerAttempts))
	require.EqualValues(t, 1, sumOf(t, rm, repos.MetricTriggerPanics))
	require.EqualValues(t, 1, sumOf(t, rm, repos.MetricTriggerErrors))
	require.EqualValues(t, 1, sumOf(t, rm, repos.MetricTriggerDead))
	require.EqualValues(t, 0, sumOf(t, rm, repos.MetricTriggerActive))
}

func TestObserveQueuesReportsDepthInFlightAndPendingTenants(t *testing.T) {
	o := newObserved(t)
	ctx := context.Background()
	q := repos.Queue{Service: "mailer", Batch: "daily", Action: "send"}
	for tenant, n := range map[string]int{"acme": 3, "globex": 2} {
		bt, err := repos.NewBatch(o.b, tenant, o.opts)
		require.NoError(t, err)
		for range n {
			require.NoError(t, bt.Enqueue(ctx, q, "x"))
		}
	}
	reg, err := repos.ObserveQueues(o.b, o.opts, repos.TenantQueue{Tenant: "acme", Queue: q}, repos.TenantQueue{Tenant: "globex", Queue: q})
	require.NoError(t, err)
	defer reg.Unregister()
	gauge := func(name string) map[string]int64 {
		m, ok := metricNamed(collect(t, o), name)
		require.True(t, ok, name)
		out := map[string]int64{}
		for _, dp := range m.Data.(metricdata.Gauge[int64]).DataPoints {
			svc, _ := dp.Attributes.Value(repos.AttrService)
			b, _ := dp.Attributes.Value(repos.AttrBatch)
			a, _ := dp.Attributes.Value(repos.AttrQueue)
			out[svc.AsString()+"/"+b.AsString()+"/"+a.AsString()] = dp.Value
		}
		return out
	}
	require.Equal(t, map[string]int64{"mailer/daily/send": 5}, gauge(repos.MetricQueueDepth))
	require.Equal(t, map[string]int64{"mailer/daily/send": 0}, gauge(repos.MetricQueueInFlight))
	require.Equal(t, map[string]int64{"mailer//": 2}, gauge(repos.MetricQueuePendingTenants))

	bt, err := repos.NewBatch(o.b, "acme", o.opts)
	require.NoError(t, err)
	c, err := bt.Claim(ctx, q, 2, time.Minute)
	require.NoError(t, err)
	require.Len(t, c.Items, 2)
	_, _, err = repos.ClaimTenant(ctx, o.b, "mailer", time.Minute, o.opts)
	require.NoError(t, err)
	require.Equal(t, map[string]int64{"mailer/daily/send": 3}, gauge(repos.MetricQueueDepth))
	require.Equal(t, map[string]int64{"mailer/daily/send": 1}, gauge(repos.MetricQueueInFlight))
	require.Equal(t, map[string]int64{"mailer//": 1}, gauge(repos.MetricQueuePendingTenants))

	_, err = repos.ObserveQueues(o.b, nil, repos.TenantQueue{Tenant: "acme", Queue: q})
	require.ErrorIs(t, err, repos.ErrInvalidOption)
	_, err = repos.ObserveQueues(o.b, o.opts, repos.TenantQueue{Tenant: "", Queue: q})
	require.ErrorIs(t, err, repos.ErrInvalidID)
}

func TestBatchWorkerLogsExpiredClaimsAndLateAcks(t *testing.T) {
	o := newObserved(t)
	ctx := context.Background()
	q := repos.Queue{Service: "mailer", Batch: "daily", Action: "send"}
	bt, err := repos.NewBatch(o.b, "acme", o.opts)
	require.NoError(t, err)
	require.NoError(t, bt.EnqueueAll(ctx, q, []string{"a", "b"}))
	c, err := bt.Claim(ctx, q, 2, time.Millisecond)
	require.NoError(t, err)
	time.Sleep(5 * time.Millisecond) // let the lease end
	require.ErrorIs(t, bt.Ack(ctx, q, c.ID), repos.ErrLeaseExpired)
	levels, attrs := o.logs.find("repos: batch claim lease lost")
	require.Equal(t, []slog.Level{slog.LevelWarn}, levels)
	require.Equal(t, "acme", attrs[0]["tenant"])
	require.Equal(t, "send", attrs[0]["action"])

	c, err = bt.Claim(ctx, q, 2, time.Millisecond)
	require.NoError(t, err)
	time.Sleep(5 * time.Millisecond)
	n, err := bt.Reap(ctx, q)
	require.NoError(t, err)
	require.Equal(t, 2, n)
	levels, attrs = o.logs.find("repos: batch claims expired; items back in the queue")
	require.Equal(t, []slog.Level{slog.LevelWarn}, levels)
	require.EqualValues(t, 2, attrs[0]["items"])
}
