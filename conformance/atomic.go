package conformance

import (
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/mimeiapify/store"
)

// Keys of multi-key groups share the hash tag {grp}, so that the groups
// also run on a Redis Cluster.
const (
	ka = "{grp}a"
	kb = "{grp}b"
	kc = "{grp}c"
	kd = "{grp}d"
)

// atomicCases cover Apply, ExpireOp's GT (expire_gt.go) and Update
// (update.go).
var atomicCases = slices.Concat(applyCases, expireGTCases, updateCases)

// applyCases cover Apply.
var applyCases = []testCase{
	{"ApplyEveryOp", testApplyEveryOp},
	{"ApplyAllOrNothingOnWrongType", testApplyAllOrNothingOnWrongType},
	{"ApplyAllOrNothingOnNotInteger", testApplyAllOrNothingOnNotInteger},
	{"ApplyAllOrNothingOnOverflow", testApplyAllOrNothingOnOverflow},
	{"ApplyAllOrNothingOnHashNotInteger", testApplyAllOrNothingOnHashNotInteger},
	{"ApplyFillsIncrResults", testApplyFillsIncrResults},
	{"ApplyHGetAllSeesEarlierWrites", testApplyHGetAllSeesEarlierWrites},
	{"ApplyHGetAllMissingKey", testApplyHGetAllMissingKey},
	{"ApplyHGetAllWrongType", testApplyHGetAllWrongType},
	{"ApplyRejectsEmptyGroup", testApplyRejectsEmptyGroup},
	{"ApplyRejectsNilOp", testApplyRejectsNilOp},
	{"ApplyRejectsMixedTypes", testApplyRejectsMixedTypes},
	{"ApplyRejectsIncrAfterWrite", testApplyRejectsIncrAfterWrite},
	{"ApplyIncrOfOtherFieldAfterWrite", testApplyIncrOfOtherFieldAfterWrite},
	{"ApplyRejectsMalformedOps", testApplyRejectsMalformedOps},
	{"ApplyDelOpAllowsNewType", testApplyDelOpAllowsNewType},
	{"ApplySetOpReplacesOtherType", testApplySetOpReplacesOtherType},
	{"ApplyReplaceWithTTL", testApplyReplaceWithTTL},
	{"ApplyEmptiedThenRefilledForgetsTTL", testApplyEmptiedThenRefilledForgetsTTL},
	{"ApplyOpsInOrder", testApplyOpsInOrder},
	{"ApplyPersistOp", testApplyPersistOp},
	{"ApplyExpireOpOnMissingKey", testApplyExpireOpOnMissingKey},
	{"ApplySetOpClearsTTL", testApplySetOpClearsTTL},
	{"ApplyEmptiesCollections", testApplyEmptiesCollections},
	{"ApplyExpireNXSetsOnlyAMissingTTL", testApplyExpireNXSetsOnlyAMissingTTL},
	{"ApplyIncrWithExpireNXKeepsTheFirstTTL", testApplyIncrWithExpireNXKeepsTheFirstTTL},
	{"ApplyFailedWriteSkipsItsTTL", testApplyFailedWriteSkipsItsTTL},
	{"ApplyIncrResultExactWithTTL", testApplyIncrResultExactWithTTL},
}

// applyAll applies ops and fails the test on an error.
func (e *env) applyAll(ops ...store.Op) {
	e.t.Helper()
	require.NoError(e.t, e.b.Apply(e.ctx, ops...))
}

func testApplyEveryOp(t *testing.T, e *env) {
	e.hset(kb, "old", "x", "gone", "y")
	e.rpush(kc, "z")
	e.sadd(kd, "m0", "m1")
	e.applyAll(
		&store.SetOp{Key: ka, Value: "v", TTL: time.Minute},
		&store.HSetOp{Key: kb, Fields: pairsMap("f", "1")},
		&store.HDelOp{Key: kb, Fields: []string{"gone"}},
		&store.HIncrByOp{Key: kb, Field: "n", Delta: 2},
		&store.RPushOp{Key: kc, Values: []string{"a", "b", "c"}},
		&store.LPushOp{Key: kc, Values: []string{"y", "x"}},
		&store.LTrimOp{Key: kc, Start: 0, Stop: -2},
		&store.SAddOp{Key: kd, Members: []string{"m2"}},
		&store.SRemOp{Key: kd, Members: []string{"m0"}},
		&store.ExpireOp{Key: kd, TTL: time.Minute},
		&store.IncrByOp{Key: "{grp}n", Delta: 5},
	)
	require.Equal(t, "v", e.get(ka))
	e.requireTTL(ka, time.Minute)
	require.Equal(t, pairsMap("old", "x", "f", "1", "n", "2"), e.hgetAll(kb))
	require.Equal(t, []string{"x", "y", "z", "a", "b"}, e.lrange(kc))
	require.Equal(t, []string{"m1", "m2"}, e.smembers(kd))
	e.requireTTL(kd, time.Minute)
	require.Equal(t, "5", e.get("{grp}n"))
}

