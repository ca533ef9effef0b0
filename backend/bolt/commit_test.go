package bolt

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/mimeiapify/store"
)

func TestGroupCommitSharesTransactions(t *testing.T) {
	b := newTest(t, nil)
	const writers, each = 64, 10
	var wg sync.WaitGroup
	for w := range writers {
		wg.Go(func() {
			for i := range each {
				require.NoError(t, b.Set(ctx, fmt.Sprint(w, "/", i), "v", 0))
			}
		})
	}
	wg.Wait()
	commits := b.commits.Load()
	t.Logf("%d writes in %d commits", writers*each, commits)
	require.Less(t, commits, int64(writers*each/4))
	n := 0
	for _, err := range b.Scan(ctx, "*") {
		require.NoError(t, err)
		n++
	}
	require.Equal(t, writers*each, n)
}

// TestFailedWriteLeavesGroupIntact runs a group in which one write
// writes and then fails: its write is undone, the others commit.
func TestFailedWriteLeavesGroupIntact(t *testing.T) {
	b := newTest(t, nil)
	boom := errors.New("boom")
	mk := func(fn func(t *txn) error) *request {
		return &request{ctx: ctx, fn: fn, done: make(chan error, 1)}
	}
	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	batch := []*request{
		mk(func(t *txn) error { return t.set("a", "1", 0) }),
		mk(func(t *txn) error {
			if err := t.set("bad", "1", 0); err != nil {
				return err
			}
			return boom
		}),
		mk(func(t *txn) error { return t.set("c", "1", 0) }),
		{ctx: cancelled, fn: func(t *txn) error { return t.set("d", "1", 0) }, done: make(chan error, 1)},
	}
	b.commit(slices.Clone(batch))
	require.NoError(t, <-batch[0].done)
	require.ErrorIs(t, <-batch[1].done, boom)
	require.NoError(t, <-batch[2].done)
	require.ErrorIs(t, <-batch[3].done, context.Canceled)
	n, err := b.Exists(ctx, "a", "bad", "c", "d")
	require.NoError(t, err)
	require.Equal(t, int64(2), n)
}

func TestWriteFunctionPanicReachesCaller(t *testing.T) {
	b := newTest(t, nil)
	require.PanicsWithValue(t, "oops", func() {
		_ = b.Update(ctx, nil, func(store.Reader) ([]store.Op, error) { panic("oops") })
	})
	require.NoError(t, b.Set(ctx, "after", "ok", 0))
}

// TestQueuedWriteHonoursContext: a write waiting behind a busy writer
// fails when its context ends, names its key and writes nothing.
func TestQueuedWriteHonoursContext(t *testing.T) {
	b := newTest(t, nil)
	started, release := make(chan struct{}), make(chan struct{})
	updated := make(chan error, 1)
	go func() {
		updated <- b.Update(ctx, nil, func(store.Reader) ([]store.Op, error) {
			close(started)
			<-release
			return nil, nil
		})
	}()
	<-started
	short, cancel := context.WithTimeout(ctx, 50*time.Millisecond)
	defer cancel()
	err := b.Set(short, "queued", "v", 0)
	close(release)
	require.ErrorIs(t, err, context.DeadlineExceeded)
	require.Contains(t, err.Error(), `"queued"`)
	require.NoError(t, <-updated)
	n, err := b.Exists(ctx, "queued")
	require.NoError(t, err)
	require.Zero(t, n)
}
