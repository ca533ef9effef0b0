package conformance

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/mimeiapify/store"
)

// contextCases check that a call whose context is done fails with an
// error wrapping ctx.Err() and writes nothing.
var contextCases = []testCase{
	{"CancelledCallsFail", testCancelledCallsFail},
	{"DeadlineExceededCallsFail", testDeadlineExceededCallsFail},
	{"ScanCancelledYieldsOneError", testScanCancelledYieldsOneError},
	{"ScanCancelledMidwayStops", testScanCancelledMidwayStops},
	{"UpdateCancelledDuringFn", testUpdateCancelledDuringFn},
	{"ReaderCancelledContext", testReaderCancelledContext},
}

// Keys of the context cases, all under one hash tag.
const (
	cStr  = "{c}str"
	cHash = "{c}hash"
	cList = "{c}list"
	cSet  = "{c}set"
	cZSet = "{c}zset"
	cNew  = "{c}new"
)

// seedContext makes one key of each type with a TTL and returns every
// key the context calls touch.
func (e *env) seedContext() []string {
	e.t.Helper()
	e.set(cStr, "5", hour)
	e.hset(cHash, "f", "1")
	e.rpush(cList, "a", "b")
	e.sadd(cSet, "m")
	e.zadd(cZSet, store.ZMember{Member: "m", Score: 1})
	for _, k := range []string{cHash, cList, cSet, cZSet} {
		e.expire(k, hour)
	}
	return []string{cStr, cHash, cList, cSet, cZSet, cNew}
}

// ctxCall is one call of every method that takes a context.
type ctxCall struct {
	name string
	call func(ctx context.Context, b store.Backend) error
}

// ignore drops a call's result and keeps its error.
func ignore[T any](_ T, err error) error { return err }