// testApplyAllOrNothingOnWrongType: the failing op comes last, so a
// backend that writes op by op would have written the others.
func testApplyAllOrNothingOnWrongType(t *testing.T, e *env) {
	e.set(ka, "old", 0)
	e.rpush(kb, "x")
	e.hset(kc, "f", "1")
	before := e.dumpAll(ka, kb, kc, kd)
	err := e.b.Apply(e.ctx,
		&store.SetOp{Key: ka, Value: "new"},
		&store.HSetOp{Key: kc, Fields: pairsMap("f", "2")},
		&store.SAddOp{Key: kd, Members: []string{"m"}},
		&store.HSetOp{Key: kb, Fields: pairsMap("f", "v")},
	)
	require.ErrorIs(t, err, store.ErrWrongType)
	e.requireUnchanged(before)
}

func testApplyAllOrNothingOnNotInteger(t *testing.T, e *env) {
	e.set(kb, "abc", 0)
	before := e.dumpAll(ka, kb, kc)
	err := e.b.Apply(e.ctx,
		&store.SetOp{Key: ka, Value: "new"},
		&store.RPushOp{Key: kc, Values: []string{"x"}},
		&store.IncrByOp{Key: kb, Delta: 1},
	)
	require.ErrorIs(t, err, store.ErrNotInteger)
	e.requireUnchanged(before)
}

func testApplyAllOrNothingOnOverflow(t *testing.T, e *env) {
	e.set(kb, "9223372036854775807", 0)
	before := e.dumpAll(ka, kb)
	err := e.b.Apply(e.ctx,
		&store.IncrByOp{Key: ka, Delta: 1},
		&store.IncrByOp{Key: kb, Delta: 1},
	)
	require.ErrorIs(t, err, store.ErrOverflow)
	e.requireUnchanged(before)
}

func testApplyAllOrNothingOnHashNotInteger(t *testing.T, e *env) {
	e.hset(ka, "n", "1", "bad", "1.5")
	before := e.dumpAll(ka, kb)
	err := e.b.Apply(e.ctx,
		&store.HIncrByOp{Key: ka, Field: "n", Delta: 1},
		&store.HSetOp{Key: ka, Fields: pairsMap("new", "x")},
		&store.SetOp{Key: kb, Value: "v"},
		&store.HIncrByOp{Key: ka, Field: "bad", Delta: 1},
	)
	require.ErrorIs(t, err, store.ErrNotInteger)
	e.requireUnchanged(before)
}

func testApplyFillsIncrResults(t *testing.T, e *env) {
	e.set(ka, "10", 0)
	e.hset(kb, "f", "-3")
	incr := &store.IncrByOp{Key: ka, Delta: 5}
	fresh := &store.IncrByOp{Key: kc, Delta: -2}
	hincr := &store.HIncrByOp{Key: kb, Field: "f", Delta: 4}
	hfresh := &store.HIncrByOp{Key: kb, Field: "g", Delta: 9}
	e.applyAll(incr, fresh, hincr, hfresh)
	require.Equal(t, int64(15), incr.Result)
	require.Equal(t, int64(-2), fresh.Result)
	require.Equal(t, int64(1), hincr.Result)
	require.Equal(t, int64(9), hfresh.Result)
	require.Equal(t, "15", e.get(ka))
	require.Equal(t, "-2", e.get(kc))
	require.Equal(t, pairsMap("f", "1", "g", "9"), e.hgetAll(kb))
}

