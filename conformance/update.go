package conformance

import (
	"errors"
	"math"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/mimeiapify/store"
)

// updateCases cover Update; they run in the Atomic group.
var updateCases = []testCase{
	{"UpdateReadsAndApplies", testUpdateReadsAndApplies},
	{"UpdateFnErrorReturnedAsIs", testUpdateFnErrorReturnedAsIs},
	{"UpdateWithoutOpsWritesNothing", testUpdateWithoutOpsWritesNothing},
	{"UpdateWithoutReadsApplies", testUpdateWithoutReadsApplies},
	{"UpdateRunsAgainOnConflict", testUpdateRunsAgainOnConflict},
	{"UpdateGivesUpWithErrConflict", testUpdateGivesUpWithErrConflict},
	{"UpdateReaderAnswersAsBackend", testUpdateReaderAnswersAsBackend},
	{"UpdateRejectsMalformedGroup", testUpdateRejectsMalformedGroup},
	{"UpdateFailingGroupWritesNothing", testUpdateFailingGroupWritesNothing},
	{"UpdateMultiKey", testUpdateMultiKey},
	{"UpdateFillsResults", testUpdateFillsResults},
}

// incrementOnce is an Update function that reads the integer at key (a
// missing key counts as 0) and writes it back plus one.
func incrementOnce(key string, calls *atomic.Int64) func(r store.Reader) ([]store.Op, error) {
	return func(r store.Reader) ([]store.Op, error) {
		calls.Add(1)
		n, err := readInt(r, key)
		if err != nil {
			return nil, err
		}
		return []store.Op{&store.SetOp{Key: key, Value: strconv.FormatInt(n+1, 10)}}, nil
	}
}

// readInt reads the integer at key through r; a missing key is 0.
func readInt(r store.Reader, key string) (int64, error) {
	v, err := r.Get(bg, key)
	if errors.Is(err, store.ErrNotFound) {
		return 0, nil
	}
	if err != nil {
		return 0, err
	}
	return strconv.ParseInt(v, 10, 64)
}

func testUpdateReadsAndApplies(t *testing.T, e *env) {
	var calls atomic.Int64
	for range 3 {
		require.NoError(t, e.b.Update(e.ctx, []string{ka}, incrementOnce(ka, &calls)))
	}
	require.Equal(t, "3", e.get(ka))
	require.GreaterOrEqual(t, calls.Load(), int64(3)) // fn may run more than once
}

var errUpdateFn = errors.New("conformance: fn refuses")

func testUpdateFnErrorReturnedAsIs(t *testing.T, e *env) {
	e.set(ka, "1", 0)
	before := e.dumpAll(ka, kb)
	err := e.b.Update(e.ctx, []string{ka, kb}, func(r store.Reader) ([]store.Op, error) {
		return []store.Op{&store.SetOp{Key: ka, Value: "2"}, &store.SetOp{Key: kb, Value: "2"}}, errUpdateFn
	})
	require.Equal(t, errUpdateFn, err, "Update must return fn's error as is")
	e.requireUnchanged(before)
}

func testUpdateWithoutOpsWritesNothing(t *testing.T, e *env) {
	e.set(ka, "1", hour)
	before := e.dumpAll(ka, kb)
	for _, ops := range [][]store.Op{nil, {}} {
		err := e.b.Update(e.ctx, []string{ka, kb}, func(r store.Reader) ([]store.Op, error) {
			_, err := r.Get(bg, ka)
			return ops, err
		})
		require.NoError(t, err)
	}
	e.requireUnchanged(before)
	e.requireTTL(ka, hour)
}

// testUpdateWithoutReadsApplies: an fn that reads nothing has its ops
// applied as Apply would, once, and they can be followed by an Update that
// reads what they wrote.
func testUpdateWithoutReadsApplies(t *testing.T, e *env) {
	var calls atomic.Int64
	require.NoError(t, e.b.Update(e.ctx, []string{ka, kb}, func(store.Reader) ([]store.Op, error) {
		calls.Add(1)
		return []store.Op{&store.SetOp{Key: ka, Value: "41"}, &store.HSetOp{Key: kb, Fields: pairsMap("f", "v")}}, nil
	}))
	require.EqualValues(t, 1, calls.Load())
	require.Equal(t, "41", e.get(ka))
	require.Equal(t, map[string]string{"f": "v"}, e.hgetAll(kb))
	require.NoError(t, e.b.Update(e.ctx, []string{ka}, incrementOnce(ka, &calls)))
	require.Equal(t, "42", e.get(ka))
}

// writeDuring runs write on another goroutine while an Update function
// runs, and reports whether it finished within a while. A backend that
// holds its keys locked while fn runs blocks the write until Update
// returns; waitWrite then collects it.
func writeDuring(write func() error) (done bool, waitWrite func() error) {
	ch := make(chan error, 1)
	go func() { ch <- write() }()
	select {
	case err := <-ch:
		return true, func() error { return err }
	case <-time.After(500 * time.Millisecond):
		return false, func() error { return <-ch }
	}
}

