package rediscore_test

import (
	"context"
	"errors"
	"fmt"
	"math"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/mimeiapify/store"
)

var bg = context.Background()

func TestErrorsMapToSentinels(t *testing.T) {
	each(t, func(t *testing.T, x target) {
		b := x.b
		require.NoError(t, b.Set(bg, "s", "1.5", 0))
		_, err := b.IncrBy(bg, "s", 1)
		require.ErrorIs(t, err, store.ErrNotInteger)
		require.NoError(t, b.Set(bg, "max", strconv.FormatInt(math.MaxInt64, 10), 0))
		_, err = b.IncrBy(bg, "max", 1)
		require.ErrorIs(t, err, store.ErrOverflow)
		_, err = b.HGet(bg, "s", "f")
		require.ErrorIs(t, err, store.ErrWrongType)
		_, err = b.Get(bg, "missing")
		require.ErrorIs(t, err, store.ErrNotFound)
		_, err = b.TTL(bg, "missing")
		require.ErrorIs(t, err, store.ErrNotFound)
		_, err = b.HSet(bg, "h", map[string]string{"f": "x"})
		require.NoError(t, err)
		_, err = b.HGet(bg, "h", "missing")
		require.ErrorIs(t, err, store.ErrNotFound)
		_, err = b.HIncrBy(bg, "h", "f", 1)
		require.ErrorIs(t, err, store.ErrNotInteger)
		_, err = b.HIncrByFloat(bg, "h", "f", 1)
		require.ErrorIs(t, err, store.ErrNotFloat)
		require.NoError(t, b.Set(bg, "{g}s", "1", 0))
		err = b.Apply(bg, &store.SetOp{Key: "{g}new", Value: "v"}, &store.RPushOp{Key: "{g}s", Values: []string{"x"}})
		require.ErrorIs(t, err, store.ErrWrongType)
		n, err := b.Exists(bg, "{g}new")
		require.NoError(t, err)
		require.Zero(t, n, "a failed group writes nothing")
	})
}

// TestArgumentsCheckedBeforeSending: the server fails every command, and
// the contract's errors still come back, so nothing was sent.
func TestArgumentsCheckedBeforeSending(t *testing.T) {
	eachMini(t, func(t *testing.T, x target) {
		x.mini.SetError("ERR should not be sent")
		b := x.b
		inval := func(_ any, err error) { t.Helper(); require.ErrorIs(t, err, store.ErrInvalidArgument) }
		inval(b.HSet(bg, "k", nil))
		inval(b.HMGet(bg, "k"))
		inval(b.HDel(bg, "k"))
		inval(b.RPush(bg, "k"))
		inval(b.LPush(bg, "k"))
		inval(b.SAdd(bg, "k"))
		inval(b.SRem(bg, "k"))
		inval(b.LPop(bg, "k", 0))
		inval(b.SRandMember(bg, "k", 0))
		inval(b.Expire(bg, "k", 0))
		inval(b.Expire(bg, "k", -time.Second))
		inval(b.SetNX(bg, "k", "v", -1))
		inval(nil, b.Set(bg, "k", "v", -1))
		inval(nil, b.Apply(bg))
		inval(nil, b.Apply(bg, &store.HSetOp{Key: "k"}))
		inval(nil, b.Update(bg, []string{"k"}, nil))
		for _, d := range []float64{math.NaN(), math.Inf(1), math.Inf(-1)} {
			_, err := b.HIncrByFloat(bg, "k", "f", d)
			require.ErrorIs(t, err, store.ErrNotFloat)
		}
		_, err := b.Get(bg, "k")
		require.ErrorContains(t, err, "should not be sent", "the server was really failing")
	})
}

// TestDoneContextSendsNothing: a done context fails before sending.
func TestDoneContextSendsNothing(t *testing.T) {
	eachMini(t, func(t *testing.T, x target) {
		ctx, cancel := context.WithCancel(bg)
		cancel()
		sent := x.mini.CommandCount()
		require.ErrorIs(t, x.b.Set(ctx, "k", "v", 0), context.Canceled)
		require.ErrorIs(t, x.b.Apply(ctx, &store.SetOp{Key: "k", Value: "v"}), context.Canceled)
		err := x.b.Update(ctx, []string{"k"}, func(store.Reader) ([]store.Op, error) {
			return []store.Op{&store.SetOp{Key: "k", Value: "v"}}, nil
		})
		require.ErrorIs(t, err, context.Canceled)
		require.False(t, x.mini.Exists("k"))
		require.Equal(t, sent, x.mini.CommandCount(), "no command sent")
	})
}

