package conformance

import (
	"math"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/mimeiapify/store"
)

// zsetCases cover the sorted-set operations and the ops ZAddOp, ZRemOp
// and LPopOp.
var zsetCases = []testCase{
	{"ZAddCountsNewAndUpdatesScores", testZAddCountsNew},
	{"ZAddMemberTwiceLastScoreWins", testZAddMemberTwice},
	{"ZAddNoMembersIsInvalid", testZAddNoMembersIsInvalid},
	{"ZAddNaNIsInvalid", testZAddNaNIsInvalid},
	{"ZAddKeepsTTL", testZAddKeepsTTL},
	{"ZRemCountsExisting", testZRemCountsExisting},
	{"ZRemMissingKey", testZRemMissingKey},
	{"ZRemNoMembersIsInvalid", testZRemNoMembersIsInvalid},
	{"ZRemLastMemberDeletesKey", testZRemLastMemberDeletesKey},
	{"ZScore", testZScore},
	{"ZScoreMissing", testZScoreMissing},
	{"ZCard", testZCard},
	{"ZRangeOrderByScoreThenMember", testZRangeOrder},
	{"ZRangeBoundsInclusive", testZRangeBoundsInclusive},
	{"ZRangeInfinities", testZRangeInfinities},
	{"ZRangeLimit", testZRangeLimit},
	{"ZRangeBadArguments", testZRangeBadArguments},
	{"ZRangeMissingKey", testZRangeMissingKey},
	{"ZRangeExtremeScores", testZRangeExtremeScores},
	{"NegativeZeroIsZero", testZSetNegativeZero},
	{"BinaryMembers", testZSetBinaryMembers},
	{"LargeMember", testZSetLargeMember},
	{"WrongType", testZSetWrongType},
	{"ExpiredIsInvisible", testZSetExpired},
	{"ReaderBadArguments", testZSetReaderBadArguments},
	{"ApplyZAddOp", testApplyZAddOp},
	{"ApplyZAddOpNX", testApplyZAddOpNX},
	{"ApplyZAddOpXX", testApplyZAddOpXX},
	{"ApplyZAddOpMalformed", testApplyZAddOpMalformed},
	{"ApplyZRemOp", testApplyZRemOp},
	{"ApplyLPopOpResult", testApplyLPopOpResult},
	{"ApplyLPopOpMissingKey", testApplyLPopOpMissingKey},
	{"ApplyLPopOpBadCount", testApplyLPopOpBadCount},
	{"ApplyZOpsWrongType", testApplyZOpsWrongType},
	{"ApplyFailingGroupWithZOpsWritesNothing", testApplyFailingZGroup},
	{"ApplyZAddAfterDel", testApplyZAddAfterDel},
	{"UpdateZSetClaim", testUpdateZSetClaim},
}

// zm is a ZMember literal.
func zm(member string, score float64) store.ZMember {
	return store.ZMember{Member: member, Score: score}
}

func (e *env) zadd(key string, members ...store.ZMember) {
	e.t.Helper()
	_, err := e.b.ZAdd(e.ctx, key, members...)
	require.NoError(e.t, err)
}

// zall reads every member of a sorted set, in order.
func (e *env) zall(key string) []store.ZMember {
	e.t.Helper()
	out, err := e.b.ZRangeByScore(e.ctx, key, math.Inf(-1), math.Inf(1), math.MaxInt32)
	require.NoError(e.t, err, "ZRangeByScore(%q)", key)
	return out
}

func testZAddCountsNew(t *testing.T, e *env) {
	n, err := e.b.ZAdd(e.ctx, "z", zm("a", 1), zm("b", 2))
	require.NoError(t, err)
	require.EqualValues(t, 2, n)
	n, err = e.b.ZAdd(e.ctx, "z", zm("a", 5), zm("c", 3))
	require.NoError(t, err)
	require.EqualValues(t, 1, n, "an updated score is not new")
	n, err = e.b.ZAdd(e.ctx, "z", zm("c", 3))
	require.NoError(t, err)
	require.Zero(t, n)
	require.Equal(t, []store.ZMember{zm("b", 2), zm("c", 3), zm("a", 5)}, e.zall("z"))
	require.Equal(t, store.TypeZSet, e.typeOf("z"))
	require.Equal(t, "zset", store.TypeZSet.String())
}

