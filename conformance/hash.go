package conformance

import (
	"math"
	"strconv"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/mimeiapify/store"
)

// hashCases cover the hash operations.
var hashCases = []testCase{
	{"HSetCountsNewFields", testHSetCountsNewFields},
	{"HSetNoFieldsIsInvalid", testHSetNoFieldsIsInvalid},
	{"HGetField", testHGetField},
	{"HGetMissingKey", testHGetMissingKey},
	{"HGetMissingField", testHGetMissingField},
	{"HMGetExistingFields", testHMGetExistingFields},
	{"HMGetMissingKey", testHMGetMissingKey},
	{"HMGetNoFieldsIsInvalid", testHMGetNoFieldsIsInvalid},
	{"HGetAllEveryField", testHGetAllEveryField},
	{"HGetAllMissingKey", testHGetAllMissingKey},
	{"HDelCountsExisting", testHDelCountsExisting},
	{"HDelMissingKey", testHDelMissingKey},
	{"HDelNoFieldsIsInvalid", testHDelNoFieldsIsInvalid},
	{"HDelLastFieldDeletesKey", testHDelLastFieldDeletesKey},
	{"HExists", testHExists},
	{"HLen", testHLen},
	{"HIncrByMissing", testHIncrByMissing},
	{"HIncrByExisting", testHIncrByExisting},
	{"HIncrByNotInteger", testHIncrByNotInteger},
	{"HIncrByStrictIntegerForm", testHIncrByStrictIntegerForm},
	{"HIncrByOverflow", testHIncrByOverflow},
	{"HIncrByFloatMissingKey", testHIncrByFloatMissingKey},
	{"HIncrByFloatExactText", testHIncrByFloatExactText},
	{"HIncrByFloatLongDoublePrecision", testHIncrByFloatLongDoublePrecision},
	{"HIncrByFloatNotFloat", testHIncrByFloatNotFloat},
	{"HIncrByFloatOutOfRangeValue", testHIncrByFloatOutOfRangeValue},
	{"HIncrByFloatNaNOrInfDelta", testHIncrByFloatNaNOrInfDelta},
	{"HIncrByFloatInfiniteValue", testHIncrByFloatInfiniteValue},
	{"HIncrByFloatHexadecimalValue", testHIncrByFloatHexadecimalValue},
	{"HIncrByAfterHIncrByFloat", testHIncrByAfterHIncrByFloat},
	{"EmptyFieldAndValue", testHashEmptyFieldAndValue},
	{"BinaryFieldsAndValues", testHashBinaryFieldsAndValues},
	{"LargeValue", testHashLargeValue},
	{"WrongType", testHashWrongType},
}

func testHSetCountsNewFields(t *testing.T, e *env) {
	n, err := e.b.HSet(e.ctx, "h", pairsMap("a", "1", "b", "2"))
	require.NoError(t, err)
	require.Equal(t, int64(2), n)
	n, err = e.b.HSet(e.ctx, "h", pairsMap("b", "20", "c", "3"))
	require.NoError(t, err)
	require.Equal(t, int64(1), n)
	n, err = e.b.HSet(e.ctx, "h", pairsMap("a", "1"))
	require.NoError(t, err)
	require.Zero(t, n)
	require.Equal(t, pairsMap("a", "1", "b", "20", "c", "3"), e.hgetAll("h"))
	require.Equal(t, store.TypeHash, e.typeOf("h"))
}

func testHSetNoFieldsIsInvalid(t *testing.T, e *env) {
	for _, fields := range []map[string]string{nil, {}} {
		_, err := e.b.HSet(e.ctx, "h", fields)
		require.ErrorIs(t, err, store.ErrInvalidArgument)
	}
	e.requireGone("h")
	e.hset("full", "a", "1")
	_, err := e.b.HSet(e.ctx, "full", nil)
	require.ErrorIs(t, err, store.ErrInvalidArgument)
	require.Equal(t, pairsMap("a", "1"), e.hgetAll("full"))
}

func testHGetField(t *testing.T, e *env) {
	e.hset("h", "a", "1", "b", "2")
	require.Equal(t, "1", e.hget("h", "a"))
	require.Equal(t, "2", e.hget("h", "b"))
}

