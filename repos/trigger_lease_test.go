package repos_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/mimeiapify/store"
	"github.com/mimeiapify/store/repos"
)

// TestListenHungHandlerLosesItsLease runs a listener whose handler hangs
// past its lease (a stuck handler): the trigger is taken again once the
// lease ends, as attempt 2, by whichever listener holds its shard (the
// hung handler's own listener, or the second one), and the hung
// handler's late success neither completes the trigger again nor deletes
// the trigger set anew meanwhile.
func TestListenHungHandlerLosesItsLease(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b store.Backend) {
		ctx := context.Background()
		tr := newTriggers(t, b, "acme", nil)
		require.NoError(t, tr.Set(ctx, "remind", "chat-1", "v1", repos.WithTTL(50*time.Millisecond)))

		started, release := make(chan struct{}, 1), make(chan struct{})
		later := make(chan arrival, 16)
		beforeClaim := time.Now() // the lease ends at least 400 ms after this
		stopHung := startListeners(t, b, 1, func(_ context.Context, f repos.Fired) error {
			if f.Attempt > 1 {
				later <- arrival{f, time.Now()}
				return nil
			}
			started <- struct{}{}
			<-release // ignores its context, as a stuck handler would
			return nil
		}, &repos.ListenOptions{Lease: 400 * time.Millisecond, Interval: 10 * time.Millisecond})
		<-started

		other := listenArrivals(t, b, &repos.ListenOptions{Interval: 10 * time.Millisecond})
		var a arrival
		select {
		case a = <-other.ch:
		case a = <-later:
		case <-time.After(20 * time.Second):
			require.FailNow(t, "the hung delivery was not taken over")
		}
		require.GreaterOrEqual(t, a.at.Sub(beforeClaim), 400*time.Millisecond, "taken over before the lease ended")
		require.Equal(t, 2, a.f.Attempt)
		require.Equal(t, "v1", a.f.Payload)

		require.NoError(t, tr.Set(ctx, "remind", "chat-1", "v2", repos.WithTTL(time.Hour)))
		close(release)
		stopHung()
		other.stop()
		require.Empty(t, other.ch, "delivered once more only")
		require.Empty(t, later, "delivered once more only")
		next, err := tr.Get(ctx, "remind", "chat-1")
		require.NoError(t, err, "the late success of the hung handler deleted the new trigger")
		require.Equal(t, "v2", next.Payload)
	})
}

// arrival is one delivery and when its handler ran.
type arrival struct {
	f  repos.Fired
	at time.Time
}

// arrivals is a listener of every tenant whose handler records each
// delivery.
type arrivals struct {
	ch   chan arrival
	stop func()
}

// listenArrivals starts an arrivals listener; stop it with its stop.
func listenArrivals(t *testing.T, b store.Backend, o *repos.ListenOptions) *arrivals {
	a := &arrivals{ch: make(chan arrival, 16)}
	a.stop = startListeners(t, b, 1, func(_ context.Context, f repos.Fired) error {
		a.ch <- arrival{f, time.Now()}
		return nil
	}, o)
	return a
}

// next waits up to 20 s for a delivery, failing with msg.
func (a *arrivals) next(t *testing.T, msg string) arrival {
	t.Helper()
	select {
	case got := <-a.ch:
		return got
	case <-time.After(20 * time.Second):
		require.FailNow(t, msg)
	}
	return arrival{}
}

// TestListenRecoversHandlerPanic checks that a panicking handler does not
// crash its listener: the panic counts as a failed attempt, retried, and
// after the last attempt the dead letter names the panic.
func TestListenRecoversHandlerPanic(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b store.Backend) {
		ctx := context.Background()
		tr := newTriggers(t, b, "acme", nil)
		require.NoError(t, tr.Set(ctx, "remind", "flaky", "", repos.WithTTL(50*time.Millisecond)))
		require.NoError(t, tr.Set(ctx, "remind", "broken", "", repos.WithTTL(50*time.Millisecond)))
		var mu sync.Mutex
		attempts := map[string][]int{}
		stop := startListeners(t, b, 1, func(_ context.Context, f repos.Fired) error {
			mu.Lock()
			attempts[f.Identifier] = append(attempts[f.Identifier], f.Attempt)
			mu.Unlock()
			if f.Identifier == "broken" || f.Attempt == 1 {
				panic(fmt.Sprintf("boom on %s", f.Identifier))
			}
			return nil
		}, &repos.ListenOptions{MaxAttempts: 2, Backoff: 20 * time.Millisecond, Interval: 10 * time.Millisecond})
		eventually(t, 10*time.Second, func() bool {
			dead, err := tr.DeadTriggers(ctx)
			require.NoError(t, err)
			_, err = tr.Remaining(ctx, "remind", "flaky")
			mu.Lock()
			flaky := len(attempts["flaky"])
			mu.Unlock()
			return len(dead) == 1 && errors.Is(err, store.ErrNotFound) && flaky == 2
		}, "the flaky trigger succeeds on attempt 2 and the broken one gives up")
		stop()
		require.Equal(t, map[string][]int{"flaky": {1, 2}, "broken": {1, 2}}, attempts)
		dead, err := tr.DeadTriggers(ctx)
		require.NoError(t, err)
		require.Equal(t, "broken", dead[0].Identifier)
		require.Contains(t, dead[0].Error, repos.ErrHandlerPanic.Error())
		require.Contains(t, dead[0].Error, "boom on broken")
		require.Contains(t, dead[0].Error, "goroutine", "the dead letter keeps the stack")
	})
}

// TestListenLeavesBackingOffTriggersAlone checks that a trigger waiting
// for its next attempt (or leased to another listener) is not claimed at
// every poll: after its failed first attempt, 300 ms of polls every 10 ms
// touch its record at most once more.
func TestListenLeavesBackingOffTriggersAlone(t *testing.T) {
	forEachBackend(t, func(t *testing.T, raw store.Backend) {
		ctx := context.Background()
		tr := newTriggers(t, raw, "acme", nil)
		require.NoError(t, tr.Set(ctx, "remind", "chat-1", "", repos.WithTTL(20*time.Millisecond)))
		b := newCounting(raw)
		failed := make(chan struct{}, 1)
		stop := startListeners(t, b, 1, func(context.Context, repos.Fired) error {
			failed <- struct{}{}
			return errors.New("try again in an hour")
		}, &repos.ListenOptions{Backoff: time.Hour, Interval: 10 * time.Millisecond})
		<-failed
		time.Sleep(50 * time.Millisecond) // the failure is recorded
		b.reset()
		time.Sleep(300 * time.Millisecond)
		stop()
		claims := 0
		b.mu.Lock()
		for k, n := range b.keys {
			if strings.Contains(k, "}:trg:") {
				claims += n
			}
		}
		calls := b.calls
		b.mu.Unlock()
		require.LessOrEqual(t, claims, 2, "the record of a backing-off trigger was read %d times in %d calls", claims, calls)
		require.Positive(t, calls, "the listener kept polling")
	})
}
