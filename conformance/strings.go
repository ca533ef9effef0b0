package conformance

import (
	"math"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/mimeiapify/store"
)

// stringsCases cover Get, Set, SetNX and IncrBy.
var stringsCases = []testCase{
	{"SetThenGet", testSetThenGet},
	{"GetMissingKey", testGetMissingKey},
	{"SetOverwrites", testSetOverwrites},
	{"EmptyValue", testStringEmptyValue},
	{"BinaryValue", testStringBinaryValue},
	{"LargeValue", testStringLargeValue},
	{"SetReplacesEveryType", testSetReplacesEveryType},
	{"SetNegativeTTLIsInvalid", testSetNegativeTTLIsInvalid},
	{"SetNXMissingKey", testSetNXMissingKey},
	{"SetNXExistingKey", testSetNXExistingKey},
	{"SetNXOtherType", testSetNXOtherType},
	{"SetNXWithTTL", testSetNXWithTTL},
	{"SetNXNegativeTTLIsInvalid", testSetNXNegativeTTLIsInvalid},
	{"IncrByMissingKey", testIncrByMissingKey},
	{"IncrByZeroCreatesKey", testIncrByZeroCreatesKey},
	{"IncrByExisting", testIncrByExisting},
	{"IncrByStoresDecimalText", testIncrByStoresDecimalText},
	{"IncrByNotInteger", testIncrByNotInteger},
	{"IncrByStrictIntegerForm", testIncrByStrictIntegerForm},
	{"IncrByOverflow", testIncrByOverflow},
	{"IncrByReachesLimits", testIncrByReachesLimits},
	{"WrongType", testStringsWrongType},
}

func testSetThenGet(t *testing.T, e *env) {
	require.NoError(t, e.b.Set(e.ctx, "k", "v", 0))
	require.Equal(t, "v", e.get("k"))
	require.Equal(t, store.TypeString, e.typeOf("k"))
	e.requireNoExpiry("k")
}

func testGetMissingKey(t *testing.T, e *env) {
	_, err := e.b.Get(e.ctx, "missing")
	require.ErrorIs(t, err, store.ErrNotFound)
}

func testSetOverwrites(t *testing.T, e *env) {
	e.set("k", "first", 0)
	e.set("k", "second", 0)
	require.Equal(t, "second", e.get("k"))
}

func testStringEmptyValue(t *testing.T, e *env) {
	e.set("k", "", 0)
	require.Equal(t, "", e.get("k"))
	require.Equal(t, int64(1), e.exists("k"))
	require.Equal(t, store.TypeString, e.typeOf("k"))
}

func testStringBinaryValue(t *testing.T, e *env) {
	e.set("k", binaryValue, 0)
	require.Equal(t, binaryValue, e.get("k"))
}

func testStringLargeValue(t *testing.T, e *env) {
	e.set("k", largeValue, 0)
	require.True(t, e.get("k") == largeValue, "the 1 MiB value came back changed")
}

// testSetReplacesEveryType: SET replaces a value of any type, and its
// TTL.
func testSetReplacesEveryType(t *testing.T, e *env) {
	for _, k := range e.seedTypes("k:") {
		e.set(k, "new", 0)
		require.Equal(t, "new", e.get(k))
		require.Equal(t, store.TypeString, e.typeOf(k))
		e.requireNoExpiry(k)
	}
}

func testSetNegativeTTLIsInvalid(t *testing.T, e *env) {
	e.set("k", "v", 0)
	require.ErrorIs(t, e.b.Set(e.ctx, "k", "new", -time.Second), store.ErrInvalidArgument)
	require.ErrorIs(t, e.b.Set(e.ctx, "missing", "new", -time.Millisecond), store.ErrInvalidArgument)
	require.Equal(t, "v", e.get("k"))
	e.requireNoExpiry("k")
	e.requireGone("missing")
}

func testSetNXMissingKey(t *testing.T, e *env) {
	ok, err := e.b.SetNX(e.ctx, "k", "v", 0)
	require.NoError(t, err)
	require.True(t, ok)
	require.Equal(t, "v", e.get("k"))
	e.requireNoExpiry("k")
}

func testSetNXExistingKey(t *testing.T, e *env) {
	e.set("k", "old", hour)
	ok, err := e.b.SetNX(e.ctx, "k", "new", 0)
	require.NoError(t, err)
	require.False(t, ok)
	require.Equal(t, "old", e.get("k"))
	e.requireTTL("k", hour)
}

// testSetNXOtherType: SET NX on a key of another type answers "not set"
// rather than WRONGTYPE, and leaves the key alone.
func testSetNXOtherType(t *testing.T, e *env) {
	s := e.seedTypes("k:")
	keys := s.others(store.TypeString)
	before := e.dumpAll(keys...)
	for _, k := range keys {
		ok, err := e.b.SetNX(e.ctx, k, "new", 0)
		require.NoError(t, err, "SetNX(%q)", k)
		require.False(t, ok, "SetNX(%q)", k)
	}
	e.requireUnchanged(before)
}

