package conformance

import (
	"math"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/mimeiapify/store"
)

// listCases cover the list operations.
var listCases = []testCase{
	{"RPushAppendsInOrder", testRPushAppendsInOrder},
	{"LPushPrependsEachInTurn", testLPushPrependsEachInTurn},
	{"PushNoValuesIsInvalid", testPushNoValuesIsInvalid},
	{"LRangeIndexes", testLRangeIndexes},
	{"LRangeMissingKey", testLRangeMissingKey},
	{"LTrimIndexes", testLTrimIndexes},
	{"LTrimMissingKey", testLTrimMissingKey},
	{"LTrimToNothingDeletesKey", testLTrimToNothingDeletesKey},
	{"LLen", testLLen},
	{"LPopOne", testLPopOne},
	{"LPopCount", testLPopCount},
	{"LPopLastDeletesKey", testLPopLastDeletesKey},
	{"LPopMissingKey", testLPopMissingKey},
	{"LPopCountBelowOneIsInvalid", testLPopCountBelowOneIsInvalid},
	{"DuplicateAndBinaryValues", testListDuplicateAndBinaryValues},
	{"LargeValue", testListLargeValue},
	{"WrongType", testListWrongType},
}

// fiveList is the list the index tables work on.
var fiveList = []string{"a", "b", "c", "d", "e"}

// rangeCases are (start, stop) pairs on fiveList and what LRANGE answers
// and LTRIM keeps, as a Redis 7 server does.
var rangeCases = []struct {
	start, stop int64
	want        []string
}{
	{0, -1, fiveList},
	{1, 3, []string{"b", "c", "d"}},
	{-2, -1, []string{"d", "e"}},
	{-100, 100, fiveList},
	{3, 1, nil},
	{5, 10, nil},
	{-100, -6, nil},
	{0, 0, []string{"a"}},
	{-1, -1, []string{"e"}},
	{2, 100, []string{"c", "d", "e"}},
	{-3, 2, []string{"c"}},
	{-6, 0, []string{"a"}},
	{4, 4, []string{"e"}},
	{-5, -5, []string{"a"}},
	{-1, 0, nil},
	{1, -1, []string{"b", "c", "d", "e"}},
	{0, -6, nil},
	{math.MaxInt64, math.MinInt64, nil},
	{math.MinInt64, math.MaxInt64, fiveList},
}

func testRPushAppendsInOrder(t *testing.T, e *env) {
	n, err := e.b.RPush(e.ctx, "l", "a", "b")
	require.NoError(t, err)
	require.Equal(t, int64(2), n)
	n, err = e.b.RPush(e.ctx, "l", "c")
	require.NoError(t, err)
	require.Equal(t, int64(3), n)
	require.Equal(t, []string{"a", "b", "c"}, e.lrange("l"))
	require.Equal(t, store.TypeList, e.typeOf("l"))
}

func testLPushPrependsEachInTurn(t *testing.T, e *env) {
	n, err := e.b.LPush(e.ctx, "l", "a", "b", "c")
	require.NoError(t, err)
	require.Equal(t, int64(3), n)
	require.Equal(t, []string{"c", "b", "a"}, e.lrange("l"))
	n, err = e.b.LPush(e.ctx, "l", "d")
	require.NoError(t, err)
	require.Equal(t, int64(4), n)
	e.rpush("l", "z")
	require.Equal(t, []string{"d", "c", "b", "a", "z"}, e.lrange("l"))
}

func testPushNoValuesIsInvalid(t *testing.T, e *env) {
	_, err := e.b.RPush(e.ctx, "l")
	require.ErrorIs(t, err, store.ErrInvalidArgument)
	_, err = e.b.LPush(e.ctx, "l")
	require.ErrorIs(t, err, store.ErrInvalidArgument)
	e.requireGone("l")
	e.rpush("full", "a")
	_, err = e.b.RPush(e.ctx, "full")
	require.ErrorIs(t, err, store.ErrInvalidArgument)
	_, err = e.b.LPush(e.ctx, "full")
	require.ErrorIs(t, err, store.ErrInvalidArgument)
	require.Equal(t, []string{"a"}, e.lrange("full"))
}

func testLRangeIndexes(t *testing.T, e *env) {
	e.rpush("l", fiveList...)
	for _, c := range rangeCases {
		got, err := e.b.LRange(e.ctx, "l", c.start, c.stop)
		require.NoError(t, err)
		require.Equal(t, c.want, nilIfEmpty(got), "LRange(%d, %d)", c.start, c.stop)
	}
	require.Equal(t, fiveList, e.lrange("l"))
}

func testLRangeMissingKey(t *testing.T, e *env) {
	got, err := e.b.LRange(e.ctx, "missing", 0, -1)
	require.NoError(t, err)
	require.Empty(t, got)
}