func testApplyHGetAllSeesEarlierWrites(t *testing.T, e *env) {
	e.hset(ka, "keep", "1", "drop", "2", "n", "5")
	first := &store.HGetAllOp{Key: ka}
	after := &store.HGetAllOp{Key: ka}
	e.applyAll(
		first,
		&store.HSetOp{Key: ka, Fields: pairsMap("new", "3", "keep", "10")},
		&store.HDelOp{Key: ka, Fields: []string{"drop"}},
		&store.HIncrByOp{Key: ka, Field: "n", Delta: 1},
		after,
	)
	require.Equal(t, pairsMap("keep", "1", "drop", "2", "n", "5"), first.Result)
	want := pairsMap("keep", "10", "new", "3", "n", "6")
	require.Equal(t, want, after.Result)
	require.Equal(t, want, e.hgetAll(ka))
}

func testApplyHGetAllMissingKey(t *testing.T, e *env) {
	read := &store.HGetAllOp{Key: ka, Result: pairsMap("stale", "x")}
	e.applyAll(read)
	require.Empty(t, read.Result)
	e.requireGone(ka)
	emptied := &store.HGetAllOp{Key: kb}
	e.hset(kb, "f", "1")
	e.applyAll(&store.HDelOp{Key: kb, Fields: []string{"f"}}, emptied)
	require.Empty(t, emptied.Result)
	e.requireGone(kb)
}

func testApplyHGetAllWrongType(t *testing.T, e *env) {
	e.set(ka, "v", 0)
	before := e.dumpAll(ka, kb)
	err := e.b.Apply(e.ctx, &store.SetOp{Key: kb, Value: "x"}, &store.HGetAllOp{Key: ka})
	require.ErrorIs(t, err, store.ErrWrongType)
	e.requireUnchanged(before)
}

func testApplyRejectsEmptyGroup(t *testing.T, e *env) {
	require.ErrorIs(t, e.b.Apply(e.ctx), store.ErrInvalidArgument)
	require.ErrorIs(t, e.b.Apply(e.ctx, []store.Op{}...), store.ErrInvalidArgument)
}

func testApplyRejectsNilOp(t *testing.T, e *env) {
	err := e.b.Apply(e.ctx, &store.SetOp{Key: ka, Value: "v"}, nil)
	require.ErrorIs(t, err, store.ErrInvalidArgument)
	err = e.b.Apply(e.ctx, nil, &store.SetOp{Key: ka, Value: "v"})
	require.ErrorIs(t, err, store.ErrInvalidArgument)
	e.requireGone(ka)
}

// testApplyRejectsMixedTypes: one key used as two types with no SetOp or
// DelOp between them is a malformed group, even on a missing key.
func testApplyRejectsMixedTypes(t *testing.T, e *env) {
	groups := [][]store.Op{
		{&store.HSetOp{Key: ka, Fields: pairsMap("f", "v")}, &store.RPushOp{Key: ka, Values: []string{"x"}}},
		{&store.SAddOp{Key: ka, Members: []string{"m"}}, &store.HGetAllOp{Key: ka}},
		{&store.SetOp{Key: ka, Value: "v"}, &store.SAddOp{Key: ka, Members: []string{"m"}}},
		{&store.IncrByOp{Key: ka, Delta: 1}, &store.LPushOp{Key: ka, Values: []string{"x"}}},
		{&store.SetOp{Key: kb, Value: "v"}, &store.LTrimOp{Key: ka, Start: 0, Stop: 1}, &store.SRemOp{Key: ka, Members: []string{"m"}}},
	}
	for i, ops := range groups {
		require.ErrorIs(t, e.b.Apply(e.ctx, ops...), store.ErrInvalidArgument, "group %d", i)
	}
	e.requireGone(ka)
	e.requireGone(kb)
}