// ctxCalls are all the Backend's methods, with arguments that would
// write to the keys of seedContext.
var ctxCalls = []ctxCall{
	{"Exists", func(ctx context.Context, b store.Backend) error { return ignore(b.Exists(ctx, cStr)) }},
	{"Del", func(ctx context.Context, b store.Backend) error { return ignore(b.Del(ctx, cStr, cHash)) }},
	{"Expire", func(ctx context.Context, b store.Backend) error { return ignore(b.Expire(ctx, cStr, time.Second)) }},
	{"Persist", func(ctx context.Context, b store.Backend) error { return ignore(b.Persist(ctx, cStr)) }},
	{"TTL", func(ctx context.Context, b store.Backend) error { return ignore(b.TTL(ctx, cStr)) }},
	{"Type", func(ctx context.Context, b store.Backend) error { return ignore(b.Type(ctx, cStr)) }},
	{"Scan", scanError},
	{"Get", func(ctx context.Context, b store.Backend) error { return ignore(b.Get(ctx, cStr)) }},
	{"Set", func(ctx context.Context, b store.Backend) error { return b.Set(ctx, cStr, "x", 0) }},
	{"SetNX", func(ctx context.Context, b store.Backend) error { return ignore(b.SetNX(ctx, cNew, "x", 0)) }},
	{"IncrBy", func(ctx context.Context, b store.Backend) error { return ignore(b.IncrBy(ctx, cStr, 1)) }},
	{"HSet", func(ctx context.Context, b store.Backend) error {
		return ignore(b.HSet(ctx, cHash, pairsMap("g", "2")))
	}},
	{"HGet", func(ctx context.Context, b store.Backend) error { return ignore(b.HGet(ctx, cHash, "f")) }},
	{"HMGet", func(ctx context.Context, b store.Backend) error { return ignore(b.HMGet(ctx, cHash, "f")) }},
	{"HGetAll", func(ctx context.Context, b store.Backend) error { return ignore(b.HGetAll(ctx, cHash)) }},
	{"HDel", func(ctx context.Context, b store.Backend) error { return ignore(b.HDel(ctx, cHash, "f")) }},
	{"HExists", func(ctx context.Context, b store.Backend) error { return ignore(b.HExists(ctx, cHash, "f")) }},
	{"HIncrBy", func(ctx context.Context, b store.Backend) error { return ignore(b.HIncrBy(ctx, cHash, "f", 1)) }},
	{"HIncrByFloat", func(ctx context.Context, b store.Backend) error { return ignore(b.HIncrByFloat(ctx, cHash, "f", 1.5)) }},
	{"HLen", func(ctx context.Context, b store.Backend) error { return ignore(b.HLen(ctx, cHash)) }},
	{"RPush", func(ctx context.Context, b store.Backend) error { return ignore(b.RPush(ctx, cList, "x")) }},
	{"LPush", func(ctx context.Context, b store.Backend) error { return ignore(b.LPush(ctx, cList, "x")) }},
	{"LRange", func(ctx context.Context, b store.Backend) error { return ignore(b.LRange(ctx, cList, 0, -1)) }},
	{"LTrim", func(ctx context.Context, b store.Backend) error { return b.LTrim(ctx, cList, 1, 1) }},
	{"LLen", func(ctx context.Context, b store.Backend) error { return ignore(b.LLen(ctx, cList)) }},
	{"LPop", func(ctx context.Context, b store.Backend) error { return ignore(b.LPop(ctx, cList, 1)) }},
	{"SAdd", func(ctx context.Context, b store.Backend) error { return ignore(b.SAdd(ctx, cSet, "n")) }},
	{"SRem", func(ctx context.Context, b store.Backend) error { return ignore(b.SRem(ctx, cSet, "m")) }},
	{"SMembers", func(ctx context.Context, b store.Backend) error { return ignore(b.SMembers(ctx, cSet)) }},
	{"SIsMember", func(ctx context.Context, b store.Backend) error { return ignore(b.SIsMember(ctx, cSet, "m")) }},
	{"SCard", func(ctx context.Context, b store.Backend) error { return ignore(b.SCard(ctx, cSet)) }},
	{"SRandMember", func(ctx context.Context, b store.Backend) error { return ignore(b.SRandMember(ctx, cSet, 1)) }},
	{"ZAdd", func(ctx context.Context, b store.Backend) error {
		return ignore(b.ZAdd(ctx, cZSet, store.ZMember{Member: "n", Score: 2}))
	}},
	{"ZRem", func(ctx context.Context, b store.Backend) error { return ignore(b.ZRem(ctx, cZSet, "m")) }},
	{"ZScore", func(ctx context.Context, b store.Backend) error { return ignore(b.ZScore(ctx, cZSet, "m")) }},
	{"ZCard", func(ctx context.Context, b store.Backend) error { return ignore(b.ZCard(ctx, cZSet)) }},
	{"ZRangeByScore", func(ctx context.Context, b store.Backend) error {
		return ignore(b.ZRangeByScore(ctx, cZSet, 0, 10, 10))
	}},
	{"ApplyZAddAndLPop", func(ctx context.Context, b store.Backend) error {
		return b.Apply(ctx, &store.ZAddOp{Key: cZSet, Members: []store.ZMember{{Member: "n", Score: 2}}},
			&store.LPopOp{Key: cList, Count: 1}, &store.ZRemOp{Key: cZSet, Members: []string{"m"}})
	}},
	{"Apply", func(ctx context.Context, b store.Backend) error {
		return b.Apply(ctx, &store.SetOp{Key: cStr, Value: "x"}, &store.HSetOp{Key: cHash, Fields: pairsMap("g", "2")})
	}},
	{"ApplyWriteAndTTL", func(ctx context.Context, b store.Backend) error {
		return b.Apply(ctx, &store.HSetOp{Key: cHash, Fields: pairsMap("g", "2")}, &store.ExpireOp{Key: cHash, TTL: time.Minute})
	}},
	{"ApplyUncheckedGroup", func(ctx context.Context, b store.Backend) error {
		return b.Apply(ctx, &store.SetOp{Key: cStr, Value: "x"}, &store.ExpireOp{Key: cStr, TTL: time.Minute})
	}},
	{"Update", func(ctx context.Context, b store.Backend) error {
		return b.Update(ctx, []string{cStr, cNew}, func(store.Reader) ([]store.Op, error) {
			return []store.Op{&store.SetOp{Key: cStr, Value: "x"}, &store.SetOp{Key: cNew, Value: "x"}}, nil
		})
	}},
}

