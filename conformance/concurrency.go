package conformance

import (
	"encoding/json"
	"errors"
	"fmt"
	"runtime"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/mimeiapify/store"
)

// concurrencyCases check that concurrent calls lose nothing and that
// atomic steps are never seen half done. Their sizes scale with
// Harness.Scale.
var concurrencyCases = []testCase{
	{"IncrByFromManyGoroutines", testIncrByFromManyGoroutines},
	{"HIncrByFromManyGoroutines", testHIncrByFromManyGoroutines},
	{"SAddFromManyGoroutines", testSAddFromManyGoroutines},
	{"RPushFromManyGoroutines", testRPushFromManyGoroutines},
	{"LPopFromManyGoroutines", testLPopFromManyGoroutines},
	{"SetNXHasOneWinner", testSetNXHasOneWinner},
	{"UpdateAppendsLoseNothing", testUpdateAppendsLoseNothing},
	{"ReplaceWithTTLNeverLosesTTL", testReplaceWithTTLNeverLosesTTL},
	{"ApplyIsAtomicToReaders", testApplyIsAtomicToReaders},
}

// testIncrByFromManyGoroutines: 64 goroutines times 500 increments give
// exactly 32,000 at full size.
func testIncrByFromManyGoroutines(t *testing.T, e *env) {
	const goroutines = 64
	per := e.h.scaled(500)
	errs := parallel(goroutines, func(int) error {
		for range per {
			if _, err := e.b.IncrBy(bg, "counter", 1); err != nil {
				return err
			}
		}
		return nil
	})
	requireNoErrors(t, errs)
	require.Equal(t, strconv.Itoa(goroutines*per), e.get("counter"))
}

func testHIncrByFromManyGoroutines(t *testing.T, e *env) {
	const goroutines = 32
	per := e.h.scaled(100)
	errs := parallel(goroutines, func(int) error {
		for range per {
			if _, err := e.b.HIncrBy(bg, "h", "n", 2); err != nil {
				return err
			}
			if _, err := e.b.HIncrByFloat(bg, "h", "x", 0.5); err != nil {
				return err
			}
		}
		return nil
	})
	requireNoErrors(t, errs)
	total := goroutines * per
	half := strconv.Itoa(total / 2) // total halves of one, as Redis prints it
	if total%2 == 1 {
		half += ".5"
	}
	require.Equal(t, pairsMap("n", strconv.Itoa(2*total), "x", half), e.hgetAll("h"))
}

func testSAddFromManyGoroutines(t *testing.T, e *env) {
	const goroutines = 32
	per := e.h.scaled(100)
	errs := parallel(goroutines, func(g int) error {
		for i := range per {
			if _, err := e.b.SAdd(bg, "s", fmt.Sprintf("%d:%d", g, i), "shared"); err != nil {
				return err
			}
		}
		return nil
	})
	requireNoErrors(t, errs)
	n, err := e.b.SCard(e.ctx, "s")
	require.NoError(t, err)
	require.Equal(t, int64(goroutines*per+1), n)
}

// testRPushFromManyGoroutines: every element arrives once, each
// goroutine's elements in the order it pushed them.
func testRPushFromManyGoroutines(t *testing.T, e *env) {
	const goroutines = 32
	per := e.h.scaled(100)
	errs := parallel(goroutines, func(g int) error {
		for i := range per {
			if _, err := e.b.RPush(bg, "l", fmt.Sprintf("%d:%d", g, i)); err != nil {
				return err
			}
		}
		return nil
	})
	requireNoErrors(t, errs)
	got := e.lrange("l")
	require.Len(t, got, goroutines*per)
	next := make([]int, goroutines)
	for _, v := range got {
		var g, i int
		_, err := fmt.Sscanf(v, "%d:%d", &g, &i)
		require.NoError(t, err)
		require.Equal(t, next[g], i, "goroutine %d's elements out of order", g)
		next[g]++
	}
}

// testLPopFromManyGoroutines: goroutines popping one list share out its
// elements, each exactly once.
func testLPopFromManyGoroutines(t *testing.T, e *env) {
	const goroutines = 16
	n := e.h.scaled(1600)
	want := numberedKeys("item:", n)
	for chunk := range slices.Chunk(want, 100) {
		e.rpush("queue", chunk...)
	}
	var mu sync.Mutex
	var got []string
	errs := parallel(goroutines, func(g int) error {
		for {
			vs, err := e.b.LPop(bg, "queue", 1+g%3)
			if err != nil || len(vs) == 0 {
				return err
			}
			mu.Lock()
			got = append(got, vs...)
			mu.Unlock()
		}
	})
	requireNoErrors(t, errs)
	require.Equal(t, sorted(want...), sorted(got...))
	e.requireGone("queue")
}

func testSetNXHasOneWinner(t *testing.T, e *env) {
	const goroutines = 32
	var winners atomic.Int64
	var winner atomic.Value
	errs := parallel(goroutines, func(g int) error {
		ok, err := e.b.SetNX(bg, "lock", strconv.Itoa(g), 0)
		if ok {
			winners.Add(1)
			winner.Store(strconv.Itoa(g))
		}
		return err
	})
	requireNoErrors(t, errs)
	require.Equal(t, int64(1), winners.Load())
	require.Equal(t, winner.Load(), e.get("lock"))
}