func testHGetMissingKey(t *testing.T, e *env) {
	_, err := e.b.HGet(e.ctx, "missing", "a")
	require.ErrorIs(t, err, store.ErrNotFound)
}

func testHGetMissingField(t *testing.T, e *env) {
	e.hset("h", "a", "1")
	_, err := e.b.HGet(e.ctx, "h", "b")
	require.ErrorIs(t, err, store.ErrNotFound)
}

func testHMGetExistingFields(t *testing.T, e *env) {
	e.hset("h", "a", "1", "b", "2", "c", "")
	m, err := e.b.HMGet(e.ctx, "h", "a", "c", "missing", "a")
	require.NoError(t, err)
	require.Equal(t, pairsMap("a", "1", "c", ""), m)
}

func testHMGetMissingKey(t *testing.T, e *env) {
	m, err := e.b.HMGet(e.ctx, "missing", "a", "b")
	require.NoError(t, err)
	require.Empty(t, m)
}

func testHMGetNoFieldsIsInvalid(t *testing.T, e *env) {
	e.hset("h", "a", "1")
	_, err := e.b.HMGet(e.ctx, "h")
	require.ErrorIs(t, err, store.ErrInvalidArgument)
}

func testHGetAllEveryField(t *testing.T, e *env) {
	want := map[string]string{}
	for i := range 100 {
		want["f"+strconv.Itoa(i)] = "v" + strconv.Itoa(i*i)
	}
	_, err := e.b.HSet(e.ctx, "h", want)
	require.NoError(t, err)
	require.Equal(t, want, e.hgetAll("h"))
}

func testHGetAllMissingKey(t *testing.T, e *env) {
	require.Empty(t, e.hgetAll("missing"))
}

func testHDelCountsExisting(t *testing.T, e *env) {
	e.hset("h", "a", "1", "b", "2", "c", "3")
	n, err := e.b.HDel(e.ctx, "h", "a", "a", "missing", "b")
	require.NoError(t, err)
	require.Equal(t, int64(2), n)
	require.Equal(t, pairsMap("c", "3"), e.hgetAll("h"))
}

func testHDelMissingKey(t *testing.T, e *env) {
	n, err := e.b.HDel(e.ctx, "missing", "a")
	require.NoError(t, err)
	require.Zero(t, n)
	e.requireGone("missing")
}

func testHDelNoFieldsIsInvalid(t *testing.T, e *env) {
	e.hset("h", "a", "1")
	_, err := e.b.HDel(e.ctx, "h")
	require.ErrorIs(t, err, store.ErrInvalidArgument)
	require.Equal(t, pairsMap("a", "1"), e.hgetAll("h"))
}

func testHDelLastFieldDeletesKey(t *testing.T, e *env) {
	e.hset("h", "a", "1", "b", "2")
	e.expire("h", hour)
	n, err := e.b.HDel(e.ctx, "h", "a", "b")
	require.NoError(t, err)
	require.Equal(t, int64(2), n)
	e.requireGone("h")
	n, err = e.b.HLen(e.ctx, "h")
	require.NoError(t, err)
	require.Zero(t, n)
	require.Empty(t, e.scan("*"))
}

func testHExists(t *testing.T, e *env) {
	e.hset("h", "a", "1", "", "")
	for _, c := range []struct {
		key, field string
		want       bool
	}{{"h", "a", true}, {"h", "", true}, {"h", "b", false}, {"missing", "a", false}} {
		ok, err := e.b.HExists(e.ctx, c.key, c.field)
		require.NoError(t, err)
		require.Equal(t, c.want, ok, "HExists(%q, %q)", c.key, c.field)
	}
}

func testHLen(t *testing.T, e *env) {
	e.hset("h", "a", "1", "b", "2", "c", "3")
	for key, want := range map[string]int64{"h": 3, "missing": 0} {
		n, err := e.b.HLen(e.ctx, key)
		require.NoError(t, err)
		require.Equal(t, want, n, "HLen(%q)", key)
	}
}