// testApplyRejectsIncrAfterWrite: an increment of a key or hash field
// that an earlier op of the group writes is a malformed group.
func testApplyRejectsIncrAfterWrite(t *testing.T, e *env) {
	e.hset(kb, "f", "1")
	groups := [][]store.Op{
		{&store.SetOp{Key: ka, Value: "1"}, &store.IncrByOp{Key: ka, Delta: 1}},
		{&store.IncrByOp{Key: ka, Delta: 1}, &store.IncrByOp{Key: ka, Delta: 1}},
		{&store.DelOp{Key: ka}, &store.IncrByOp{Key: ka, Delta: 1}},
		{&store.HSetOp{Key: kb, Fields: pairsMap("f", "2")}, &store.HIncrByOp{Key: kb, Field: "f", Delta: 1}},
		{&store.HIncrByOp{Key: kb, Field: "f", Delta: 1}, &store.HIncrByOp{Key: kb, Field: "f", Delta: 1}},
		{&store.HDelOp{Key: kb, Fields: []string{"f"}}, &store.HIncrByOp{Key: kb, Field: "f", Delta: 1}},
		{&store.DelOp{Key: kb}, &store.HIncrByOp{Key: kb, Field: "f", Delta: 1}},
	}
	for i, ops := range groups {
		require.ErrorIs(t, e.b.Apply(e.ctx, ops...), store.ErrInvalidArgument, "group %d", i)
	}
	e.requireGone(ka)
	require.Equal(t, pairsMap("f", "1"), e.hgetAll(kb))
}

// testApplyIncrOfOtherFieldAfterWrite: writing one field and then
// incrementing another is a valid group.
func testApplyIncrOfOtherFieldAfterWrite(t *testing.T, e *env) {
	incr := &store.HIncrByOp{Key: ka, Field: "n", Delta: 3}
	e.applyAll(&store.HSetOp{Key: ka, Fields: pairsMap("f", "x")}, incr)
	require.Equal(t, int64(3), incr.Result)
	require.Equal(t, pairsMap("f", "x", "n", "3"), e.hgetAll(ka))
}

func testApplyRejectsMalformedOps(t *testing.T, e *env) {
	bad := []store.Op{
		&store.HSetOp{Key: kb},
		&store.HSetOp{Key: kb, Fields: map[string]string{}},
		&store.HDelOp{Key: kb},
		&store.RPushOp{Key: kb},
		&store.LPushOp{Key: kb, Values: []string{}},
		&store.SAddOp{Key: kb},
		&store.SRemOp{Key: kb},
		&store.ExpireOp{Key: kb, TTL: 0},
		&store.ExpireOp{Key: kb, TTL: -time.Second},
		&store.SetOp{Key: kb, Value: "v", TTL: -time.Second},
	}
	e.set(kb, "old", 0)
	before := e.dumpAll(ka, kb)
	for _, op := range bad {
		err := e.b.Apply(e.ctx, &store.SetOp{Key: ka, Value: "v"}, op)
		require.ErrorIs(t, err, store.ErrInvalidArgument, "%T %+v", op, op)
	}
	e.requireUnchanged(before)
}

// testApplyDelOpAllowsNewType: after a DelOp a group may use the key as
// another type than it held.
func testApplyDelOpAllowsNewType(t *testing.T, e *env) {
	e.set(ka, "v", hour)
	e.applyAll(&store.DelOp{Key: ka}, &store.HSetOp{Key: ka, Fields: pairsMap("f", "1")})
	require.Equal(t, store.TypeHash, e.typeOf(ka))
	require.Equal(t, pairsMap("f", "1"), e.hgetAll(ka))
	e.requireNoExpiry(ka)
}

func testApplySetOpReplacesOtherType(t *testing.T, e *env) {
	e.hset(ka, "f", "1")
	e.expire(ka, hour)
	e.applyAll(&store.SetOp{Key: ka, Value: "v"})
	require.Equal(t, "v", e.get(ka))
	e.requireNoExpiry(ka)
}

// testApplyReplaceWithTTL: the replace-a-hash-with-TTL pattern leaves
// exactly the new fields and the new TTL.
func testApplyReplaceWithTTL(t *testing.T, e *env) {
	e.hset(ka, "old", "1", "f", "old")
	e.applyAll(
		&store.DelOp{Key: ka},
		&store.HSetOp{Key: ka, Fields: pairsMap("f", "new", "g", "2")},
		&store.ExpireOp{Key: ka, TTL: 30 * time.Second},
	)
	require.Equal(t, pairsMap("f", "new", "g", "2"), e.hgetAll(ka))
	e.requireTTL(ka, 30*time.Second)
}

