package repos_test

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/mimeiapify/store"
	"github.com/mimeiapify/store/backend/bolt"
	"github.com/mimeiapify/store/backend/memory"
	"github.com/mimeiapify/store/repos"
)

// forEachBackendNoSync is forEachBackend with bolt opened without fsync,
// for the tests that write tens of thousands of times.
func forEachBackendNoSync(t *testing.T, fn func(t *testing.T, b store.Backend)) {
	t.Helper()
	for _, c := range backendCases {
		open := c.open
		if c.name == "bolt" {
			open = func(t *testing.T) store.Backend {
				b, err := bolt.Open(filepath.Join(t.TempDir(), "repos.db"), &bolt.Options{NoSync: true})
				require.NoError(t, err)
				return closing(t, b)
			}
		}
		t.Run(c.name, func(t *testing.T) { fn(t, open(t)) })
	}
}

// onMini reports whether b runs on miniredis, where tests scale down.
func onMini(b store.Backend) bool {
	_, ok := clocks.Load(b)
	return ok
}

// deliveries records what a handler was given.
type deliveries struct {
	mu     sync.Mutex
	count  map[string]int
	delays []time.Duration
}

func newDeliveries() *deliveries { return &deliveries{count: map[string]int{}} }

func (d *deliveries) add(f repos.Fired) {
	delay := time.Since(f.Due)
	d.mu.Lock()
	defer d.mu.Unlock()
	d.count[f.Tenant+"/"+f.Action+"/"+f.Identifier]++
	d.delays = append(d.delays, delay)
}

func (d *deliveries) distinct() int {
	d.mu.Lock()
	defer d.mu.Unlock()
	return len(d.count)
}

// startListeners runs n listeners of every tenant until the returned stop
// is called; stop returns once they all returned.
func startListeners(t *testing.T, b store.Backend, n int, h repos.Handler, o *repos.ListenOptions) (stop func()) {
	ctx, cancel := context.WithCancel(context.Background())
	errs := make(chan error, n)
	for range n {
		go func() { errs <- repos.ListenTriggers(ctx, b, nil, h, o) }()
	}
	return func() {
		cancel()
		for range n {
			require.NoError(t, <-errs)
		}
	}
}

