package storeotel_test

import (
	"context"
	"errors"
	"path/filepath"
	"testing"
	"time"

	"github.com/alicebob/miniredis/v2"
	goredis "github.com/redis/go-redis/v9"
	"github.com/stretchr/testify/require"
	"github.com/valkey-io/valkey-go"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
	"go.uber.org/goleak"

	"github.com/mimeiapify/store"
	"github.com/mimeiapify/store/backend/bolt"
	"github.com/mimeiapify/store/backend/memory"
	"github.com/mimeiapify/store/backend/redis"
	vkbackend "github.com/mimeiapify/store/backend/valkey"
	"github.com/mimeiapify/store/conformance"
	"github.com/mimeiapify/store/internal/testenv"
	"github.com/mimeiapify/store/prefix"
	"github.com/mimeiapify/store/storeotel"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// telemetry is an SDK tracer and meter whose output the test reads.
type telemetry struct {
	spans  *tracetest.SpanRecorder
	reader *sdkmetric.ManualReader
	opts   *storeotel.Options
}

func newTelemetry(t testing.TB, recordKeys bool) *telemetry {
	spans := tracetest.NewSpanRecorder()
	tp := sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(spans))
	reader := sdkmetric.NewManualReader()
	mp := sdkmetric.NewMeterProvider(sdkmetric.WithReader(reader))
	t.Cleanup(func() {
		_ = tp.Shutdown(context.Background())
		_ = mp.Shutdown(context.Background())
	})
	return &telemetry{spans: spans, reader: reader,
		opts: &storeotel.Options{TracerProvider: tp, MeterProvider: mp, RecordKeys: recordKeys}}
}

// wrap instruments inner with a recording SDK, keys recorded, so that the
// conformance suite runs every recording path too.
func wrap(t *testing.T, inner store.Backend) store.Backend {
	b, err := storeotel.New(inner, newTelemetry(t, true).opts)
	require.NoError(t, err)
	return b
}

func TestConformanceMemory(t *testing.T) {
	conformance.Run(t, conformance.Harness{New: func(t *testing.T) conformance.Instance {
		return conformance.Instance{Backend: wrap(t, memory.New(nil))}
	}})
}

func TestConformanceBolt(t *testing.T) {
	conformance.Run(t, conformance.Harness{New: func(t *testing.T) conformance.Instance {
		b, err := bolt.Open(filepath.Join(t.TempDir(), "c.db"), &bolt.Options{SweepInterval: 50 * time.Millisecond})
		require.NoError(t, err)
		return conformance.Instance{Backend: wrap(t, b)}
	}})
}

func TestConformanceRedisMiniredis(t *testing.T) {
	conformance.Run(t, conformance.Harness{New: func(t *testing.T) conformance.Instance {
		b, mr := newRedis(t)
		return conformance.Instance{Backend: wrap(t, b), Advance: mr.FastForward}
	}, Scale: 0.25, Skip: testenv.MiniredisQuirks})
}

func TestConformanceValkeyMiniredis(t *testing.T) {
	conformance.Run(t, conformance.Harness{New: func(t *testing.T) conformance.Instance {
		b, mr := newValkey(t)
		return conformance.Instance{Backend: wrap(t, b), Advance: mr.FastForward}
	}, Scale: 0.25, Skip: testenv.MiniredisQuirks})
}

func newRedis(t testing.TB) (*redis.Backend, *miniredis.Miniredis) {
	mr := miniredis.RunT(t)
	c := goredis.NewClient(&goredis.Options{Addr: mr.Addr(), DisableIdentity: true, ContextTimeoutEnabled: true})
	b := redis.New(c, &redis.Options{CloseClient: true})
	t.Cleanup(func() { _ = b.Close() })
	return b, mr
}

func newValkey(t testing.TB) (*vkbackend.Backend, *miniredis.Miniredis) {
	mr := miniredis.RunT(t)
	c, err := valkey.NewClient(valkey.ClientOption{InitAddress: []string{mr.Addr()}, DisableCache: true, ForceSingleClient: true})
	require.NoError(t, err)
	b := vkbackend.New(c, &vkbackend.Options{CloseClient: true})
	t.Cleanup(func() { _ = b.Close() })
	return b, mr
}