// appendJSON appends item to the JSON list in field "items" of key
// through Update, retrying while Update reports ErrConflict (a caller's
// answer to it).
func appendJSON(e *env, key, item string) error {
	fn := func(r store.Reader) ([]store.Op, error) {
		var items []string
		raw, err := r.HGet(bg, key, "items")
		switch {
		case errors.Is(err, store.ErrNotFound):
		case err != nil:
			return nil, err
		default:
			if err := json.Unmarshal([]byte(raw), &items); err != nil {
				return nil, err
			}
		}
		out, err := json.Marshal(append(items, item))
		if err != nil {
			return nil, err
		}
		return []store.Op{&store.HSetOp{Key: key, Fields: map[string]string{"items": string(out)}}}, nil
	}
	for {
		err := e.b.Update(bg, []string{key}, fn)
		if !errors.Is(err, store.ErrConflict) {
			return err
		}
	}
}

// testUpdateAppendsLoseNothing: 32 goroutines appending to one JSON list
// through Update lose no append and duplicate none.
func testUpdateAppendsLoseNothing(t *testing.T, e *env) {
	const goroutines = 32
	per := e.h.scaled(4)
	errs := parallel(goroutines, func(g int) error {
		for i := range per {
			if err := appendJSON(e, "doc", fmt.Sprintf("%d:%d", g, i)); err != nil {
				return err
			}
		}
		return nil
	})
	requireNoErrors(t, errs)
	var items []string
	require.NoError(t, json.Unmarshal([]byte(e.hget("doc", "items")), &items))
	var want []string
	for g := range goroutines {
		for i := range per {
			want = append(want, fmt.Sprintf("%d:%d", g, i))
		}
	}
	require.Equal(t, sorted(want...), sorted(items...))
}

// replaceOps replaces the hash at key with one version and its TTL, in
// one step.
func replaceOps(key string, writer, seq int) []store.Op {
	w, s := strconv.Itoa(writer), strconv.Itoa(seq)
	return []store.Op{
		&store.DelOp{Key: key},
		&store.HSetOp{Key: key, Fields: map[string]string{"writer": w, "seq": s, "check": w + ":" + s}},
		&store.ExpireOp{Key: key, TTL: hour},
	}
}

// testReplaceWithTTLNeverLosesTTL: while goroutines replace a hash and
// its TTL in one Apply, readers never see the key missing, without its
// TTL, or mixing two versions.
func testReplaceWithTTLNeverLosesTTL(t *testing.T, e *env) {
	const writers, readers = 8, 4
	per := e.h.scaled(150)
	e.applyAll(replaceOps("session", -1, 0)...)
	var stop atomic.Bool
	var wg sync.WaitGroup
	readErrs := make([]error, readers)
	for i := range readers {
		wg.Go(func() { readErrs[i] = checkReplaced(e, "session", &stop) })
	}
	errs := parallel(writers, func(w int) error {
		for s := range per {
			if err := e.b.Apply(bg, replaceOps("session", w, s)...); err != nil {
				return err
			}
		}
		return nil
	})
	stop.Store(true)
	wg.Wait()
	requireNoErrors(t, errs)
	requireNoErrors(t, readErrs)
	e.requireTTL("session", hour)
}

// checkReplaced reads key until stop is set and reports the first read
// that shows a replace half done.
func checkReplaced(e *env, key string, stop *atomic.Bool) error {
	for reads := 0; !stop.Load() || reads == 0; reads++ {
		ttl, err := e.b.TTL(bg, key)
		if err != nil {
			return fmt.Errorf("TTL: %w", err)
		}
		if ttl <= 0 {
			return fmt.Errorf("the hash was seen without its TTL (TTL %v)", ttl)
		}
		m, err := e.b.HGetAll(bg, key)
		if err != nil {
			return fmt.Errorf("HGetAll: %w", err)
		}
		if len(m) != 3 || m["check"] != m["writer"]+":"+m["seq"] {
			return fmt.Errorf("HGetAll saw a replace half done: %v", m)
		}
		runtime.Gosched() // leave the writers CPU on small machines
	}
	return nil
}

// testApplyIsAtomicToReaders: two fields incremented in one Apply are
// never seen apart.
func testApplyIsAtomicToReaders(t *testing.T, e *env) {
	const writers, readers = 8, 4
	per := e.h.scaled(150)
	e.hset("pair", "a", "0", "b", "0")
	var stop atomic.Bool
	var wg sync.WaitGroup
	readErrs := make([]error, readers)
	for i := range readers {
		wg.Go(func() { readErrs[i] = checkPair(e, &stop) })
	}
	errs := parallel(writers, func(int) error {
		for range per {
			err := e.b.Apply(bg, &store.HIncrByOp{Key: "pair", Field: "a", Delta: 1}, &store.HIncrByOp{Key: "pair", Field: "b", Delta: 1})
			if err != nil {
				return err
			}
		}
		return nil
	})
	stop.Store(true)
	wg.Wait()
	requireNoErrors(t, errs)
	requireNoErrors(t, readErrs)
	total := strconv.Itoa(writers * per)
	require.Equal(t, pairsMap("a", total, "b", total), e.hgetAll("pair"))
}

// checkPair reads the pair until stop is set and reports a read whose
// fields differ.
func checkPair(e *env, stop *atomic.Bool) error {
	for reads := 0; !stop.Load() || reads == 0; reads++ {
		read := &store.HGetAllOp{Key: "pair"}
		if err := e.b.Apply(bg, read); err != nil {
			return err
		}
		m, err := e.b.HGetAll(bg, "pair")
		if err != nil {
			return err
		}
		for _, got := range []map[string]string{read.Result, m} {
			if got["a"] != got["b"] {
				return fmt.Errorf("saw the pair half incremented: %v", got)
			}
		}
		runtime.Gosched() // leave the writers CPU on small machines
	}
	return nil
}