func testHIncrByMissing(t *testing.T, e *env) {
	n, err := e.b.HIncrBy(e.ctx, "h", "a", 7)
	require.NoError(t, err)
	require.Equal(t, int64(7), n)
	n, err = e.b.HIncrBy(e.ctx, "h", "b", -2)
	require.NoError(t, err)
	require.Equal(t, int64(-2), n)
	require.Equal(t, pairsMap("a", "7", "b", "-2"), e.hgetAll("h"))
	e.requireNoExpiry("h")
}

func testHIncrByExisting(t *testing.T, e *env) {
	e.hset("h", "a", "10", "other", "x")
	n, err := e.b.HIncrBy(e.ctx, "h", "a", -15)
	require.NoError(t, err)
	require.Equal(t, int64(-5), n)
	require.Equal(t, pairsMap("a", "-5", "other", "x"), e.hgetAll("h"))
}

func testHIncrByNotInteger(t *testing.T, e *env) {
	requireHIncrByNotInteger(t, e, notIntegers)
}

func testHIncrByStrictIntegerForm(t *testing.T, e *env) {
	requireHIncrByNotInteger(t, e, nonCanonicalIntegers)
}

func requireHIncrByNotInteger(t *testing.T, e *env, values []string) {
	for _, v := range values {
		e.hset("h", "f", v)
		_, err := e.b.HIncrBy(e.ctx, "h", "f", 1)
		require.ErrorIs(t, err, store.ErrNotInteger, "HIncrBy of %q", v)
		require.Equal(t, v, e.hget("h", "f"))
	}
}

func testHIncrByOverflow(t *testing.T, e *env) {
	e.hset("h", "max", "9223372036854775807", "min", "-9223372036854775808")
	_, err := e.b.HIncrBy(e.ctx, "h", "max", 1)
	require.ErrorIs(t, err, store.ErrOverflow)
	_, err = e.b.HIncrBy(e.ctx, "h", "min", -1)
	require.ErrorIs(t, err, store.ErrOverflow)
	require.Equal(t, pairsMap("max", "9223372036854775807", "min", "-9223372036854775808"), e.hgetAll("h"))
	n, err := e.b.HIncrBy(e.ctx, "h", "new", math.MinInt64)
	require.NoError(t, err)
	require.Equal(t, int64(math.MinInt64), n)
}

func testHIncrByFloatMissingKey(t *testing.T, e *env) {
	got, err := e.b.HIncrByFloat(e.ctx, "h", "f", 2.5)
	require.NoError(t, err)
	require.Equal(t, 2.5, got)
	require.Equal(t, pairsMap("f", "2.5"), e.hgetAll("h"))
	require.Equal(t, store.TypeHash, e.typeOf("h"))
	e.requireNoExpiry("h")
}

// floatCase is a field's text before HIncrByFloat (missing when absent),
// the delta and the text Redis stores.
type floatCase struct {
	before  string
	missing bool
	delta   float64
	stored  string
}

// floatCases are checked against a Redis 7 server: the sum is computed
// in 80-bit long double and printed with %.17Lf, trailing zeros removed.
var floatCases = []floatCase{
	{before: "0.1", delta: 0.2, stored: "0.3"},
	{before: "10.5", delta: 0.1, stored: "10.6"},
	{before: "1.5", delta: 1.5, stored: "3"},
	{missing: true, delta: 5, stored: "5"},
	{missing: true, delta: 1e-18, stored: "0"},
	{before: "5", delta: -0.25, stored: "4.75"},
	{before: "-1.5", delta: 1.5, stored: "0"},
	{before: "-5", delta: 2.5, stored: "-2.5"},
	{before: "0.1", delta: 0.7, stored: "0.8"},
	{before: "1e3", delta: 1, stored: "1001"},
	{before: ".5", delta: 1, stored: "1.5"},
	{before: "5.", delta: 1, stored: "6"},
	{before: "-0", delta: 0, stored: "0"},
	{before: "2.5e-3", delta: 1, stored: "1.0025"},
	{before: "1e-17", delta: 0, stored: "0.00000000000000001"},
}