// attrs returns a span's attributes as a map.
func attrs(kv []attribute.KeyValue) map[attribute.Key]attribute.Value {
	m := map[attribute.Key]attribute.Value{}
	for _, a := range kv {
		m[a.Key] = a.Value
	}
	return m
}

func TestSpansFollowTheSemanticConventions(t *testing.T) {
	ctx := context.Background()
	tel := newTelemetry(t, false)
	b, err := storeotel.New(memory.New(nil), tel.opts)
	require.NoError(t, err)
	defer b.Close()
	_, err = b.HSet(ctx, "t:acme:u:1", map[string]string{"a": "1"})
	require.NoError(t, err)
	_, err = b.Get(ctx, "missing")
	require.ErrorIs(t, err, store.ErrNotFound)
	_, err = b.Get(ctx, "t:acme:u:1")
	require.ErrorIs(t, err, store.ErrWrongType)

	spans := tel.spans.Ended()
	require.Len(t, spans, 3)
	hset := spans[0]
	require.Equal(t, "store.HSet", hset.Name())
	a := attrs(hset.Attributes())
	require.Equal(t, "memory", a["db.system.name"].AsString())
	require.Equal(t, "HSet", a["db.operation.name"].AsString())
	require.EqualValues(t, 1, a[storeotel.KeyCount].AsInt64())
	require.NotContains(t, a, storeotel.Keys, "keys are not recorded by default")
	require.Equal(t, codes.Unset, spans[1].Status().Code, "not found is an answer")
	require.NotContains(t, attrs(spans[1].Attributes()), attribute.Key("error.type"))
	wrong := spans[2]
	require.Equal(t, codes.Error, wrong.Status().Code)
	require.Equal(t, "wrong_type", attrs(wrong.Attributes())["error.type"].AsString())
	require.Len(t, wrong.Events(), 1)
	require.Equal(t, "exception", wrong.Events()[0].Name)
}

func TestRecordKeysOption(t *testing.T) {
	ctx := context.Background()
	tel := newTelemetry(t, true)
	b, err := storeotel.New(memory.New(nil), tel.opts)
	require.NoError(t, err)
	defer b.Close()
	_, err = b.Exists(ctx, "a", "b")
	require.NoError(t, err)
	require.NoError(t, b.Apply(ctx, &store.SetOp{Key: "x", Value: "1"}, &store.DelOp{Key: "y"}))
	spans := tel.spans.Ended()
	require.Equal(t, []string{"a", "b"}, attrs(spans[0].Attributes())[storeotel.Keys].AsStringSlice())
	a := attrs(spans[1].Attributes())
	require.Equal(t, []string{"x", "y"}, a[storeotel.Keys].AsStringSlice())
	require.EqualValues(t, 2, a["db.operation.batch.size"].AsInt64())
}

// retrying is a backend whose Update runs fn extra times first, as a
// backend does when concurrent writers change the keys.
type retrying struct {
	store.Backend
	extra int
}

func (r retrying) Update(ctx context.Context, keys []string, fn func(store.Reader) ([]store.Op, error)) error {
	return r.Backend.Update(ctx, keys, func(rd store.Reader) ([]store.Op, error) {
		for range r.extra {
			if _, err := fn(rd); err != nil {
				return nil, err
			}
		}
		return fn(rd)
	})
}

// TestUpdateCountsAttemptsAndConflicts counts the runs of fn of an Update
// that ran it three times.
func TestUpdateCountsAttemptsAndConflicts(t *testing.T) {
	ctx := context.Background()
	tel := newTelemetry(t, false)
	b, err := storeotel.New(retrying{memory.New(nil), 2}, tel.opts)
	require.NoError(t, err)
	defer b.Close()
	err = b.Update(ctx, []string{"k"}, func(r store.Reader) ([]store.Op, error) {
		if _, err := r.Get(ctx, "k"); err != nil && !errors.Is(err, store.ErrNotFound) {
			return nil, err
		}
		return []store.Op{&store.SetOp{Key: "k", Value: "mine"}}, nil
	})
	require.NoError(t, err)
	spans := tel.spans.Ended()
	require.Len(t, spans, 1)
	require.Equal(t, "store.Update", spans[0].Name())
	require.EqualValues(t, 3, attrs(spans[0].Attributes())[storeotel.UpdateAttempts].AsInt64())

	var rm metricdata.ResourceMetrics
	require.NoError(t, tel.reader.Collect(ctx, &rm))
	conflicts := findMetric(t, rm, "store.update.conflicts").Data.(metricdata.Sum[int64])
	require.Len(t, conflicts.DataPoints, 1)
	require.EqualValues(t, 2, conflicts.DataPoints[0].Value)
}