func testLTrimIndexes(t *testing.T, e *env) {
	for _, c := range rangeCases {
		_, err := e.b.Del(e.ctx, "l")
		require.NoError(t, err)
		e.rpush("l", fiveList...)
		require.NoError(t, e.b.LTrim(e.ctx, "l", c.start, c.stop))
		require.Equal(t, c.want, nilIfEmpty(e.lrange("l")), "LTrim(%d, %d)", c.start, c.stop)
		require.Equal(t, int64(min(1, len(c.want))), e.exists("l"), "LTrim(%d, %d)", c.start, c.stop)
	}
}

func testLTrimMissingKey(t *testing.T, e *env) {
	require.NoError(t, e.b.LTrim(e.ctx, "missing", 0, 1))
	e.requireGone("missing")
}

func testLTrimToNothingDeletesKey(t *testing.T, e *env) {
	e.rpush("l", fiveList...)
	e.expire("l", hour)
	require.NoError(t, e.b.LTrim(e.ctx, "l", 3, 1))
	e.requireGone("l")
	n, err := e.b.LLen(e.ctx, "l")
	require.NoError(t, err)
	require.Zero(t, n)
}

func testLLen(t *testing.T, e *env) {
	e.rpush("l", fiveList...)
	for key, want := range map[string]int64{"l": 5, "missing": 0} {
		n, err := e.b.LLen(e.ctx, key)
		require.NoError(t, err)
		require.Equal(t, want, n, "LLen(%q)", key)
	}
}

func testLPopOne(t *testing.T, e *env) {
	e.rpush("l", fiveList...)
	got, err := e.b.LPop(e.ctx, "l", 1)
	require.NoError(t, err)
	require.Equal(t, []string{"a"}, got)
	require.Equal(t, fiveList[1:], e.lrange("l"))
}

func testLPopCount(t *testing.T, e *env) {
	e.rpush("l", fiveList...)
	got, err := e.b.LPop(e.ctx, "l", 3)
	require.NoError(t, err)
	require.Equal(t, []string{"a", "b", "c"}, got)
	require.Equal(t, []string{"d", "e"}, e.lrange("l"))
}

func testLPopLastDeletesKey(t *testing.T, e *env) {
	e.rpush("l", fiveList...)
	e.expire("l", hour)
	got, err := e.b.LPop(e.ctx, "l", 100)
	require.NoError(t, err)
	require.Equal(t, fiveList, got)
	e.requireGone("l")
	got, err = e.b.LPop(e.ctx, "l", 1)
	require.NoError(t, err)
	require.Empty(t, got)
}

func testLPopMissingKey(t *testing.T, e *env) {
	for _, count := range []int{1, 5} {
		got, err := e.b.LPop(e.ctx, "missing", count)
		require.NoError(t, err)
		require.Empty(t, got)
	}
	e.requireGone("missing")
}

// testLPopCountBelowOneIsInvalid: the contract asks for a count of at
// least one. (Redis answers a negative count with an error and a zero
// count with an empty array; both remove nothing.)
func testLPopCountBelowOneIsInvalid(t *testing.T, e *env) {
	e.rpush("l", fiveList...)
	for _, count := range []int{0, -1} {
		_, err := e.b.LPop(e.ctx, "l", count)
		require.ErrorIs(t, err, store.ErrInvalidArgument, "count %d", count)
	}
	require.Equal(t, fiveList, e.lrange("l"))
}

func testListDuplicateAndBinaryValues(t *testing.T, e *env) {
	values := []string{"x", "x", "", binaryValue, "", "café", "\x00", "x"}
	e.rpush("l", values...)
	require.Equal(t, values, e.lrange("l"))
	n, err := e.b.LLen(e.ctx, "l")
	require.NoError(t, err)
	require.Equal(t, int64(len(values)), n)
}

func testListLargeValue(t *testing.T, e *env) {
	e.rpush("l", "small", largeValue)
	got, err := e.b.LRange(e.ctx, "l", -1, -1)
	require.NoError(t, err)
	require.Len(t, got, 1)
	require.True(t, got[0] == largeValue, "the 1 MiB value came back changed")
}

func testListWrongType(t *testing.T, e *env) {
	requireWrongType(t, e, store.TypeList, []typedOp{
		{"RPush", func(e *env, k string) error { _, err := e.b.RPush(e.ctx, k, "v"); return err }},
		{"LPush", func(e *env, k string) error { _, err := e.b.LPush(e.ctx, k, "v"); return err }},
		{"LRange", func(e *env, k string) error { _, err := e.b.LRange(e.ctx, k, 0, -1); return err }},
		{"LTrim", func(e *env, k string) error { return e.b.LTrim(e.ctx, k, 0, 0) }},
		{"LLen", func(e *env, k string) error { _, err := e.b.LLen(e.ctx, k); return err }},
		{"LPop", func(e *env, k string) error { _, err := e.b.LPop(e.ctx, k, 1); return err }},
	})
}

// nilIfEmpty maps an empty slice to nil, so that "no elements" compares
// equal however a backend spells it.
func nilIfEmpty(s []string) []string {
	if len(s) == 0 {
		return nil
	}
	return s
}