// longDoubleCases show the 64-bit mantissa of Redis' long double: more
// digits than a float64 holds survive, and no more than 64 bits do.
var longDoubleCases = []floatCase{
	{before: "1.23456789012345678", delta: 0, stored: "1.23456789012345678"},
	{before: "99999999999999999", delta: 1, stored: "100000000000000000"},
	{before: "1e20", delta: 1, stored: "100000000000000000000"},
	{before: "18014398509481985", delta: 0, stored: "18014398509481985"},
}

func testHIncrByFloatExactText(t *testing.T, e *env) {
	requireFloatCases(t, e, floatCases)
}

func testHIncrByFloatLongDoublePrecision(t *testing.T, e *env) {
	requireFloatCases(t, e, longDoubleCases)
}

func requireFloatCases(t *testing.T, e *env, cases []floatCase) {
	for _, c := range cases {
		_, err := e.b.Del(e.ctx, "h")
		require.NoError(t, err)
		e.hset("h", "other", "x")
		if !c.missing {
			e.hset("h", "f", c.before)
		}
		got, err := e.b.HIncrByFloat(e.ctx, "h", "f", c.delta)
		require.NoError(t, err, "%q + %v", c.before, c.delta)
		require.Equal(t, c.stored, e.hget("h", "f"), "%q + %v", c.before, c.delta)
		want, err := strconv.ParseFloat(c.stored, 64)
		require.NoError(t, err)
		require.Equal(t, want, got, "%q + %v: the value returned is not the value stored", c.before, c.delta)
	}
}

// notFloats are values Redis' HINCRBYFLOAT rejects as "not a float".
var notFloats = []string{
	"abc", " 1.5", "1.5 ", "", "nan", "NaN", "1e", "e1", "1,5", "1_000", "1.5.2",
}

func testHIncrByFloatNotFloat(t *testing.T, e *env) {
	requireNotFloat(t, e, notFloats)
}

// testHIncrByFloatOutOfRangeValue: Redis refuses a value that overflows
// or underflows a long double as "not a float".
func testHIncrByFloatOutOfRangeValue(t *testing.T, e *env) {
	requireNotFloat(t, e, []string{"1e5000", "-1e5000", "1e-5000"})
}

func requireNotFloat(t *testing.T, e *env, values []string) {
	for _, v := range values {
		e.hset("h", "f", v)
		_, err := e.b.HIncrByFloat(e.ctx, "h", "f", 1)
		require.ErrorIs(t, err, store.ErrNotFloat, "HIncrByFloat of %q", v)
		require.Equal(t, v, e.hget("h", "f"))
	}
}

// testHIncrByFloatNaNOrInfDelta: Redis refuses such a delta before it
// reads the field.
func testHIncrByFloatNaNOrInfDelta(t *testing.T, e *env) {
	e.hset("h", "f", "1.5")
	for _, d := range []float64{math.NaN(), math.Inf(1), math.Inf(-1)} {
		_, err := e.b.HIncrByFloat(e.ctx, "h", "f", d)
		require.ErrorIs(t, err, store.ErrNotFloat, "delta %v", d)
		_, err = e.b.HIncrByFloat(e.ctx, "missing", "f", d)
		require.ErrorIs(t, err, store.ErrNotFloat, "delta %v on a missing key", d)
	}
	require.Equal(t, "1.5", e.hget("h", "f"))
	e.requireGone("missing")
}

// testHIncrByFloatInfiniteValue: Redis parses "inf" as a number, so
// adding to it fails as a NaN or infinite result, not as "not a float".
func testHIncrByFloatInfiniteValue(t *testing.T, e *env) {
	for _, v := range []string{"inf", "INF", "-infinity", "+Inf"} {
		e.hset("h", "f", v)
		_, err := e.b.HIncrByFloat(e.ctx, "h", "f", 1)
		require.ErrorIs(t, err, store.ErrOverflow, "HIncrByFloat of %q", v)
		require.Equal(t, v, e.hget("h", "f"))
	}
}