func testSetNXWithTTL(t *testing.T, e *env) {
	ok, err := e.b.SetNX(e.ctx, "k", "v", 20*time.Second)
	require.NoError(t, err)
	require.True(t, ok)
	e.requireTTL("k", 20*time.Second)
}

func testSetNXNegativeTTLIsInvalid(t *testing.T, e *env) {
	_, err := e.b.SetNX(e.ctx, "k", "v", -time.Second)
	require.ErrorIs(t, err, store.ErrInvalidArgument)
	e.requireGone("k")
}

func testIncrByMissingKey(t *testing.T, e *env) {
	n, err := e.b.IncrBy(e.ctx, "k", 5)
	require.NoError(t, err)
	require.Equal(t, int64(5), n)
	require.Equal(t, "5", e.get("k"))
	e.requireNoExpiry("k")
}

func testIncrByZeroCreatesKey(t *testing.T, e *env) {
	n, err := e.b.IncrBy(e.ctx, "k", 0)
	require.NoError(t, err)
	require.Zero(t, n)
	require.Equal(t, "0", e.get("k"))
}

func testIncrByExisting(t *testing.T, e *env) {
	e.set("k", "10", 0)
	for _, step := range []struct{ delta, want int64 }{{5, 15}, {-20, -5}, {0, -5}, {-3, -8}} {
		n, err := e.b.IncrBy(e.ctx, "k", step.delta)
		require.NoError(t, err)
		require.Equal(t, step.want, n, "IncrBy(%d)", step.delta)
	}
	require.Equal(t, "-8", e.get("k"))
	e.set("neg", "-3", 0)
	n, err := e.b.IncrBy(e.ctx, "neg", 1)
	require.NoError(t, err)
	require.Equal(t, int64(-2), n)
	e.set("zero", "0", 0)
	n, err = e.b.IncrBy(e.ctx, "zero", 1)
	require.NoError(t, err)
	require.Equal(t, int64(1), n)
}

// testIncrByStoresDecimalText: an incremented value reads back as plain
// decimal text that Set can write and IncrBy read again.
func testIncrByStoresDecimalText(t *testing.T, e *env) {
	_, err := e.b.IncrBy(e.ctx, "k", -1234567890123)
	require.NoError(t, err)
	require.Equal(t, "-1234567890123", e.get("k"))
	e.set("k", e.get("k"), 0)
	n, err := e.b.IncrBy(e.ctx, "k", 1234567890123)
	require.NoError(t, err)
	require.Zero(t, n)
	require.Equal(t, "0", e.get("k"))
}

// notIntegers are values Redis' INCRBY and HINCRBY reject.
var notIntegers = []string{
	"abc", "1.5", " 1", "1 ", "", "1e3", "0x10",
	"9223372036854775808", "-9223372036854775809", "12a", "٣",
}

// nonCanonicalIntegers are integers in a form other than the one Redis
// prints, which its strict parser rejects too.
var nonCanonicalIntegers = []string{"+1", "01", "-0", "007", "-01"}

func testIncrByNotInteger(t *testing.T, e *env) {
	requireIncrByNotInteger(t, e, notIntegers)
}

func testIncrByStrictIntegerForm(t *testing.T, e *env) {
	requireIncrByNotInteger(t, e, nonCanonicalIntegers)
}

func requireIncrByNotInteger(t *testing.T, e *env, values []string) {
	for _, v := range values {
		e.set("k", v, hour)
		_, err := e.b.IncrBy(e.ctx, "k", 1)
		require.ErrorIs(t, err, store.ErrNotInteger, "IncrBy of %q", v)
		require.Equal(t, v, e.get("k"))
		e.requireTTL("k", hour)
	}
}

func testIncrByOverflow(t *testing.T, e *env) {
	cases := []struct {
		value string
		delta int64
	}{
		{"9223372036854775807", 1},
		{"-9223372036854775808", -1},
		{"1", math.MaxInt64},
		{"-2", math.MinInt64},
		{"9223372036854775000", 1000},
	}
	for _, c := range cases {
		e.set("k", c.value, 0)
		_, err := e.b.IncrBy(e.ctx, "k", c.delta)
		require.ErrorIs(t, err, store.ErrOverflow, "%s + %d", c.value, c.delta)
		require.Equal(t, c.value, e.get("k"))
	}
}

func testIncrByReachesLimits(t *testing.T, e *env) {
	e.set("max", "9223372036854775806", 0)
	n, err := e.b.IncrBy(e.ctx, "max", 1)
	require.NoError(t, err)
	require.Equal(t, int64(math.MaxInt64), n)
	require.Equal(t, "9223372036854775807", e.get("max"))
	n, err = e.b.IncrBy(e.ctx, "min", math.MinInt64)
	require.NoError(t, err)
	require.Equal(t, int64(math.MinInt64), n)
	require.Equal(t, "-9223372036854775808", e.get("min"))
}

func testStringsWrongType(t *testing.T, e *env) {
	requireWrongType(t, e, store.TypeString, []typedOp{
		{"Get", func(e *env, k string) error { _, err := e.b.Get(e.ctx, k); return err }},
		{"IncrBy", func(e *env, k string) error { _, err := e.b.IncrBy(e.ctx, k, 1); return err }},
	})
}