func testZAddMemberTwice(t *testing.T, e *env) {
	n, err := e.b.ZAdd(e.ctx, "z", zm("a", 1), zm("b", 2), zm("a", 3))
	require.NoError(t, err)
	require.EqualValues(t, 2, n)
	require.Equal(t, []store.ZMember{zm("b", 2), zm("a", 3)}, e.zall("z"))
}

func testZAddNoMembersIsInvalid(t *testing.T, e *env) {
	_, err := e.b.ZAdd(e.ctx, "z")
	require.ErrorIs(t, err, store.ErrInvalidArgument)
	e.requireGone("z")
}

// testZAddNaNIsInvalid: a NaN score fails the whole call, naming the
// member, and writes none of the other members.
func testZAddNaNIsInvalid(t *testing.T, e *env) {
	e.zadd("z", zm("a", 1))
	_, err := e.b.ZAdd(e.ctx, "z", zm("b", 2), zm("nan-member", math.NaN()))
	require.ErrorIs(t, err, store.ErrInvalidArgument)
	require.Contains(t, err.Error(), "nan-member")
	require.Equal(t, []store.ZMember{zm("a", 1)}, e.zall("z"))
	_, err = e.b.ZAdd(e.ctx, "new", zm("x", math.NaN()))
	require.ErrorIs(t, err, store.ErrInvalidArgument)
	e.requireGone("new")
}

func testZAddKeepsTTL(t *testing.T, e *env) {
	e.zadd("z", zm("a", 1))
	e.expire("z", hour)
	e.zadd("z", zm("a", 2), zm("b", 3))
	e.requireTTL("z", hour)
}

func testZRemCountsExisting(t *testing.T, e *env) {
	e.zadd("z", zm("a", 1), zm("b", 2), zm("c", 3))
	n, err := e.b.ZRem(e.ctx, "z", "a", "a", "missing", "b")
	require.NoError(t, err)
	require.EqualValues(t, 2, n)
	require.Equal(t, []store.ZMember{zm("c", 3)}, e.zall("z"))
}

func testZRemMissingKey(t *testing.T, e *env) {
	n, err := e.b.ZRem(e.ctx, "missing", "a")
	require.NoError(t, err)
	require.Zero(t, n)
	e.requireGone("missing")
}

func testZRemNoMembersIsInvalid(t *testing.T, e *env) {
	e.zadd("z", zm("a", 1))
	_, err := e.b.ZRem(e.ctx, "z")
	require.ErrorIs(t, err, store.ErrInvalidArgument)
	require.Equal(t, []store.ZMember{zm("a", 1)}, e.zall("z"))
}

func testZRemLastMemberDeletesKey(t *testing.T, e *env) {
	e.zadd("z", zm("a", 1), zm("b", 2))
	e.expire("z", hour)
	n, err := e.b.ZRem(e.ctx, "z", "a", "b")
	require.NoError(t, err)
	require.EqualValues(t, 2, n)
	e.requireGone("z")
	e.zadd("z", zm("a", 1))
	e.requireNoExpiry("z")
}

func testZScore(t *testing.T, e *env) {
	e.zadd("z", zm("a", 1.5), zm("b", -2), zm("c", 0))
	for _, m := range []store.ZMember{zm("a", 1.5), zm("b", -2), zm("c", 0)} {
		v, err := e.b.ZScore(e.ctx, "z", m.Member)
		require.NoError(t, err)
		require.Equal(t, m.Score, v, "ZScore(%q)", m.Member)
	}
}

func testZScoreMissing(t *testing.T, e *env) {
	_, err := e.b.ZScore(e.ctx, "missing", "a")
	require.ErrorIs(t, err, store.ErrNotFound, "missing key")
	e.zadd("z", zm("a", 1))
	_, err = e.b.ZScore(e.ctx, "z", "b")
	require.ErrorIs(t, err, store.ErrNotFound, "missing member")
}