// eventually waits up to d for cond.
func eventually(t *testing.T, d time.Duration, cond func() bool, msg string, args ...any) {
	t.Helper()
	deadline := time.Now().Add(d)
	for !cond() {
		if time.Now().After(deadline) {
			require.FailNowf(t, "timed out", msg, args...)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// setMany sets n triggers of tenant "acme", the i-th due after
// base + i*spread/n, from 8 goroutines.
func setMany(t *testing.T, b store.Backend, n int, base, spread time.Duration) {
	tr := newTriggers(t, b, "acme", nil)
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for w := range 8 {
		wg.Go(func() {
			var err error
			for i := w; i < n && err == nil; i += 8 {
				ttl := base + time.Duration(i)*spread/time.Duration(n)
				err = tr.Set(context.Background(), "remind", fmt.Sprint("chat-", i), fmt.Sprint(i), repos.WithTTL(ttl))
			}
			errs <- err
		})
	}
	wg.Wait()
	for range 8 {
		require.NoError(t, <-errs)
	}
}

// TestListenFiresEachTriggerOnce sets 10,000 triggers due within a few
// seconds, runs 4 listeners, and checks that each fires exactly once; it
// logs the delay between due time and delivery. Every backend runs the
// full 10,000, on real servers too; only miniredis, a single-threaded
// test double standing in for a server, runs fewer.
func TestListenFiresEachTriggerOnce(t *testing.T) {
	forEachBackendNoSync(t, func(t *testing.T, b store.Backend) {
		n := 10000
		switch {
		case onMini(b) && raceOn:
			n = 500
		case onMini(b):
			n = 2000
		}
		got := newDeliveries()
		stop := startListeners(t, b, 4, func(_ context.Context, f repos.Fired) error {
			got.add(f)
			return nil
		}, nil)
		setStart := time.Now()
		setMany(t, b, n, 1500*time.Millisecond, 2*time.Second)
		t.Logf("set %d triggers in %v", n, time.Since(setStart))
		eventually(t, 60*time.Second, func() bool { return got.distinct() == n }, "delivered %d of %d", got.distinct(), n)
		time.Sleep(300 * time.Millisecond) // room for a duplicate to show
		stop()
		for k, c := range got.count {
			require.Equal(t, 1, c, k)
		}
		slices.Sort(got.delays)
		t.Logf("%d triggers, 4 listeners: delay after due median %v, p99 %v, max %v", n,
			got.delays[len(got.delays)/2], got.delays[len(got.delays)*99/100], got.delays[len(got.delays)-1])
		require.Empty(t, dataKeys(t, b), "delivered triggers are deleted")
		require.Empty(t, scheduled(t, b))
	})
}

func TestListenDeliversTriggersDueBeforeItStarted(t *testing.T) {
	forEachBackendNoSync(t, func(t *testing.T, b store.Backend) {
		const n = 1000
		setMany(t, b, n, 10*time.Millisecond, 50*time.Millisecond)
		time.Sleep(1100 * time.Millisecond) // every bucket's second is over
		got := newDeliveries()
		started := time.Now()
		stop := startListeners(t, b, 1, func(_ context.Context, f repos.Fired) error {
			got.add(f)
			return nil
		}, nil)
		eventually(t, 30*time.Second, func() bool { return got.distinct() == n }, "delivered %d of %d", got.distinct(), n)
		t.Logf("%d triggers due before the listener started: all delivered %v after it started", n, time.Since(started))
		stop()
		require.Empty(t, dataKeys(t, b))
	})
}

func TestListenDeletedTriggerNeverFires(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b store.Backend) {
		ctx := context.Background()
		tr := newTriggers(t, b, "acme", nil)
		require.NoError(t, tr.Set(ctx, "remind", "gone", "", repos.WithTTL(100*time.Millisecond)))
		require.NoError(t, tr.Set(ctx, "remind", "kept", "", repos.WithTTL(100*time.Millisecond)))
		require.NoError(t, tr.Set(ctx, "close", "all-gone", "", repos.WithTTL(100*time.Millisecond)))
		found, err := tr.Delete(ctx, "remind", "gone")
		require.NoError(t, err)
		require.True(t, found)
		_, err = tr.DeleteAll(ctx, "all-gone")
		require.NoError(t, err)
		got := newDeliveries()
		lctx, cancel := context.WithCancel(ctx)
		done := make(chan error, 1)
		go func() {
			done <- tr.Listen(lctx, func(_ context.Context, f repos.Fired) error { got.add(f); return nil }, nil)
		}()
		eventually(t, 10*time.Second, func() bool { return got.distinct() == 1 }, "the kept trigger fires")
		time.Sleep(300 * time.Millisecond)
		cancel()
		require.NoError(t, <-done)
		require.Equal(t, map[string]int{"acme/remind/kept": 1}, got.count)
		require.Empty(t, scheduled(t, b))
	})
}

func TestListenRetriesThenDeadLetters(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b store.Backend) {
		ctx := context.Background()
		tr := newTriggers(t, b, "acme", nil)
		other := newTriggers(t, b, "globex", nil)
		require.NoError(t, tr.Set(ctx, "remind", "chat-1", "p", repos.WithTTL(50*time.Millisecond)))
		var mu sync.Mutex
		var attempts []int
		o := &repos.ListenOptions{MaxAttempts: 3, Backoff: 20 * time.Millisecond, Interval: 10 * time.Millisecond}
		stop := startListeners(t, b, 2, func(_ context.Context, f repos.Fired) error {
			mu.Lock()
			defer mu.Unlock()
			attempts = append(attempts, f.Attempt)
			return errors.New("mail server down")
		}, o)
		eventually(t, 10*time.Second, func() bool {
			dead, err := tr.DeadTriggers(ctx)
			require.NoError(t, err)
			return len(dead) == 1
		}, "the trigger goes to the dead letters")
		time.Sleep(100 * time.Millisecond)
		stop()
		require.Equal(t, []int{1, 2, 3}, attempts)
		dead, err := repos.DeadTriggers(ctx, b, nil)
		require.NoError(t, err)
		require.Len(t, dead, 1)
		require.Equal(t, "mail server down", dead[0].Error)
		require.Equal(t, repos.Fired{Tenant: "acme", Action: "remind", Identifier: "chat-1", Payload: "p",
			Due: dead[0].Due, Attempt: 3}, dead[0].Fired)
		none, err := other.DeadTriggers(ctx)
		require.NoError(t, err)
		require.Empty(t, none, "dead letters are listed per tenant")
		require.Empty(t, scheduled(t, b))

		_, err = tr.Delete(ctx, "remind", "chat-1")
		require.NoError(t, err)
		dead, err = repos.DeadTriggers(ctx, b, nil)
		require.NoError(t, err)
		require.Empty(t, dead)
		require.Empty(t, dataKeys(t, b))
	})
}

