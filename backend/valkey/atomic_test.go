package valkey_test

import (
	"context"
	"errors"
	"testing"

	"github.com/stretchr/testify/require"
	"github.com/valkey-io/valkey-go"

	"github.com/mimeiapify/store"
	vkbackend "github.com/mimeiapify/store/backend/valkey"
)

func TestApplyFillsResultsAndIsAllOrNothing(t *testing.T) {
	both(t, func(t *testing.T, b store.Backend) {
		ctx := context.Background()
		incr := &store.IncrByOp{Key: "{g}n", Delta: 5}
		read := &store.HGetAllOp{Key: "{g}h"}
		require.NoError(t, b.Apply(ctx,
			incr,
			&store.HSetOp{Key: "{g}h", Fields: map[string]string{"a": "1"}},
			&store.ExpireOp{Key: "{g}h", TTL: 3600e9},
			read,
		))
		require.EqualValues(t, 5, incr.Result)
		require.Equal(t, map[string]string{"a": "1"}, read.Result)

		require.NoError(t, b.Set(ctx, "{g}s", "x", 0))
		err := b.Apply(ctx,
			&store.SetOp{Key: "{g}new", Value: "v"},
			&store.RPushOp{Key: "{g}s", Values: []string{"a"}},
		)
		require.ErrorIs(t, err, store.ErrWrongType)
		n, err := b.Exists(ctx, "{g}new")
		require.NoError(t, err)
		require.Zero(t, n, "a failed group writes nothing")
	})
}

// TestScriptFallback flushes the server's script cache: Apply and Update
// must fall back to EVAL on NOSCRIPT.
func TestScriptFallback(t *testing.T) {
	b, mr := newMini(t)
	ctx := context.Background()
	flush := func() {
		c := b.Client()
		require.NoError(t, c.Do(ctx, c.B().ScriptFlush().Build()).Error())
	}
	flush()
	require.NoError(t, b.Apply(ctx, &store.SetOp{Key: "k", Value: "1"}))
	flush()
	require.NoError(t, b.Update(ctx, []string{"k"}, func(r store.Reader) ([]store.Op, error) {
		return []store.Op{&store.SetOp{Key: "k", Value: "2"}}, nil
	}))
	v, err := mr.Get("k")
	require.NoError(t, err)
	require.Equal(t, "2", v)
}

func TestUpdateRetriesOnConflict(t *testing.T) {
	b, _ := newMini(t)
	ctx := context.Background()
	other := b.Client()
	require.NoError(t, b.Set(ctx, "k", "0", 0))
	runs := 0
	err := b.Update(ctx, []string{"k"}, func(r store.Reader) ([]store.Op, error) {
		runs++
		v, err := r.Get(ctx, "k")
		if err != nil {
			return nil, err
		}
		if runs == 1 { // another writer changes the watched key
			require.NoError(t, other.Do(ctx, other.B().Set().Key("k").Value("10").Build()).Error())
		}
		return []store.Op{&store.SetOp{Key: "k", Value: v + "+1"}}, nil
	})
	require.NoError(t, err)
	require.Equal(t, 2, runs)
	got, err := b.Get(ctx, "k")
	require.NoError(t, err)
	require.Equal(t, "10+1", got, "the second run saw the other writer's value")
}

func TestUpdateGivesUpWithErrConflict(t *testing.T) {
	b, _ := newMini(t)
	ctx := context.Background()
	other := b.Client()
	runs := 0
	err := b.Update(ctx, []string{"k"}, func(r store.Reader) ([]store.Op, error) {
		runs++
		if _, err := r.Get(ctx, "k"); err != nil && !errors.Is(err, store.ErrNotFound) {
			return nil, err
		}
		require.NoError(t, other.Do(ctx, other.B().Incr().Key("k").Build()).Error())
		return []store.Op{&store.SetOp{Key: "k", Value: "mine"}}, nil
	})
	require.ErrorIs(t, err, store.ErrConflict)
	require.Equal(t, store.MaxUpdateAttempts, runs)
	got, err := b.Get(ctx, "k")
	require.NoError(t, err)
	require.Equal(t, "100", got, "no attempt wrote")
}