func testZCard(t *testing.T, e *env) {
	n, err := e.b.ZCard(e.ctx, "z")
	require.NoError(t, err)
	require.Zero(t, n)
	e.zadd("z", zm("a", 1), zm("b", 1), zm("c", 2))
	n, err = e.b.ZCard(e.ctx, "z")
	require.NoError(t, err)
	require.EqualValues(t, 3, n)
}

// testZRangeOrder: ascending by score, ties by member bytes (not by
// insertion order nor by UTF-8 collation).
func testZRangeOrder(t *testing.T, e *env) {
	e.zadd("z", zm("b", 2), zm("a", 2), zm("\xff", 2), zm("", 2), zm("B", 2),
		zm("late", 10), zm("neg", -1.5), zm("frac", 2.0000001), zm("zero", 0))
	want := []store.ZMember{zm("neg", -1.5), zm("zero", 0), zm("", 2), zm("B", 2), zm("a", 2), zm("b", 2),
		zm("\xff", 2), zm("frac", 2.0000001), zm("late", 10)}
	require.Equal(t, want, e.zall("z"))
	got, err := e.b.ZRangeByScore(e.ctx, "z", 2, 2, 3)
	require.NoError(t, err)
	require.Equal(t, want[2:5], got, "a limit inside a run of ties")
	e.zadd("z", zm("a", 11))
	got, err = e.b.ZRangeByScore(e.ctx, "z", 2, 11, 100)
	require.NoError(t, err)
	require.Equal(t, []store.ZMember{zm("", 2), zm("B", 2), zm("b", 2), zm("\xff", 2),
		zm("frac", 2.0000001), zm("late", 10), zm("a", 11)}, got, "an updated score moves the member")
}

func testZRangeBoundsInclusive(t *testing.T, e *env) {
	e.zadd("z", zm("a", 1), zm("b", 2), zm("c", 3), zm("d", 4))
	got, err := e.b.ZRangeByScore(e.ctx, "z", 2, 3, 10)
	require.NoError(t, err)
	require.Equal(t, []store.ZMember{zm("b", 2), zm("c", 3)}, got)
	got, err = e.b.ZRangeByScore(e.ctx, "z", 1.5, 3.5, 10)
	require.NoError(t, err)
	require.Equal(t, []store.ZMember{zm("b", 2), zm("c", 3)}, got)
	got, err = e.b.ZRangeByScore(e.ctx, "z", 3, 2, 10)
	require.NoError(t, err)
	require.Empty(t, got, "min above max")
	got, err = e.b.ZRangeByScore(e.ctx, "z", 5, 9, 10)
	require.NoError(t, err)
	require.Empty(t, got, "a range past every score")
}

func testZRangeInfinities(t *testing.T, e *env) {
	inf := math.Inf(1)
	e.zadd("z", zm("top", inf), zm("bottom", -inf), zm("mid", 0))
	require.Equal(t, []store.ZMember{zm("bottom", -inf), zm("mid", 0), zm("top", inf)}, e.zall("z"))
	got, err := e.b.ZRangeByScore(e.ctx, "z", -inf, 0, 10)
	require.NoError(t, err)
	require.Equal(t, []store.ZMember{zm("bottom", -inf), zm("mid", 0)}, got)
	got, err = e.b.ZRangeByScore(e.ctx, "z", inf, inf, 10)
	require.NoError(t, err)
	require.Equal(t, []store.ZMember{zm("top", inf)}, got)
	v, err := e.b.ZScore(e.ctx, "z", "bottom")
	require.NoError(t, err)
	require.True(t, math.IsInf(v, -1), "ZScore of -Inf is %v", v)
}

func testZRangeLimit(t *testing.T, e *env) {
	for i, m := range []string{"a", "b", "c", "d", "e"} {
		e.zadd("z", zm(m, float64(i)))
	}
	got, err := e.b.ZRangeByScore(e.ctx, "z", 1, 100, 2)
	require.NoError(t, err)
	require.Equal(t, []store.ZMember{zm("b", 1), zm("c", 2)}, got)
	got, err = e.b.ZRangeByScore(e.ctx, "z", math.Inf(-1), math.Inf(1), 1)
	require.NoError(t, err)
	require.Equal(t, []store.ZMember{zm("a", 0)}, got)
	got, err = e.b.ZRangeByScore(e.ctx, "z", 0, 100, math.MaxInt32)
	require.NoError(t, err)
	require.Len(t, got, 5)
}