// testHIncrByFloatHexadecimalValue: Redis 7 parses stored values with
// strtold, which reads C hexadecimal floats.
func testHIncrByFloatHexadecimalValue(t *testing.T, e *env) {
	for _, c := range []struct{ before, stored string }{{"0x10", "17"}, {"0x1p3", "9"}} {
		e.hset("h", "f", c.before)
		got, err := e.b.HIncrByFloat(e.ctx, "h", "f", 1)
		require.NoError(t, err, "HIncrByFloat of %q", c.before)
		require.Equal(t, c.stored, e.hget("h", "f"))
		want, _ := strconv.ParseFloat(c.stored, 64)
		require.Equal(t, want, got)
	}
}

// testHIncrByAfterHIncrByFloat: a float increment that lands on an
// integer stores integer text, which HIncrBy accepts; one that does not
// stores text HIncrBy refuses.
func testHIncrByAfterHIncrByFloat(t *testing.T, e *env) {
	e.hset("h", "int", "1.5", "frac", "5")
	_, err := e.b.HIncrByFloat(e.ctx, "h", "int", 1.5)
	require.NoError(t, err)
	n, err := e.b.HIncrBy(e.ctx, "h", "int", 1)
	require.NoError(t, err)
	require.Equal(t, int64(4), n)
	_, err = e.b.HIncrByFloat(e.ctx, "h", "frac", 1.5)
	require.NoError(t, err)
	_, err = e.b.HIncrBy(e.ctx, "h", "frac", 1)
	require.ErrorIs(t, err, store.ErrNotInteger)
	require.Equal(t, pairsMap("int", "4", "frac", "6.5"), e.hgetAll("h"))
}

func testHashEmptyFieldAndValue(t *testing.T, e *env) {
	n, err := e.b.HSet(e.ctx, "h", pairsMap("", "", "a", ""))
	require.NoError(t, err)
	require.Equal(t, int64(2), n)
	require.Equal(t, "", e.hget("h", ""))
	require.Equal(t, pairsMap("", "", "a", ""), e.hgetAll("h"))
	require.Equal(t, int64(1), e.exists("h"))
}

func testHashBinaryFieldsAndValues(t *testing.T, e *env) {
	want := pairsMap(binaryValue, "v1", "nul\x00", binaryValue, "\xff\xfe", "café", "*?[]\\", "{}:")
	_, err := e.b.HSet(e.ctx, "h", want)
	require.NoError(t, err)
	require.Equal(t, want, e.hgetAll("h"))
	require.Equal(t, binaryValue, e.hget("h", "nul\x00"))
	m, err := e.b.HMGet(e.ctx, "h", binaryValue, "\xff\xfe", "nul")
	require.NoError(t, err)
	require.Equal(t, pairsMap(binaryValue, "v1", "\xff\xfe", "café"), m)
}

func testHashLargeValue(t *testing.T, e *env) {
	e.hset("h", "big", largeValue, largeValue[:1000], "small")
	require.True(t, e.hget("h", "big") == largeValue, "the 1 MiB value came back changed")
	require.Equal(t, "small", e.hget("h", largeValue[:1000]))
}

func testHashWrongType(t *testing.T, e *env) {
	requireWrongType(t, e, store.TypeHash, []typedOp{
		{"HSet", func(e *env, k string) error { _, err := e.b.HSet(e.ctx, k, pairsMap("f", "v")); return err }},
		{"HGet", func(e *env, k string) error { _, err := e.b.HGet(e.ctx, k, "f"); return err }},
		{"HMGet", func(e *env, k string) error { _, err := e.b.HMGet(e.ctx, k, "f"); return err }},
		{"HGetAll", func(e *env, k string) error { _, err := e.b.HGetAll(e.ctx, k); return err }},
		{"HDel", func(e *env, k string) error { _, err := e.b.HDel(e.ctx, k, "f"); return err }},
		{"HExists", func(e *env, k string) error { _, err := e.b.HExists(e.ctx, k, "f"); return err }},
		{"HIncrBy", func(e *env, k string) error { _, err := e.b.HIncrBy(e.ctx, k, "f", 1); return err }},
		{"HIncrByFloat", func(e *env, k string) error { _, err := e.b.HIncrByFloat(e.ctx, k, "f", 1); return err }},
		{"HLen", func(e *env, k string) error { _, err := e.b.HLen(e.ctx, k); return err }},
	})
}