// testUpdateRunsAgainOnConflict: a write to a guarded key while fn runs
// makes Update run fn again on fresh reads, so no update is lost.
func testUpdateRunsAgainOnConflict(t *testing.T, e *env) {
	e.set(ka, "1", 0)
	var calls atomic.Int64
	inc := incrementOnce(ka, &calls)
	var concurrent bool
	waitWrite := func() error { return nil }
	err := e.b.Update(e.ctx, []string{ka}, func(r store.Reader) ([]store.Op, error) {
		ops, err := inc(r)
		if calls.Load() == 1 {
			concurrent, waitWrite = writeDuring(func() error { return e.b.Set(bg, ka, "10", 0) })
		}
		return ops, err
	})
	require.NoError(t, err)
	require.NoError(t, waitWrite())
	if !concurrent {
		// The backend serialises Update with writers: the write came after.
		require.Equal(t, "10", e.get(ka))
		return
	}
	require.GreaterOrEqual(t, calls.Load(), int64(2), "the key changed while fn ran, but fn did not run again")
	require.Equal(t, "11", e.get(ka), "the update was not based on fresh reads")
}

// testUpdateGivesUpWithErrConflict: a key that changes during every
// attempt makes Update give up after MaxUpdateAttempts attempts with
// ErrConflict, writing nothing of its own.
func testUpdateGivesUpWithErrConflict(t *testing.T, e *env) {
	var calls, writes atomic.Int64
	serialised := false
	incr := func() error { _, err := e.b.IncrBy(bg, ka, 1); return err }
	err := e.b.Update(e.ctx, []string{ka, kb}, func(r store.Reader) ([]store.Op, error) {
		if _, err := r.Get(bg, ka); err != nil && !errors.Is(err, store.ErrNotFound) {
			return nil, err
		}
		if calls.Add(1) == 1 {
			done, waitWrite := writeDuring(incr)
			serialised = !done
			if serialised {
				go func() { _ = waitWrite() }()
				return nil, nil
			}
			if waitWrite() == nil {
				writes.Add(1)
			}
		} else if incr() == nil {
			writes.Add(1)
		}
		return []store.Op{&store.SetOp{Key: kb, Value: "written"}}, nil
	})
	if serialised {
		// The backend serialises Update with writers: no conflict can happen.
		require.NoError(t, err)
		return
	}
	require.ErrorIs(t, err, store.ErrConflict)
	require.Equal(t, int64(store.MaxUpdateAttempts), calls.Load())
	require.Equal(t, calls.Load(), writes.Load())
	require.Equal(t, strconv.FormatInt(writes.Load(), 10), e.get(ka))
	e.requireGone(kb)
}

// readerAnswers are what an Update function read, checked after Update.
type readerAnswers struct {
	str, field          string
	hash                map[string]string
	list, set           []string
	ttl                 time.Duration
	types               []store.Type
	missingGet, wrong   error
	missingTTL, noField error
	missingHash         map[string]string
	missingList         []string
	missingSet          []string
	zscore              float64
	zrange              []store.ZMember
	missingZScore       error
	missingZRange       []store.ZMember
}

func testUpdateReaderAnswersAsBackend(t *testing.T, e *env) {
	s := e.seedTypes("{grp}")
	var a readerAnswers
	err := e.b.Update(e.ctx, []string{s[store.TypeString], s[store.TypeHash]}, func(r store.Reader) ([]store.Op, error) {
		a = readAll(r, s)
		return nil, nil
	})
	require.NoError(t, err)
	require.Equal(t, "12", a.str)
	require.Equal(t, "7", a.field)
	require.Equal(t, pairsMap("f", "7", "g", "x"), a.hash)
	require.Equal(t, []string{"a", "b"}, a.list)
	require.Equal(t, []string{"m1", "m2"}, sorted(a.set...))
	require.LessOrEqual(t, a.ttl, hour)
	require.Greater(t, a.ttl, hour-time.Second)
	require.Equal(t, []store.Type{store.TypeString, store.TypeHash, store.TypeList, store.TypeSet, store.TypeZSet, store.TypeNone}, a.types)
	require.Equal(t, float64(2), a.zscore)
	require.Equal(t, []store.ZMember{{Member: "z1", Score: 1}}, a.zrange)
	require.ErrorIs(t, a.missingZScore, store.ErrNotFound, "Reader.ZScore of a missing member")
	require.Empty(t, a.missingZRange)
	require.ErrorIs(t, a.missingGet, store.ErrNotFound, "Reader.Get of a missing key")
	require.ErrorIs(t, a.noField, store.ErrNotFound, "Reader.HGet of a missing field")
	require.ErrorIs(t, a.missingTTL, store.ErrNotFound, "Reader.TTL of a missing key")
	require.ErrorIs(t, a.wrong, store.ErrWrongType, "Reader.Get of a hash")
	require.Empty(t, a.missingHash)
	require.Empty(t, a.missingList)
	require.Empty(t, a.missingSet)
}