func testZRangeBadArguments(t *testing.T, e *env) {
	e.zadd("z", zm("a", 1))
	nan := math.NaN()
	for _, c := range []struct {
		lo, hi float64
		limit  int
	}{{0, 1, 0}, {0, 1, -1}, {nan, 1, 1}, {0, nan, 1}, {nan, nan, 1}} {
		_, err := e.b.ZRangeByScore(e.ctx, "z", c.lo, c.hi, c.limit)
		require.ErrorIs(t, err, store.ErrInvalidArgument, "ZRangeByScore(%v, %v, %d)", c.lo, c.hi, c.limit)
	}
}

func testZRangeMissingKey(t *testing.T, e *env) {
	got, err := e.b.ZRangeByScore(e.ctx, "missing", math.Inf(-1), math.Inf(1), 10)
	require.NoError(t, err)
	require.NotNil(t, got)
	require.Empty(t, got)
}

// testZRangeExtremeScores: scores keep every bit (a Unix time in
// milliseconds, the largest and smallest floats) and order across signs.
func testZRangeExtremeScores(t *testing.T, e *env) {
	ms := float64(time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC).UnixMilli())
	members := []store.ZMember{zm("min", -math.MaxFloat64), zm("negtiny", -math.SmallestNonzeroFloat64),
		zm("tiny", math.SmallestNonzeroFloat64), zm("third", 1.0/3), zm("ms", ms), zm("ms1", ms+1),
		zm("max", math.MaxFloat64)}
	e.zadd("z", members...)
	require.Equal(t, members, e.zall("z"))
	got, err := e.b.ZRangeByScore(e.ctx, "z", ms, ms, 10)
	require.NoError(t, err)
	require.Equal(t, []store.ZMember{zm("ms", ms)}, got)
}

// testZSetNegativeZero: Redis stores a score of -0 as 0, and -0 and 0
// are one score: ties between them go by member.
func testZSetNegativeZero(t *testing.T, e *env) {
	e.zadd("z", zm("b", math.Copysign(0, -1)), zm("a", 0), zm("c", math.Copysign(0, -1)))
	got := e.zall("z")
	require.Equal(t, []store.ZMember{zm("a", 0), zm("b", 0), zm("c", 0)}, got)
	for _, m := range got {
		require.False(t, math.Signbit(m.Score), "ZRangeByScore score of %q is -0", m.Member)
	}
	v, err := e.b.ZScore(e.ctx, "z", "b")
	require.NoError(t, err)
	require.False(t, math.Signbit(v), "ZScore is -0")
	got, err = e.b.ZRangeByScore(e.ctx, "z", math.Copysign(0, -1), 0, 10)
	require.NoError(t, err)
	require.Len(t, got, 3)
}

func testZSetBinaryMembers(t *testing.T, e *env) {
	members := sorted("", binaryValue, "\x00", "\x00\x00", "\xff", "café", "cafe\u0301", "*?[]\\")
	var zs []store.ZMember
	for _, m := range members {
		zs = append(zs, zm(m, 7))
	}
	e.zadd("z", zs...)
	require.Equal(t, zs, e.zall("z"))
	for _, m := range members {
		v, err := e.b.ZScore(e.ctx, "z", m)
		require.NoError(t, err)
		require.Equal(t, float64(7), v)
	}
}

// testZSetLargeMember: long members (1 MiB, and two long ones that differ
// only at their end) are kept whole and ordered by all their bytes.
func testZSetLargeMember(t *testing.T, e *env) {
	long := strings.Repeat("x", 4096)
	e.zadd("z", zm(largeValue, 1), zm(long+"b", 1), zm(long+"a", 1), zm("small", 0))
	got := e.zall("z")
	require.Len(t, got, 4)
	require.Equal(t, []string{"small", largeValue, long + "a", long + "b"}, []string{got[0].Member, got[1].Member, got[2].Member, got[3].Member})
	v, err := e.b.ZScore(e.ctx, "z", largeValue)
	require.NoError(t, err)
	require.Equal(t, float64(1), v)
	n, err := e.b.ZRem(e.ctx, "z", largeValue, long+"a")
	require.NoError(t, err)
	require.EqualValues(t, 2, n)
	require.Equal(t, []store.ZMember{zm("small", 0), zm(long+"b", 1)}, e.zall("z"))
}