// scanError runs a Scan of every key and returns its error. Scan must
// yield the error alone, as its only and last value.
func scanError(ctx context.Context, b store.Backend) error {
	var keys, errs int
	var last error
	for _, err := range b.Scan(ctx, "*") {
		if errs > 0 {
			return errors.New("conformance: Scan yielded more after its error")
		}
		if err != nil {
			errs++
			last = err
			continue
		}
		keys++
	}
	if keys > 0 && last != nil {
		return fmt.Errorf("conformance: Scan yielded %d keys before its error: %w", keys, last)
	}
	return last
}

// requireCallsFail runs every call with ctx on the seeded keys and
// checks each fails with an error wrapping want, writing nothing.
func requireCallsFail(t *testing.T, e *env, ctx context.Context, want error) {
	keys := e.seedContext()
	before := e.dumpAll(keys...)
	for _, c := range ctxCalls {
		t.Run(c.name, func(t *testing.T) {
			e := e.sub(t)
			err := c.call(ctx, e.b)
			require.ErrorIs(t, err, want)
			e.requireUnchanged(before)
		})
	}
}

func testCancelledCallsFail(t *testing.T, e *env) {
	requireCallsFail(t, e, cancelled(), context.Canceled)
}

func testDeadlineExceededCallsFail(t *testing.T, e *env) {
	requireCallsFail(t, e, expired(), context.DeadlineExceeded)
}

func testScanCancelledYieldsOneError(t *testing.T, e *env) {
	e.setMany(numberedKeys("key:", 100))
	var yields []error
	for k, err := range e.b.Scan(cancelled(), "*") {
		require.Empty(t, k, "Scan with a cancelled context yielded a key")
		yields = append(yields, err)
	}
	require.Len(t, yields, 1)
	require.ErrorIs(t, yields[0], context.Canceled)
}

// testScanCancelledMidwayStops: a scan whose context is cancelled after
// its first key ends, with no duplicates, and an error if any comes last
// and wraps context.Canceled.
func testScanCancelledMidwayStops(t *testing.T, e *env) {
	e.setMany(numberedKeys("key:", 300))
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	seen := map[string]bool{}
	var errs []error
	for k, err := range e.b.Scan(ctx, "*") {
		require.Empty(t, errs, "Scan yielded more after an error")
		if err != nil {
			errs = append(errs, err)
			continue
		}
		require.False(t, seen[k], "Scan yielded %q twice", k)
		seen[k] = true
		cancel()
	}
	require.NotEmpty(t, seen)
	for _, err := range errs {
		require.ErrorIs(t, err, context.Canceled)
	}
}

// testUpdateCancelledDuringFn: a context cancelled while fn runs stops
// Update before it writes.
func testUpdateCancelledDuringFn(t *testing.T, e *env) {
	keys := e.seedContext()
	before := e.dumpAll(keys...)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	err := e.b.Update(ctx, []string{cStr, cNew}, func(r store.Reader) ([]store.Op, error) {
		cancel()
		return []store.Op{&store.SetOp{Key: cStr, Value: "x"}, &store.SetOp{Key: cNew, Value: "x"}}, nil
	})
	require.ErrorIs(t, err, context.Canceled)
	e.requireUnchanged(before)
}

// testReaderCancelledContext: Update's reader honours the context it is
// given.
func testReaderCancelledContext(t *testing.T, e *env) {
	e.seedContext()
	ctx := cancelled()
	var errs map[string]error
	err := e.b.Update(e.ctx, []string{cStr}, func(r store.Reader) ([]store.Op, error) {
		errs = map[string]error{
			"Get":      ignore(r.Get(ctx, cStr)),
			"HGet":     ignore(r.HGet(ctx, cHash, "f")),
			"HGetAll":  ignore(r.HGetAll(ctx, cHash)),
			"LRange":   ignore(r.LRange(ctx, cList, 0, -1)),
			"SMembers": ignore(r.SMembers(ctx, cSet)),
			"TTL":      ignore(r.TTL(ctx, cStr)),
			"Type":     ignore(r.Type(ctx, cStr)),
		}
		return nil, nil
	})
	require.NoError(t, err)
	for name, err := range errs {
		require.ErrorIs(t, err, context.Canceled, "Reader.%s", name)
	}
}