func TestApplyAndUpdateFallBackAfterScriptFlush(t *testing.T) {
	each(t, func(t *testing.T, x target) {
		b := x.b
		groups := map[string]func() []store.Op{
			"shape": func() []store.Op {
				return []store.Op{&store.HSetOp{Key: "h", Fields: map[string]string{"f": "v"}}, &store.ExpireOp{Key: "h", TTL: time.Minute}}
			},
			"shape with result": func() []store.Op {
				return []store.Op{&store.HIncrByOp{Key: "{c}h", Field: "f", Delta: 1}, &store.ExpireOp{Key: "{c}h", TTL: time.Minute},
					&store.SAddOp{Key: "{c}i", Members: []string{"m"}}}
			},
			"script": func() []store.Op {
				return []store.Op{&store.IncrByOp{Key: "{c}n", Delta: 1}, &store.HIncrByOp{Key: "{c}h2", Field: "f", Delta: 1}}
			},
			"multi": func() []store.Op {
				return []store.Op{&store.SetOp{Key: "s", Value: "v"}, &store.ExpireOp{Key: "s", TTL: time.Minute}}
			},
		}
		for name, ops := range groups {
			require.NoError(t, b.Apply(bg, ops()...), name) // the backend has sent its script
			x.flushScripts(t)
			require.NoError(t, b.Apply(bg, ops()...), name) // NOSCRIPT, then EVAL
			require.NoError(t, b.Apply(bg, ops()...), name)
		}
		got, err := b.HGet(bg, "{c}h", "f")
		require.NoError(t, err)
		require.Equal(t, "3", got)
		n, err := b.Get(bg, "{c}n")
		require.NoError(t, err)
		require.Equal(t, "3", n)
		for _, read := range []bool{true, false} {
			x.flushScripts(t)
			runs := 0
			err = b.Update(bg, []string{"c"}, func(r store.Reader) ([]store.Op, error) {
				runs++
				if read {
					if _, err := r.HGetAll(bg, "c"); err != nil {
						return nil, err
					}
				}
				return []store.Op{&store.HIncrByOp{Key: "c", Field: "f", Delta: 1}}, nil
			})
			require.NoError(t, err)
			require.LessOrEqual(t, runs, 2, "fn runs again at most once for a lost script")
		}
		got, _ = b.HGet(bg, "c", "f")
		require.Equal(t, "2", got)
	})
}

// TestFirstUpdateRunsOnce: on a server that never saw the group script,
// the first Update still runs fn once (the script is loaded with the WATCH, or
// sent with EVAL when fn reads nothing).
func TestFirstUpdateRunsOnce(t *testing.T) {
	for _, read := range []bool{false, true} {
		eachMini(t, func(t *testing.T, x target) {
			runs := 0
			require.NoError(t, x.b.Update(bg, []string{"k"}, func(r store.Reader) ([]store.Op, error) {
				runs++
				if read {
					_, _ = r.Get(bg, "k")
				}
				return []store.Op{&store.SetOp{Key: "k", Value: "v"}}, nil
			}))
			require.Equal(t, 1, runs, "read: %v", read)
		})
	}
}

// TestUpdateWithoutKeys: with no keys nothing is watched and the ops are
// applied as by Apply.
func TestUpdateWithoutKeys(t *testing.T) {
	eachMini(t, func(t *testing.T, x target) {
		require.NoError(t, x.b.Update(bg, nil, func(r store.Reader) ([]store.Op, error) {
			_, err := r.Get(bg, "k")
			require.ErrorIs(t, err, store.ErrNotFound)
			return []store.Op{&store.SetOp{Key: "k", Value: "v"}}, nil
		}))
		v, err := x.mini.Get("k")
		require.NoError(t, err)
		require.Equal(t, "v", v)
	})
}