func testZSetWrongType(t *testing.T, e *env) {
	requireWrongType(t, e, store.TypeZSet, []typedOp{
		{"ZAdd", func(e *env, k string) error { _, err := e.b.ZAdd(e.ctx, k, zm("m", 1)); return err }},
		{"ZRem", func(e *env, k string) error { _, err := e.b.ZRem(e.ctx, k, "m"); return err }},
		{"ZScore", func(e *env, k string) error { _, err := e.b.ZScore(e.ctx, k, "m"); return err }},
		{"ZCard", func(e *env, k string) error { _, err := e.b.ZCard(e.ctx, k); return err }},
		{"ZRangeByScore", func(e *env, k string) error {
			_, err := e.b.ZRangeByScore(e.ctx, k, math.Inf(-1), math.Inf(1), 10)
			return err
		}},
		{"ApplyZAddOp", func(e *env, k string) error {
			return e.b.Apply(e.ctx, &store.ZAddOp{Key: k, Members: []store.ZMember{zm("m", 1)}})
		}},
		{"ApplyZRemOp", func(e *env, k string) error {
			return e.b.Apply(e.ctx, &store.ZRemOp{Key: k, Members: []string{"m"}})
		}},
	})
}

func testApplyZAddOp(t *testing.T, e *env) {
	e.zadd(ka, zm("a", 1))
	e.applyAll(&store.ZAddOp{Key: ka, Members: []store.ZMember{zm("a", 4), zm("b", 2), zm("b", 3)}},
		&store.ExpireOp{Key: ka, TTL: hour})
	require.Equal(t, []store.ZMember{zm("b", 3), zm("a", 4)}, e.zall(ka))
	e.requireTTL(ka, hour)
}

// testApplyZAddOpNX: NX adds new members and never changes a score.
func testApplyZAddOpNX(t *testing.T, e *env) {
	e.zadd(ka, zm("a", 1))
	e.applyAll(&store.ZAddOp{Key: ka, Members: []store.ZMember{zm("a", 9), zm("b", 2)}, NX: true})
	require.Equal(t, []store.ZMember{zm("a", 1), zm("b", 2)}, e.zall(ka))
	e.applyAll(&store.ZAddOp{Key: kb, Members: []store.ZMember{zm("x", 5), zm("x", 6)}, NX: true})
	require.Equal(t, []store.ZMember{zm("x", 5)}, e.zall(kb), "the first of a member named twice")
}

// testApplyZAddOpXX: XX updates members that exist and never adds one; on
// a missing key it creates nothing.
func testApplyZAddOpXX(t *testing.T, e *env) {
	e.zadd(ka, zm("a", 1))
	e.applyAll(&store.ZAddOp{Key: ka, Members: []store.ZMember{zm("a", 9), zm("b", 2)}, XX: true})
	require.Equal(t, []store.ZMember{zm("a", 9)}, e.zall(ka))
	e.applyAll(&store.ZAddOp{Key: kb, Members: []store.ZMember{zm("x", 5)}, XX: true})
	e.requireGone(kb)
}

func testApplyZAddOpMalformed(t *testing.T, e *env) {
	e.zadd(ka, zm("a", 1))
	groups := [][]store.Op{
		{&store.ZAddOp{Key: ka, Members: []store.ZMember{zm("a", 2)}, NX: true, XX: true}},
		{&store.ZAddOp{Key: ka}},
		{&store.ZAddOp{Key: ka, Members: []store.ZMember{zm("a", math.NaN())}}},
		{&store.ZRemOp{Key: ka}},
		{&store.SetOp{Key: kb, Value: "v"}, &store.ZAddOp{Key: ka, Members: []store.ZMember{zm("a", 2)}, NX: true, XX: true}},
		{&store.ZAddOp{Key: ka, Members: []store.ZMember{zm("a", 2)}}, &store.SAddOp{Key: ka, Members: []string{"m"}}},
		{&store.ZRemOp{Key: ka, Members: []string{"a"}}, &store.LPopOp{Key: ka, Count: 1}},
	}
	for i, ops := range groups {
		require.ErrorIs(t, e.b.Apply(e.ctx, ops...), store.ErrInvalidArgument, "group %d", i)
	}
	require.Equal(t, []store.ZMember{zm("a", 1)}, e.zall(ka))
	e.requireGone(kb)
}