// testApplyEmptiedThenRefilledForgetsTTL: as in a Redis MULTI, a hash
// emptied by HDEL is deleted with its TTL, so the HSET after it makes a
// key without one.
func testApplyEmptiedThenRefilledForgetsTTL(t *testing.T, e *env) {
	e.hset(ka, "a", "1")
	e.expire(ka, hour)
	e.sadd(kb, "m")
	e.expire(kb, hour)
	e.applyAll(
		&store.HDelOp{Key: ka, Fields: []string{"a"}},
		&store.HSetOp{Key: ka, Fields: pairsMap("b", "2")},
		&store.SRemOp{Key: kb, Members: []string{"m"}},
		&store.SAddOp{Key: kb, Members: []string{"n"}},
	)
	require.Equal(t, pairsMap("b", "2"), e.hgetAll(ka))
	e.requireNoExpiry(ka)
	require.Equal(t, []string{"n"}, e.smembers(kb))
	e.requireNoExpiry(kb)
}

func testApplyOpsInOrder(t *testing.T, e *env) {
	e.applyAll(
		&store.RPushOp{Key: ka, Values: []string{"a", "b", "c", "d"}},
		&store.LTrimOp{Key: ka, Start: 1, Stop: -1},
		&store.LPushOp{Key: ka, Values: []string{"x", "y"}},
		&store.RPushOp{Key: ka, Values: []string{"z"}},
		&store.SetOp{Key: kb, Value: "first"},
		&store.SetOp{Key: kb, Value: "second"},
		&store.HSetOp{Key: kc, Fields: pairsMap("f", "1")},
		&store.HSetOp{Key: kc, Fields: pairsMap("f", "2")},
	)
	require.Equal(t, []string{"y", "x", "b", "c", "d", "z"}, e.lrange(ka))
	require.Equal(t, "second", e.get(kb))
	require.Equal(t, pairsMap("f", "2"), e.hgetAll(kc))
}

func testApplyPersistOp(t *testing.T, e *env) {
	e.set(ka, "v", hour)
	e.applyAll(&store.PersistOp{Key: ka}, &store.PersistOp{Key: kb})
	e.requireNoExpiry(ka)
	e.requireGone(kb)
	e.applyAll(&store.ExpireOp{Key: ka, TTL: hour}, &store.PersistOp{Key: ka})
	e.requireNoExpiry(ka)
}

func testApplyExpireOpOnMissingKey(t *testing.T, e *env) {
	e.applyAll(&store.ExpireOp{Key: ka, TTL: hour}, &store.SetOp{Key: kb, Value: "v"})
	e.requireGone(ka)
	require.Equal(t, "v", e.get(kb))
	e.requireNoExpiry(kb)
}

func testApplySetOpClearsTTL(t *testing.T, e *env) {
	e.set(ka, "v", hour)
	e.applyAll(&store.SetOp{Key: ka, Value: "w"})
	e.requireNoExpiry(ka)
	e.applyAll(&store.ExpireOp{Key: ka, TTL: hour}, &store.SetOp{Key: ka, Value: "x"})
	e.requireNoExpiry(ka)
	e.applyAll(&store.SetOp{Key: ka, Value: "y", TTL: 20 * time.Second})
	e.requireTTL(ka, 20*time.Second)
}

// testApplyEmptiesCollections: a group that empties a hash, list or set
// deletes it, as the single calls do.
func testApplyEmptiesCollections(t *testing.T, e *env) {
	e.hset(ka, "f", "1")
	e.rpush(kb, "a", "b")
	e.sadd(kc, "m")
	e.applyAll(
		&store.HDelOp{Key: ka, Fields: []string{"f"}},
		&store.LTrimOp{Key: kb, Start: 2, Stop: -1},
		&store.SRemOp{Key: kc, Members: []string{"m"}},
	)
	for _, k := range []string{ka, kb, kc} {
		e.requireGone(k)
	}
}

func testApplyExpireNXSetsOnlyAMissingTTL(t *testing.T, e *env) {
	e.set(ka, "no ttl", 0)
	e.set(kb, "has ttl", time.Hour)
	e.applyAll(
		&store.ExpireOp{Key: ka, TTL: time.Minute, NX: true},
		&store.ExpireOp{Key: kb, TTL: time.Minute, NX: true},
		&store.ExpireOp{Key: kc, TTL: time.Minute, NX: true},
	)
	e.requireTTL(ka, time.Minute)
	e.requireTTL(kb, time.Hour)
	e.requireGone(kc)
}