func TestListenInvalidOptions(t *testing.T) {
	ctx := context.Background()
	b := closing(t, memory.New(nil))
	tr := newTriggers(t, b, "acme", nil)
	h := func(context.Context, repos.Fired) error { return nil }
	require.ErrorIs(t, tr.Listen(ctx, nil, nil), repos.ErrInvalidOption)
	require.ErrorIs(t, tr.Listen(ctx, h, &repos.ListenOptions{Lease: -1}), repos.ErrInvalidOption)
	require.ErrorIs(t, repos.ListenTriggers(ctx, b, &repos.Options{Prefix: "*"}, h, nil), repos.ErrInvalidOption)
}

// TestListenIdlePollReadsLittle sets 500 triggers spread over the next
// week and checks that an idle listener costs one call per Interval
// (the wake marks of its shards, or one shard's earliest entry, or its
// registration) and never reads a trigger's record: the schedule's
// scores tell it nothing is due.
func TestListenIdlePollReadsLittle(t *testing.T) {
	forEachBackendNoSync(t, func(t *testing.T, raw store.Backend) {
		ctx := context.Background()
		tr := newTriggers(t, raw, "acme", nil)
		const n = 500
		week := 7 * 24 * time.Hour
		for i := range n {
			ttl := time.Hour + time.Duration(i)*(week-time.Hour)/n
			require.NoError(t, tr.Set(ctx, "remind", fmt.Sprint("chat-", i), "", repos.WithTTL(ttl)))
		}
		b := newCounting(raw)
		const interval = 5 * time.Millisecond
		stop := startListeners(t, b, 1, func(context.Context, repos.Fired) error {
			return errors.New("nothing is due")
		}, &repos.ListenOptions{Interval: interval, OnError: func(err error) { require.NoError(t, err) }})
		time.Sleep(100 * time.Millisecond) // the first poll reads every shard once
		b.reset()
		start := time.Now()
		time.Sleep(200 * time.Millisecond)
		stop()
		elapsed := time.Since(start)
		b.mu.Lock()
		calls := b.calls
		b.mu.Unlock()
		require.Positive(t, calls)
		t.Logf("%d calls in %v at Interval %v (%d pending triggers over a week)", calls, elapsed, interval, n)
		require.LessOrEqual(t, calls, int(elapsed/interval)+2, "more than one call per Interval")
		for _, k := range b.touched() {
			require.NotContains(t, k, "}:trg:", "an idle poll read a record")
		}
	})
}

// TestListenIdleCost measures what 4 idle listeners with the default
// options cost, with 500 triggers pending over the next week: at most one
// call per listener per Interval (100 ms), so 40 calls/s. The time index
// this schedule replaced cost 40.0 calls/s with nothing pending and
// 78.7 with these 500 (the same measure on its code).
func TestListenIdleCost(t *testing.T) {
	raw := closing(t, memory.New(nil))
	ctx := context.Background()
	tr := newTriggers(t, raw, "acme", nil)
	week := 7 * 24 * time.Hour
	for i := range 500 {
		ttl := time.Hour + time.Duration(i)*(week-time.Hour)/500
		require.NoError(t, tr.Set(ctx, "remind", fmt.Sprint("chat-", i), "", repos.WithTTL(ttl)))
	}
	b := newCounting(raw)
	stop := startListeners(t, b, 4, func(context.Context, repos.Fired) error { return nil }, nil)
	time.Sleep(2 * time.Second) // the listeners have divided the shards
	b.reset()
	start := time.Now()
	time.Sleep(3 * time.Second)
	b.mu.Lock()
	calls := b.calls
	b.mu.Unlock()
	elapsed := time.Since(start)
	stop()
	rate := float64(calls) / elapsed.Seconds()
	t.Logf("4 idle listeners: %d calls in %v: %.1f calls/s", calls, elapsed, rate)
	require.LessOrEqual(t, rate, 41.0, "4 idle listeners cost more than one call per Interval each")
}