func testApplyZRemOp(t *testing.T, e *env) {
	e.zadd(ka, zm("a", 1), zm("b", 2))
	e.expire(ka, hour)
	e.applyAll(&store.ZRemOp{Key: ka, Members: []string{"a", "missing"}})
	require.Equal(t, []store.ZMember{zm("b", 2)}, e.zall(ka))
	e.applyAll(&store.ZRemOp{Key: ka, Members: []string{"b"}}, &store.ZRemOp{Key: kb, Members: []string{"x"}})
	e.requireGone(ka)
	e.requireGone(kb)
}

// testApplyLPopOpResult: LPopOp pops after the group's earlier writes and
// fills in what it removed; the emptied list is deleted.
func testApplyLPopOpResult(t *testing.T, e *env) {
	e.rpush(ka, "a", "b", "c")
	pop := &store.LPopOp{Key: ka, Count: 2}
	e.applyAll(&store.LPushOp{Key: ka, Values: []string{"x"}}, pop, &store.RPushOp{Key: ka, Values: []string{"d"}})
	require.Equal(t, []string{"x", "a"}, pop.Result)
	require.Equal(t, []string{"b", "c", "d"}, e.lrange(ka))
	all := &store.LPopOp{Key: ka, Count: 10}
	e.applyAll(all, &store.ZAddOp{Key: kb, Members: []store.ZMember{zm("claimed", 1)}})
	require.Equal(t, []string{"b", "c", "d"}, all.Result)
	e.requireGone(ka)
	require.Equal(t, []store.ZMember{zm("claimed", 1)}, e.zall(kb))
}

func testApplyLPopOpMissingKey(t *testing.T, e *env) {
	pop := &store.LPopOp{Key: ka, Count: 3}
	e.applyAll(pop)
	require.NotNil(t, pop.Result)
	require.Empty(t, pop.Result)
	e.requireGone(ka)
	after := &store.LPopOp{Key: kb, Count: 1}
	e.applyAll(&store.DelOp{Key: kb}, after)
	require.Empty(t, after.Result)
}

func testApplyLPopOpBadCount(t *testing.T, e *env) {
	e.rpush(ka, "a")
	for _, n := range []int{0, -1} {
		err := e.b.Apply(e.ctx, &store.LPopOp{Key: ka, Count: n})
		require.ErrorIs(t, err, store.ErrInvalidArgument, "count %d", n)
	}
	require.Equal(t, []string{"a"}, e.lrange(ka))
}

// testApplyZOpsWrongType: ZAddOp and ZRemOp need a sorted set, LPopOp a
// list, before the group.
func testApplyZOpsWrongType(t *testing.T, e *env) {
	e.sadd(ka, "m")
	e.zadd(kb, zm("a", 1))
	before := e.dumpAll(ka, kb)
	for i, op := range []store.Op{
		&store.ZAddOp{Key: ka, Members: []store.ZMember{zm("a", 1)}},
		&store.ZAddOp{Key: ka, Members: []store.ZMember{zm("a", 1)}, XX: true},
		&store.ZRemOp{Key: ka, Members: []string{"a"}},
		&store.LPopOp{Key: kb, Count: 1},
		&store.LPopOp{Key: ka, Count: 1},
	} {
		require.ErrorIs(t, e.b.Apply(e.ctx, op), store.ErrWrongType, "op %d (%T)", i, op)
	}
	e.requireUnchanged(before)
}