// A fixed-window counter: the first increment creates the key and gives it
// its TTL, later ones leave the TTL alone.
func testApplyIncrWithExpireNXKeepsTheFirstTTL(t *testing.T, e *env) {
	incr := func() int64 {
		op := &store.IncrByOp{Key: ka, Delta: 1}
		e.applyAll(op, &store.ExpireOp{Key: ka, TTL: 400 * time.Millisecond, NX: true})
		return op.Result
	}
	require.EqualValues(t, 1, incr())
	e.wait(250 * time.Millisecond)
	require.EqualValues(t, 2, incr())
	e.wait(250 * time.Millisecond)
	e.requireGone(ka)
	require.EqualValues(t, 1, incr())
	e.requireTTL(ka, 400*time.Millisecond)
}

// testApplyFailedWriteSkipsItsTTL: a group of one write and the TTL of
// its key, the most common shape, fails as a whole when the write fails:
// the key keeps its value and gets no TTL.
func testApplyFailedWriteSkipsItsTTL(t *testing.T, e *env) {
	e.set(ka, "text", 0)
	e.hset(kb, "f", "v")
	e.set(kc, "9223372036854775807", 0)
	ttls := []store.Op{
		&store.ExpireOp{Key: "", TTL: time.Minute},
		&store.ExpireOp{Key: "", TTL: time.Minute, NX: true},
	}
	cases := []struct {
		write store.Op
		want  error
	}{
		{&store.HSetOp{Key: ka, Fields: pairsMap("f", "v")}, store.ErrWrongType},
		{&store.HDelOp{Key: ka, Fields: []string{"f"}}, store.ErrWrongType},
		{&store.RPushOp{Key: ka, Values: []string{"x"}}, store.ErrWrongType},
		{&store.LPushOp{Key: ka, Values: []string{"x"}}, store.ErrWrongType},
		{&store.SAddOp{Key: ka, Members: []string{"m"}}, store.ErrWrongType},
		{&store.SRemOp{Key: ka, Members: []string{"m"}}, store.ErrWrongType},
		{&store.HIncrByOp{Key: ka, Field: "f", Delta: 1}, store.ErrWrongType},
		{&store.IncrByOp{Key: kb, Delta: 1}, store.ErrWrongType},
		{&store.IncrByOp{Key: ka, Delta: 1}, store.ErrNotInteger},
		{&store.IncrByOp{Key: kc, Delta: 1}, store.ErrOverflow},
	}
	before := e.dumpAll(ka, kb, kc)
	for _, c := range cases {
		for _, ttl := range ttls {
			exp := *ttl.(*store.ExpireOp)
			exp.Key = c.write.OpKey()
			err := e.b.Apply(e.ctx, c.write, &exp)
			require.ErrorIs(t, err, c.want, "%T on %s with %+v", c.write, exp.Key, exp)
		}
		err := e.b.Apply(e.ctx, c.write, &store.PersistOp{Key: c.write.OpKey()})
		require.ErrorIs(t, err, c.want, "%T on %s with a persist", c.write, c.write.OpKey())
	}
	e.requireUnchanged(before)
	e.requireNoExpiry(ka)
	e.requireNoExpiry(kb)
	e.requireNoExpiry(kc)
}

// testApplyIncrResultExactWithTTL: the result of an increment grouped
// with its key's TTL is exact beyond 2^53 (a script's numbers are
// doubles), and the TTL is set.
func testApplyIncrResultExactWithTTL(t *testing.T, e *env) {
	incr := &store.IncrByOp{Key: ka, Delta: 9223372036854775806}
	e.applyAll(incr, &store.ExpireOp{Key: ka, TTL: time.Minute, NX: true})
	require.EqualValues(t, int64(9223372036854775806), incr.Result)
	incr = &store.IncrByOp{Key: ka, Delta: 1}
	e.applyAll(incr, &store.ExpireOp{Key: ka, TTL: time.Minute, NX: true})
	require.EqualValues(t, int64(9223372036854775807), incr.Result)
	require.Equal(t, "9223372036854775807", e.get(ka))
	e.requireTTL(ka, time.Minute)
}