// TestUpdateRetriesOnConflictThenGivesUp: a write by another client
// between the first read (which carries the WATCH) and EXEC makes fn run
// again with fresh reads; a writer that never stops makes Update give up
// with ErrConflict having written nothing.
func TestUpdateRetriesOnConflictThenGivesUp(t *testing.T) {
	each(t, func(t *testing.T, x target) {
		b := x.b
		require.NoError(t, b.Set(bg, "c", "0", 0))
		runs := 0
		err := b.Update(bg, []string{"c"}, func(r store.Reader) ([]store.Op, error) {
			runs++
			v, err := r.Get(bg, "c")
			if err != nil {
				return nil, err
			}
			if runs < 3 {
				require.NoError(t, x.other.Set(bg, "c", v+"0", 0))
			}
			return []store.Op{&store.SetOp{Key: "c", Value: v + "+1"}}, nil
		})
		require.NoError(t, err)
		require.Equal(t, 3, runs)
		v, _ := b.Get(bg, "c")
		require.Equal(t, "000+1", v, "the last run saw the other writer's value")
		runs = 0
		err = b.Update(bg, []string{"c"}, func(r store.Reader) ([]store.Op, error) {
			runs++
			_, _ = r.Get(bg, "c")
			_, err := x.other.IncrBy(bg, "n", 1)
			require.NoError(t, err)
			require.NoError(t, x.other.Set(bg, "c", "theirs", 0))
			return []store.Op{&store.SetOp{Key: "c", Value: "lost"}}, nil
		})
		require.ErrorIs(t, err, store.ErrConflict)
		require.Equal(t, store.MaxUpdateAttempts, runs)
		v, _ = b.Get(bg, "c")
		require.Equal(t, "theirs", v, "no attempt wrote")
		sentinel := errors.New("mine")
		err = b.Update(bg, []string{"c"}, func(store.Reader) ([]store.Op, error) { return nil, sentinel })
		require.Same(t, sentinel, err, "fn's error is returned as is")
	})
}

// TestUpdateAbortLeavesConnectionClean: after fn fails or returns no ops
// the pinned connection goes back unwatched, so the next Update on it is
// not aborted by a stale WATCH.
func TestUpdateAbortLeavesConnectionClean(t *testing.T) {
	each(t, func(t *testing.T, x target) {
		b := x.b
		boom := errors.New("boom")
		err := b.Update(bg, []string{"k"}, func(r store.Reader) ([]store.Op, error) {
			_, _ = r.Get(bg, "k")
			return nil, boom
		})
		require.Same(t, boom, err)
		require.NoError(t, b.Update(bg, []string{"k"}, func(r store.Reader) ([]store.Op, error) {
			_, _ = r.Get(bg, "k")
			return nil, nil
		}))
		require.NoError(t, x.other.Set(bg, "k", "changed after the watch", 0))
		runs := 0
		require.NoError(t, b.Update(bg, []string{"k"}, func(store.Reader) ([]store.Op, error) {
			runs++
			return []store.Op{&store.SetOp{Key: "k", Value: "v"}}, nil
		}))
		require.Equal(t, 1, runs)
	})
}

func TestUpdateMapsErrorsInsideExec(t *testing.T) {
	each(t, func(t *testing.T, x target) {
		require.NoError(t, x.b.Set(bg, "k", "text", 0))
		err := x.b.Update(bg, []string{"k"}, func(r store.Reader) ([]store.Op, error) {
			_, err := r.Get(bg, "k")
			return []store.Op{&store.IncrByOp{Key: "k", Delta: 1}}, err
		})
		require.ErrorIs(t, err, store.ErrNotInteger)
		got, err := x.b.Get(bg, "k")
		require.NoError(t, err)
		require.Equal(t, "text", got)
	})
}

// TestUpdateConcurrentIncrementsAllLand: concurrent Updates of one key
// lose no increment.
func TestUpdateConcurrentIncrementsAllLand(t *testing.T) {
	each(t, func(t *testing.T, x target) {
		var wg sync.WaitGroup
		for range 8 {
			wg.Go(func() {
				for range 10 {
					err := x.b.Update(bg, []string{"ctr"}, func(r store.Reader) ([]store.Op, error) {
						v, err := r.Get(bg, "ctr")
						if errors.Is(err, store.ErrNotFound) {
							v, err = "0", nil
						}
						n, _ := strconv.Atoi(v)
						return []store.Op{&store.SetOp{Key: "ctr", Value: strconv.Itoa(n + 1)}}, err
					})
					require.NoError(t, err)
				}
			})
		}
		wg.Wait()
		v, err := x.b.Get(bg, "ctr")
		require.NoError(t, err)
		require.Equal(t, "80", v)
	})
}