// testApplyFailingZGroup: a group whose last op fails its check writes
// none of its sorted-set or list ops and fills in no result.
func testApplyFailingZGroup(t *testing.T, e *env) {
	e.rpush(ka, "a", "b")
	e.zadd(kb, zm("m", 1))
	e.hset(kc, "f", "v")
	before := e.dumpAll(ka, kb, kc)
	pop := &store.LPopOp{Key: ka, Count: 1}
	err := e.b.Apply(e.ctx,
		pop,
		&store.ZAddOp{Key: kb, Members: []store.ZMember{zm("n", 2)}},
		&store.ZRemOp{Key: kb, Members: []string{"m"}},
		&store.ZAddOp{Key: kd, Members: []store.ZMember{zm("x", 1)}, NX: true},
		&store.RPushOp{Key: kc, Values: []string{"x"}})
	require.ErrorIs(t, err, store.ErrWrongType)
	e.requireUnchanged(before)
	e.requireGone(kd)
	require.Empty(t, pop.Result)
}

// testApplyZAddAfterDel: a group that deletes a key of another type and
// writes it as a sorted set needs no type check.
func testApplyZAddAfterDel(t *testing.T, e *env) {
	e.set(ka, "text", 0)
	e.rpush(kb, "x")
	e.applyAll(&store.DelOp{Key: ka}, &store.ZAddOp{Key: ka, Members: []store.ZMember{zm("a", 1)}},
		&store.DelOp{Key: kb}, &store.ZAddOp{Key: kb, Members: []store.ZMember{zm("b", 2)}, XX: true})
	require.Equal(t, []store.ZMember{zm("a", 1)}, e.zall(ka))
	e.requireGone(kb)
}

// testUpdateZSetClaim: the shape of a due-trigger claim: read what is due
// through the Reader, then remove it and queue it in one group.
func testUpdateZSetClaim(t *testing.T, e *env) {
	e.zadd(ka, zm("due1", 10), zm("due2", 20), zm("later", 100))
	var due []store.ZMember
	err := e.b.Update(e.ctx, []string{ka, kb}, func(r store.Reader) ([]store.Op, error) {
		var err error
		due, err = r.ZRangeByScore(bg, ka, math.Inf(-1), 50, 10)
		if err != nil {
			return nil, err
		}
		ops := []store.Op{}
		for _, m := range due {
			ops = append(ops, &store.ZRemOp{Key: ka, Members: []string{m.Member}},
				&store.RPushOp{Key: kb, Values: []string{m.Member}})
		}
		return ops, nil
	})
	require.NoError(t, err)
	require.Equal(t, []store.ZMember{zm("due1", 10), zm("due2", 20)}, due)
	require.Equal(t, []store.ZMember{zm("later", 100)}, e.zall(ka))
	require.Equal(t, []string{"due1", "due2"}, e.lrange(kb))
}

// testZSetExpired: a sorted set whose TTL passed reads as missing, and a
// ZAdd starts a new one without the old members or TTL.
func testZSetExpired(t *testing.T, e *env) {
	e.zadd("z", zm("a", 1), zm("b", 2))
	e.expire("z", shortTTL)
	e.wait(pastTTL)
	e.requireGone("z")
	require.Empty(t, e.zall("z"))
	n, err := e.b.ZCard(e.ctx, "z")
	require.NoError(t, err)
	require.Zero(t, n)
	_, err = e.b.ZScore(e.ctx, "z", "a")
	require.ErrorIs(t, err, store.ErrNotFound)
	n, err = e.b.ZAdd(e.ctx, "z", zm("b", 5))
	require.NoError(t, err)
	require.EqualValues(t, 1, n, "the expired members are gone")
	require.Equal(t, []store.ZMember{zm("b", 5)}, e.zall("z"))
	e.requireNoExpiry("z")
}

// testZSetReaderBadArguments: Reader.ZRangeByScore checks its limit and
// bounds as the backend's does; Update returns the error as fn gives it.
func testZSetReaderBadArguments(t *testing.T, e *env) {
	e.zadd(ka, zm("a", 1))
	for _, c := range []struct {
		lo    float64
		limit int
	}{{0, 0}, {math.NaN(), 1}} {
		err := e.b.Update(e.ctx, []string{ka}, func(r store.Reader) ([]store.Op, error) {
			_, err := r.ZRangeByScore(bg, ka, c.lo, 10, c.limit)
			return []store.Op{&store.DelOp{Key: ka}}, err
		})
		require.ErrorIs(t, err, store.ErrInvalidArgument, "lo %v limit %d", c.lo, c.limit)
	}
	require.Equal(t, []store.ZMember{zm("a", 1)}, e.zall(ka))
}