// readAll reads the seeded keys s, and a missing one, through r.
func readAll(r store.Reader, s seeds) readerAnswers {
	var a readerAnswers
	a.str, _ = r.Get(bg, s[store.TypeString])
	a.field, _ = r.HGet(bg, s[store.TypeHash], "f")
	a.hash, _ = r.HGetAll(bg, s[store.TypeHash])
	a.list, _ = r.LRange(bg, s[store.TypeList], 0, -1)
	a.set, _ = r.SMembers(bg, s[store.TypeSet])
	a.ttl, _ = r.TTL(bg, s[store.TypeString])
	a.zscore, _ = r.ZScore(bg, s[store.TypeZSet], "z2")
	a.zrange, _ = r.ZRangeByScore(bg, s[store.TypeZSet], math.Inf(-1), math.Inf(1), 1)
	_, a.missingZScore = r.ZScore(bg, s[store.TypeZSet], "missing")
	a.missingZRange, _ = r.ZRangeByScore(bg, "{grp}missing", 0, 1, 5)
	for _, k := range []string{s[store.TypeString], s[store.TypeHash], s[store.TypeList], s[store.TypeSet], s[store.TypeZSet], "{grp}missing"} {
		ty, _ := r.Type(bg, k)
		a.types = append(a.types, ty)
	}
	_, a.missingGet = r.Get(bg, "{grp}missing")
	_, a.noField = r.HGet(bg, s[store.TypeHash], "missing")
	_, a.missingTTL = r.TTL(bg, "{grp}missing")
	_, a.wrong = r.Get(bg, s[store.TypeHash])
	a.missingHash, _ = r.HGetAll(bg, "{grp}missing")
	a.missingList, _ = r.LRange(bg, "{grp}missing", 0, -1)
	a.missingSet, _ = r.SMembers(bg, "{grp}missing")
	return a
}

func testUpdateRejectsMalformedGroup(t *testing.T, e *env) {
	before := e.dumpAll(ka, kb)
	err := e.b.Update(e.ctx, []string{ka}, func(r store.Reader) ([]store.Op, error) {
		return []store.Op{&store.SetOp{Key: ka, Value: "v"}, &store.HSetOp{Key: kb}}, nil
	})
	require.ErrorIs(t, err, store.ErrInvalidArgument)
	e.requireUnchanged(before)
}

func testUpdateFailingGroupWritesNothing(t *testing.T, e *env) {
	e.rpush(kb, "x")
	before := e.dumpAll(ka, kb)
	err := e.b.Update(e.ctx, []string{ka, kb}, func(r store.Reader) ([]store.Op, error) {
		return []store.Op{&store.SetOp{Key: ka, Value: "v"}, &store.SAddOp{Key: kb, Members: []string{"m"}}}, nil
	})
	require.ErrorIs(t, err, store.ErrWrongType)
	e.requireUnchanged(before)
}

// testUpdateMultiKey moves an amount between two keys that share a hash
// tag.
func testUpdateMultiKey(t *testing.T, e *env) {
	e.set(ka, "100", 0)
	e.set(kb, "5", 0)
	err := e.b.Update(e.ctx, []string{ka, kb}, func(r store.Reader) ([]store.Op, error) {
		from, err := readInt(r, ka)
		if err != nil {
			return nil, err
		}
		to, err := readInt(r, kb)
		if err != nil {
			return nil, err
		}
		return []store.Op{
			&store.SetOp{Key: ka, Value: strconv.FormatInt(from-30, 10)},
			&store.SetOp{Key: kb, Value: strconv.FormatInt(to+30, 10)},
		}, nil
	})
	require.NoError(t, err)
	require.Equal(t, "70", e.get(ka))
	require.Equal(t, "35", e.get(kb))
}

func testUpdateFillsResults(t *testing.T, e *env) {
	e.set(ka, "41", 0)
	var incr *store.IncrByOp
	var read *store.HGetAllOp
	err := e.b.Update(e.ctx, []string{ka, kb}, func(r store.Reader) ([]store.Op, error) {
		incr = &store.IncrByOp{Key: ka, Delta: 1}
		read = &store.HGetAllOp{Key: kb}
		return []store.Op{incr, &store.HSetOp{Key: kb, Fields: pairsMap("f", "1")}, read}, nil
	})
	require.NoError(t, err)
	require.Equal(t, int64(42), incr.Result)
	require.Equal(t, pairsMap("f", "1"), read.Result)
}
