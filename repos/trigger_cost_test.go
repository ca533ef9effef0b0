package repos_test

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/mimeiapify/store"
	"github.com/mimeiapify/store/backend/memory"
	"github.com/mimeiapify/store/backend/redis"
	"github.com/mimeiapify/store/internal/testenv"
	"github.com/mimeiapify/store/repos"
)

// TestListenRoundTripsPerDelivery delivers 2,000 triggers with 4
// listeners on the redis backend (over miniredis) and counts every round
// trip the listeners make, idle polls, registry renewals and claim
// conflicts included: at most 5 per delivery.
func TestListenRoundTripsPerDelivery(t *testing.T) {
	client, hook := testenv.CountedMiniredisClient(t)
	b := redis.New(client, nil)
	n := 2000
	if raceOn {
		n = 500
	}
	rate := deliverAll(t, b, n, hook.Reset)
	got := hook.N()
	t.Logf("%d deliveries by 4 listeners: %d round trips, %.2f per delivery (%.0f deliveries/s)", n, got, float64(got)/float64(n), rate)
	require.LessOrEqual(t, float64(got)/float64(n), 5.0)
}

// TestListenCallsPerDelivery is TestListenRoundTripsPerDelivery with the
// counting backend on memory: backend calls and Updates per delivery (an
// Update costs its reads' round trips plus one on Redis).
func TestListenCallsPerDelivery(t *testing.T) {
	b := newCounting(closing(t, memory.New(nil)))
	const n = 2000
	deliverAll(t, b, n, b.reset)
	b.mu.Lock()
	calls, updates := b.calls, b.updates
	b.mu.Unlock()
	t.Logf("%d deliveries by 4 listeners: %d calls (%.2f per delivery), %d of them Updates (%.2f per delivery)",
		n, calls, float64(calls)/n, updates, float64(updates)/n)
	require.LessOrEqual(t, float64(calls+updates)/n, 5.0, "calls plus one more round trip per Update")
}

// deliverAll sets n triggers that fall due together, calls reset, then
// delivers them with 4 listeners and returns the deliveries per second.
func deliverAll(t *testing.T, b store.Backend, n int, reset func()) float64 {
	t.Helper()
	ctx := context.Background()
	tr := newTriggers(t, b, "acme", nil)
	for i := range n {
		require.NoError(t, tr.Set(ctx, "remind", fmt.Sprint("chat-", i), "", repos.WithTTL(100*time.Millisecond)))
	}
	time.Sleep(150 * time.Millisecond)
	reset()
	var delivered atomic.Int64
	done := make(chan struct{})
	start := time.Now()
	stop := startListeners(t, b, 4, func(context.Context, repos.Fired) error {
		if delivered.Add(1) == int64(n) {
			close(done)
		}
		return nil
	}, nil)
	select {
	case <-done:
	case <-time.After(60 * time.Second):
		require.FailNow(t, "not delivered", "%d of %d", delivered.Load(), n)
	}
	elapsed := time.Since(start)
	stop()
	require.Empty(t, dataKeys(t, b))
	return float64(n) / elapsed.Seconds()
}