// TestScanPagesEachKeyOnce: Scan, paging with a small COUNT (on a cluster,
// over every master), yields each key exactly once, and stops when the
// loop does.
func TestScanPagesEachKeyOnce(t *testing.T) {
	each(t, func(t *testing.T, x target) {
		const n = 300
		want := map[string]bool{}
		for i := range n {
			k := fmt.Sprintf("k:%d", i)
			want[k] = true
			require.NoError(t, x.b.Set(bg, k, "v", 0))
		}
		require.NoError(t, x.b.Set(bg, "other", "v", 0))
		got := map[string]bool{}
		for k, err := range x.withScanCount(7).Scan(bg, "k:*") {
			require.NoError(t, err)
			require.False(t, got[k], "key %q yielded twice", k)
			got[k] = true
		}
		require.Equal(t, want, got)
		seen := 0
		for _, err := range x.b.Scan(bg, "k:*") {
			require.NoError(t, err)
			if seen++; seen == 5 {
				break
			}
		}
		require.Equal(t, 5, seen)
	})
}

func TestTTLMillisecondPrecision(t *testing.T) {
	each(t, func(t *testing.T, x target) {
		b := x.b
		require.NoError(t, b.Set(bg, "k", "v", 1500*time.Millisecond+100*time.Microsecond))
		ttl, err := b.TTL(bg, "k")
		require.NoError(t, err)
		require.True(t, ttl > 1400*time.Millisecond && ttl <= 1501*time.Millisecond, ttl)
		ok, err := b.Expire(bg, "k", time.Hour)
		require.NoError(t, err)
		require.True(t, ok)
		ttl, _ = b.TTL(bg, "k")
		require.True(t, ttl > time.Hour-time.Second && ttl <= time.Hour, ttl)
	})
}

// TestClusterCrossSlot: multi-key Exists and Del work across hash slots;
// an atomic call across slots fails with ErrInvalidArgument before
// sending; Update reads keys of other slots unguarded.
func TestClusterCrossSlot(t *testing.T) {
	each(t, func(t *testing.T, x target) {
		if !x.cluster {
			t.Skip("hash slots matter on a cluster only")
		}
		b := x.b
		for _, k := range []string{"a", "b", "c", "d"} {
			require.NoError(t, b.Set(bg, k, "v", 0))
		}
		n, err := b.Exists(bg, "a", "b", "c", "d", "a", "missing")
		require.NoError(t, err, "keys of many slots are sent per slot")
		require.EqualValues(t, 5, n)
		err = b.Apply(bg, &store.SetOp{Key: "a", Value: "1"}, &store.SetOp{Key: "b", Value: "1"})
		require.ErrorIs(t, err, store.ErrInvalidArgument)
		err = b.Update(bg, []string{"a", "b"}, func(store.Reader) ([]store.Op, error) { return nil, nil })
		require.ErrorIs(t, err, store.ErrInvalidArgument)
		err = b.Update(bg, []string{"{t}x"}, func(store.Reader) ([]store.Op, error) {
			return []store.Op{&store.SetOp{Key: "a", Value: "1"}}, nil
		})
		require.ErrorIs(t, err, store.ErrInvalidArgument, "the ops must share the watched slot")
		require.NoError(t, b.Update(bg, []string{"{t}x"}, func(r store.Reader) ([]store.Op, error) {
			v, err := r.Get(bg, "c") // another slot: read unguarded
			return []store.Op{&store.SetOp{Key: "{t}x", Value: v}, &store.HSetOp{Key: "{t}h", Fields: map[string]string{"f": v}}}, err
		}))
		got, err := b.HGet(bg, "{t}h", "f")
		require.NoError(t, err)
		require.Equal(t, "v", got)
		n, err = b.Del(bg, "a", "b", "c", "d", "missing")
		require.NoError(t, err)
		require.EqualValues(t, 4, n)
	})
}