// TestUpdateAbortLeavesConnectionClean: after fn fails or returns no ops
// the dedicated connection goes back unwatched, so the next Update on it
// is not aborted by a stale WATCH.
func TestUpdateAbortLeavesConnectionClean(t *testing.T) {
	both(t, func(t *testing.T, b store.Backend) {
		ctx := context.Background()
		boom := errors.New("boom")
		err := b.Update(ctx, []string{"k"}, func(store.Reader) ([]store.Op, error) { return nil, boom })
		require.Same(t, boom, err, "fn's error is returned as is")
		require.NoError(t, b.Update(ctx, []string{"k"}, func(store.Reader) ([]store.Op, error) { return nil, nil }))
		require.NoError(t, b.Set(ctx, "k", "changed after the watch", 0))
		runs := 0
		require.NoError(t, b.Update(ctx, []string{"k"}, func(store.Reader) ([]store.Op, error) {
			runs++
			return []store.Op{&store.SetOp{Key: "k", Value: "v"}}, nil
		}))
		require.Equal(t, 1, runs)
	})
}

func TestUpdateMapsErrorsInsideExec(t *testing.T) {
	both(t, func(t *testing.T, b store.Backend) {
		ctx := context.Background()
		require.NoError(t, b.Set(ctx, "k", "text", 0))
		err := b.Update(ctx, []string{"k"}, func(store.Reader) ([]store.Op, error) {
			return []store.Op{&store.IncrByOp{Key: "k", Delta: 1}}, nil
		})
		require.ErrorIs(t, err, store.ErrNotInteger)
		got, err := b.Get(ctx, "k")
		require.NoError(t, err)
		require.Equal(t, "text", got)
	})
}

// TestUpdateConcurrentCounters: concurrent Updates of one key lose no
// increment.
func TestUpdateConcurrentCounters(t *testing.T) {
	both(t, func(t *testing.T, b store.Backend) {
		ctx := context.Background()
		const workers, each = 8, 10
		errs := make(chan error, workers)
		for range workers {
			go func() {
				for range each {
					if err := b.Update(ctx, []string{"c"}, incrementOnce); err != nil {
						errs <- err
						return
					}
				}
				errs <- nil
			}()
		}
		for range workers {
			require.NoError(t, <-errs)
		}
		got, err := b.Get(ctx, "c")
		require.NoError(t, err)
		require.Equal(t, "80", got)
	})
}

func incrementOnce(r store.Reader) ([]store.Op, error) {
	v, err := r.Get(context.Background(), "c")
	n := 0
	switch {
	case errors.Is(err, store.ErrNotFound):
	case err != nil:
		return nil, err
	default:
		for _, ch := range v {
			n = n*10 + int(ch-'0')
		}
	}
	return []store.Op{&store.SetOp{Key: "c", Value: itoa(n + 1)}}, nil
}

func itoa(n int) string {
	if n == 0 {
		return "0"
	}
	s := ""
	for ; n > 0; n /= 10 {
		s = string(rune('0'+n%10)) + s
	}
	return s
}

var _ = vkbackend.Scheme
var _ valkey.Client

// TestFirstUpdateRunsOnce: on a server that never saw the group script,
// the first Update still runs fn once (the script is loaded with WATCH).
func TestFirstUpdateRunsOnce(t *testing.T) {
	b, _ := newMini(t)
	runs := 0
	require.NoError(t, b.Update(context.Background(), []string{"k"}, func(store.Reader) ([]store.Op, error) {
		runs++
		return []store.Op{&store.SetOp{Key: "k", Value: "v"}}, nil
	}))
	require.Equal(t, 1, runs)
}