func TestDurationHistogramByOperationAndOutcome(t *testing.T) {
	ctx := context.Background()
	tel := newTelemetry(t, false)
	b, err := storeotel.New(memory.New(nil), tel.opts)
	require.NoError(t, err)
	for range 3 {
		require.NoError(t, b.Set(ctx, "s", "v", 0))
	}
	_, err = b.HGet(ctx, "s", "f")
	require.ErrorIs(t, err, store.ErrWrongType)
	require.NoError(t, b.Close())
	_, err = b.HGet(ctx, "s", "f")
	require.ErrorIs(t, err, store.ErrClosed)

	var rm metricdata.ResourceMetrics
	require.NoError(t, tel.reader.Collect(ctx, &rm))
	m := findMetric(t, rm, "db.client.operation.duration")
	require.Equal(t, "s", m.Unit)
	got := map[string]uint64{}
	for _, dp := range m.Data.(metricdata.Histogram[float64]).DataPoints {
		op, _ := dp.Attributes.Value("db.operation.name")
		et, _ := dp.Attributes.Value("error.type")
		sys, _ := dp.Attributes.Value("db.system.name")
		require.Equal(t, "memory", sys.AsString())
		got[op.AsString()+"/"+et.AsString()] += dp.Count
	}
	require.Equal(t, map[string]uint64{"Set/": 3, "HGet/wrong_type": 1, "HGet/closed": 1}, got)
}

func findMetric(t *testing.T, rm metricdata.ResourceMetrics, name string) metricdata.Metrics {
	t.Helper()
	for _, sm := range rm.ScopeMetrics {
		for _, m := range sm.Metrics {
			if m.Name == name {
				return m
			}
		}
	}
	t.Fatalf("no metric %q", name)
	return metricdata.Metrics{}
}

func TestScanSpanCoversTheLoop(t *testing.T) {
	ctx := context.Background()
	tel := newTelemetry(t, false)
	b, err := storeotel.New(memory.New(nil), tel.opts)
	require.NoError(t, err)
	defer b.Close()
	for _, k := range []string{"a1", "a2", "a3"} {
		require.NoError(t, b.Set(ctx, k, "v", 0))
	}
	n := 0
	for _, err := range b.Scan(ctx, "a*") {
		require.NoError(t, err)
		if n++; n == 2 {
			break
		}
	}
	spans := tel.spans.Ended()
	scan := spans[len(spans)-1]
	require.Equal(t, "store.Scan", scan.Name())
	require.EqualValues(t, 2, attrs(scan.Attributes())[storeotel.ScanKeys].AsInt64())
}

func TestSystemName(t *testing.T) {
	mr, _ := newRedis(t)
	vk, _ := newValkey(t)
	bt, err := bolt.Open(filepath.Join(t.TempDir(), "s.db"), nil)
	require.NoError(t, err)
	defer bt.Close()
	pre, err := prefix.New(memory.New(nil), "p:")
	require.NoError(t, err)
	defer pre.Close()
	for want, inner := range map[string]store.Backend{"redis": mr, "valkey": vk, "bolt": bt, "memory": pre} {
		b, err := storeotel.New(inner, nil)
		require.NoError(t, err)
		require.Equal(t, want, b.DBSystemName())
	}
	mem := memory.New(nil)
	defer mem.Close()
	b, err := storeotel.New(struct{ store.Backend }{mem}, nil)
	require.NoError(t, err)
	require.Equal(t, "other", b.DBSystemName())
	b, err = storeotel.New(mem, &storeotel.Options{System: "mine"})
	require.NoError(t, err)
	require.Equal(t, "mine", b.DBSystemName())
}
