package memory_test

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"testing"
	"time"

	"github.com/mimeiapify/store"
	"github.com/mimeiapify/store/backend/memory"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

// newBackend returns a backend closed when the test ends.
func newBackend(t *testing.T, opts *memory.Options) *memory.Backend {
	t.Helper()
	b := memory.New(opts)
	t.Cleanup(func() { require.NoError(t, b.Close()) })
	return b
}

func TestSweeperFreesExpiredKeys(t *testing.T) {
	ctx := context.Background()
	b := newBackend(t, &memory.Options{SweepInterval: 5 * time.Millisecond})
	for i := range 1000 {
		require.NoError(t, b.Set(ctx, fmt.Sprint("short:", i), "v", 2*time.Second))
		_, err := b.HSet(ctx, fmt.Sprint("long:", i), map[string]string{"f": "v"})
		require.NoError(t, err)
	}
	require.Equal(t, 2000, b.Len())
	require.Eventually(t, func() bool { return b.Len() == 1000 }, 10*time.Second, 5*time.Millisecond,
		"the sweeper should free the 1000 expired keys without any call touching them")
}

func TestWithoutSweeperExpiredKeysAreInvisibleButKept(t *testing.T) {
	ctx := context.Background()
	b := newBackend(t, &memory.Options{SweepInterval: -1})
	require.NoError(t, b.Set(ctx, "a", "v", time.Millisecond))
	require.NoError(t, b.Set(ctx, "b", "v", time.Millisecond))
	time.Sleep(5 * time.Millisecond)
	require.Equal(t, 2, b.Len(), "no sweeper: the memory stays until a call touches the key")
	n, err := b.Exists(ctx, "a", "b")
	require.NoError(t, err)
	require.Zero(t, n)
	_, err = b.Get(ctx, "a")
	require.ErrorIs(t, err, store.ErrNotFound)
	require.Equal(t, 1, b.Len(), "a read that meets an expired key deletes it")
}

func TestCloseStopsTheSweeper(t *testing.T) {
	before := runtime.NumGoroutine()
	b := memory.New(&memory.Options{SweepInterval: time.Millisecond})
	require.Greater(t, runtime.NumGoroutine(), before)
	require.NoError(t, b.Close())
	require.NoError(t, b.Close(), "Close twice is fine")
	goleak.VerifyNone(t)
}

