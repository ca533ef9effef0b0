package rediscore_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/mimeiapify/store"
	"github.com/mimeiapify/store/internal/faults"
	"github.com/mimeiapify/store/internal/testenv"
)

// partitioned opens backend be on a private server behind a proxy, checks
// it answers, and returns it with the proxy (in Pass mode).
func partitioned(t *testing.T, be string) (store.Backend, *faults.Proxy) {
	t.Helper()
	srv := testenv.StartRedis(t)
	p := faults.NewProxy(t, srv.Addr())
	raw := map[string]string{"redis": "redis://", "valkey": "valkey://"}[be] + p.Addr()
	if be == "valkey" {
		raw += "?standalone=true"
	}
	b, err := store.Open(context.Background(), raw)
	require.NoError(t, err)
	t.Cleanup(func() { _ = b.Close() })
	require.NoError(t, b.Set(context.Background(), "k", "v", 0))
	return b, p
}

// TestBlackholeCallsEndAtDeadline sends 10,000 calls, 100 at a time, each
// with a 20 ms deadline, through a blackhole on both backends: every one
// returns within its deadline + 100 ms and wraps context.DeadlineExceeded.
func TestBlackholeCallsEndAtDeadline(t *testing.T) {
	for _, be := range []string{"redis", "valkey"} {
		t.Run(be, func(t *testing.T) {
			b, p := partitioned(t, be)
			p.Blackhole()
			var mu sync.Mutex
			var worst time.Duration
			var bad []error
			var wg sync.WaitGroup
			for range 100 {
				wg.Add(1)
				go func() {
					defer wg.Done()
					for range 100 {
						ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
						deadline, _ := ctx.Deadline()
						_, err := b.Get(ctx, "k")
						over := time.Since(deadline)
						cancel()
						mu.Lock()
						worst = max(worst, over)
						if !errors.Is(err, context.DeadlineExceeded) {
							bad = append(bad, err)
						}
						mu.Unlock()
					}
				}()
			}
			wg.Wait()
			t.Logf("%s: 10000 calls through a blackhole; worst return after the deadline %v; %d without DeadlineExceeded",
				be, worst.Round(time.Millisecond), len(bad))
			require.Empty(t, bad, "calls whose deadline passed must wrap context.DeadlineExceeded")
			require.Less(t, worst, 100*time.Millisecond)
		})
	}
}

// TestCloseDuringPartition: Close returns within 1 s while the server is
// unreachable, with several connections open (8 Updates at once).
func TestCloseDuringPartition(t *testing.T) {
	for _, be := range []string{"redis", "valkey"} {
		t.Run(be, func(t *testing.T) {
			b, p := partitioned(t, be)
			var wg sync.WaitGroup
			for range 8 {
				wg.Add(1)
				go func() {
					defer wg.Done()
					err := b.Update(context.Background(), []string{"k"}, func(r store.Reader) ([]store.Op, error) {
						_, err := r.Get(context.Background(), "k")
						time.Sleep(50 * time.Millisecond) // hold the connection while the others start
						return nil, err
					})
					require.NoError(t, err)
				}()
			}
			wg.Wait()
			p.Blackhole()
			start := time.Now()
			require.NoError(t, b.Close())
			took := time.Since(start)
			t.Logf("%s: Close during a blackhole took %v", be, took.Round(time.Millisecond))
			require.Less(t, took, time.Second)
		})
	}
}

// TestCancelledPollStopsDuringPartition mimics a trigger listener
// (repos.Triggers.Listen polls with the listener's context, which has no
// deadline): a call blocked on an unreachable server returns within 1 s
// of its context being cancelled.
func TestCancelledPollStopsDuringPartition(t *testing.T) {
	for _, be := range []string{"redis", "valkey"} {
		t.Run(be, func(t *testing.T) {
			b, p := partitioned(t, be)
			ctx, cancel := context.WithCancel(context.Background())
			p.Blackhole()
			errc := make(chan error, 1)
			go func() { _, err := b.Get(ctx, "k"); errc <- err }()
			time.Sleep(100 * time.Millisecond) // the call is blocked on its read
			start := time.Now()
			cancel()
			var err error
			select {
			case err = <-errc:
			case <-time.After(10 * time.Second):
				t.Fatal("the call did not return within 10 s of its cancel")
			}
			took := time.Since(start)
			t.Logf("%s: a blocked call returned %v after its context was cancelled: %v", be, took.Round(time.Millisecond), err)
			require.ErrorIs(t, err, context.Canceled)
			require.Less(t, took, time.Second)
		})
	}
}