func TestUnreachableBackendStopsItsSweeper(t *testing.T) {
	memory.New(&memory.Options{SweepInterval: time.Millisecond})
	// Not require.Eventually: goleak would see its polling goroutine.
	var err error
	for range 5 {
		runtime.GC()
		if err = goleak.Find(); err == nil {
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatalf("a backend never closed must not leak its sweeper once collected: %v", err)
}

func TestCallsAfterCloseFail(t *testing.T) {
	ctx := context.Background()
	b := memory.New(nil)
	require.NoError(t, b.Set(ctx, "k", "v", 0))
	require.NoError(t, b.Close())
	_, err := b.Get(ctx, "k")
	require.ErrorIs(t, err, store.ErrClosed)
	for _, err := range b.Scan(ctx, "*") {
		require.ErrorIs(t, err, store.ErrClosed)
	}
	require.Zero(t, b.Len(), "Close drops the keys")
}

func TestOpenURL(t *testing.T) {
	ctx := context.Background()
	for _, u := range []string{"memory://", "memory:", "memory:///", "memory://?shards=3&sweep=10ms", "memory://?sweep=-1s"} {
		b, err := store.Open(ctx, u)
		require.NoError(t, err, u)
		require.NoError(t, b.Set(ctx, "k", "v", 0), u)
		require.NoError(t, b.Close(), u)
	}
}

func TestOpenURLRejects(t *testing.T) {
	ctx := context.Background()
	for u, want := range map[string]string{
		"memory://?bogus=1":          "bogus",
		"memory://?shards=x":         "shards",
		"memory://?shards=-1":        "Shards",
		"memory://?shards=100000000": "Shards",
		"memory://?sweep=soon":       "sweep",
		"memory://somehost":          "no host",
		"memory://user@":             "no host",
		"memory:///some/path":        "no host",
	} {
		_, err := store.Open(ctx, u)
		require.ErrorIs(t, err, store.ErrInvalidArgument, u)
		require.ErrorContains(t, err, want, u)
	}
}

func TestShardsRoundUp(t *testing.T) {
	for in, want := range map[int]int{0: 64, 1: 1, 3: 4, 64: 64, 65: 128} {
		b := newBackend(t, &memory.Options{Shards: in, SweepInterval: -1})
		require.Equal(t, want, b.Shards(), in)
	}
	require.Panics(t, func() { memory.New(&memory.Options{Shards: -1}) })
}

func TestScanHoldsNoLockWhileYielding(t *testing.T) {
	ctx := context.Background()
	b := newBackend(t, &memory.Options{Shards: 1})
	for i := range 100 {
		require.NoError(t, b.Set(ctx, fmt.Sprint("k", i), "v", 0))
	}
	done := make(chan int)
	go func() {
		n := 0
		for k, err := range b.Scan(ctx, "k*") {
			require.NoError(t, err)
			// Writes to the shard being scanned: they would deadlock
			// if Scan held its lock across the yield.
			_, err = b.Del(ctx, k)
			require.NoError(t, err)
			require.NoError(t, b.Set(ctx, "new:"+k, "v", 0))
			n++
		}
		done <- n
	}()
	select {
	case n := <-done:
		require.Equal(t, 100, n)
	case <-time.After(10 * time.Second):
		t.Fatal("Scan deadlocked: it holds a lock while its loop body runs")
	}
}

func TestScanStopsOnCancel(t *testing.T) {
	b := newBackend(t, nil)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	for i := range 100 {
		require.NoError(t, b.Set(ctx, fmt.Sprint(i), "v", 0))
	}
	var keys, errs int
	for _, err := range b.Scan(ctx, "*") {
		if err != nil {
			require.ErrorIs(t, err, context.Canceled)
			errs++
			continue
		}
		keys++
		cancel()
	}
	require.Equal(t, 1, keys)
	require.Equal(t, 1, errs)
}

func TestUpdateWidensToKeysOutsideItsList(t *testing.T) {
	ctx := context.Background()
	b := newBackend(t, &memory.Options{Shards: 1024})
	require.NoError(t, b.Set(ctx, "other", "41", 0))
	runs := 0
	err := b.Update(ctx, []string{"k"}, func(r store.Reader) ([]store.Op, error) {
		runs++
		v, err := r.Get(ctx, "other") // not in the key list
		if err != nil {
			return nil, err
		}
		return []store.Op{&store.SetOp{Key: "k", Value: v}, &store.IncrByOp{Key: "third", Delta: 1}}, nil
	})
	require.NoError(t, err)
	require.LessOrEqual(t, runs, 3)
	v, err := b.Get(ctx, "k")
	require.NoError(t, err)
	require.Equal(t, "41", v)
	v, err = b.Get(ctx, "third")
	require.NoError(t, err)
	require.Equal(t, "1", v)
}

func TestUpdateReturnsTheFunctionsError(t *testing.T) {
	ctx := context.Background()
	b := newBackend(t, nil)
	boom := errors.New("boom")
	err := b.Update(ctx, []string{"k"}, func(r store.Reader) ([]store.Op, error) {
		return []store.Op{&store.SetOp{Key: "k", Value: "v"}}, boom
	})
	require.Same(t, boom, err)
	n, err := b.Exists(ctx, "k")
	require.NoError(t, err)
	require.Zero(t, n)
}

func TestReaderAfterUpdateFails(t *testing.T) {
	ctx := context.Background()
	b := newBackend(t, nil)
	var kept store.Reader
	require.NoError(t, b.Update(ctx, []string{"k"}, func(r store.Reader) ([]store.Op, error) {
		kept = r
		return nil, nil
	}))
	_, err := kept.Get(ctx, "k")
	require.ErrorIs(t, err, store.ErrInvalidArgument)
}
