package conformance

import (
	"errors"
	"math"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/mimeiapify/store"
)

// errorsCases check that errors wrap exactly one sentinel and name the
// key they are about.
var errorsCases = []testCase{
	{"NotFound", errorsOf(store.ErrNotFound)},
	{"WrongType", errorsOf(store.ErrWrongType)},
	{"NotInteger", errorsOf(store.ErrNotInteger)},
	{"NotFloat", errorsOf(store.ErrNotFloat)},
	{"Overflow", errorsOf(store.ErrOverflow)},
	{"InvalidArgument", errorsOf(store.ErrInvalidArgument)},
	{"Closed", testErrorsClosed},
	{"MissingKeyIsNoError", testMissingKeyIsNoError},
}

// sentinels are the errors a call may wrap; each failing call wraps
// exactly one.
var sentinels = []error{
	store.ErrNotFound, store.ErrWrongType, store.ErrNotInteger, store.ErrNotFloat,
	store.ErrOverflow, store.ErrInvalidArgument, store.ErrConflict, store.ErrClosed,
	store.ErrUnsupported,
}

// The keys the error cases use: ek holds a string, eh a hash, el a list.
const (
	ek   = "errors:string-key"
	eh   = "errors:hash-key"
	el   = "errors:list-key"
	em   = "errors:missing-key"
	ez   = "errors:zset-key"
	emax = "errors:max-key" // holds the largest int64
)

// errCall is a call that must fail with want, naming key.
type errCall struct {
	name string
	want error
	key  string
	call func(e *env) error
}

// errCalls are failing calls of each kind, on the keys errorsSeed makes.
var errCalls = []errCall{
	{"Get", store.ErrNotFound, em, func(e *env) error { return ignore(e.b.Get(bg, em)) }},
	{"HGetMissingKey", store.ErrNotFound, em, func(e *env) error { return ignore(e.b.HGet(bg, em, "f")) }},
	{"HGetMissingField", store.ErrNotFound, eh, func(e *env) error { return ignore(e.b.HGet(bg, eh, "missing")) }},
	{"TTL", store.ErrNotFound, em, func(e *env) error { return ignore(e.b.TTL(bg, em)) }},
	{"ZScoreMissingKey", store.ErrNotFound, em, func(e *env) error { return ignore(e.b.ZScore(bg, em, "m")) }},
	{"ZScoreMissingMember", store.ErrNotFound, ez, func(e *env) error { return ignore(e.b.ZScore(bg, ez, "missing")) }},

	{"Get", store.ErrWrongType, eh, func(e *env) error { return ignore(e.b.Get(bg, eh)) }},
	{"HSet", store.ErrWrongType, ek, func(e *env) error { return ignore(e.b.HSet(bg, ek, pairsMap("f", "v"))) }},
	{"RPush", store.ErrWrongType, eh, func(e *env) error { return ignore(e.b.RPush(bg, eh, "v")) }},
	{"SAdd", store.ErrWrongType, el, func(e *env) error { return ignore(e.b.SAdd(bg, el, "m")) }},
	{"ZAdd", store.ErrWrongType, el, func(e *env) error { return ignore(e.b.ZAdd(bg, el, store.ZMember{Member: "m"})) }},
	{"ZRangeByScore", store.ErrWrongType, el, func(e *env) error { return ignore(e.b.ZRangeByScore(bg, el, 0, 1, 1)) }},
	{"RPushOnZSet", store.ErrWrongType, ez, func(e *env) error { return ignore(e.b.RPush(bg, ez, "v")) }},
	{"ApplyLPop", store.ErrWrongType, ez, func(e *env) error { return e.b.Apply(bg, &store.LPopOp{Key: ez, Count: 1}) }},
	{"Apply", store.ErrWrongType, el, func(e *env) error {
		return e.b.Apply(bg, &store.HSetOp{Key: el, Fields: pairsMap("f", "v")})
	}},

	{"IncrBy", store.ErrNotInteger, ek, func(e *env) error { return ignore(e.b.IncrBy(bg, ek, 1)) }},
	{"HIncrBy", store.ErrNotInteger, eh, func(e *env) error { return ignore(e.b.HIncrBy(bg, eh, "text", 1)) }},
	{"Apply", store.ErrNotInteger, ek, func(e *env) error { return e.b.Apply(bg, &store.IncrByOp{Key: ek, Delta: 1}) }},

	{"HIncrByFloat", store.ErrNotFloat, eh, func(e *env) error { return ignore(e.b.HIncrByFloat(bg, eh, "text", 1)) }},
	{"HIncrByFloatNaN", store.ErrNotFloat, eh, func(e *env) error { return ignore(e.b.HIncrByFloat(bg, eh, "n", math.NaN())) }},

	{"IncrBy", store.ErrOverflow, emax, func(e *env) error { return ignore(e.b.IncrBy(bg, emax, 1)) }},
	{"HIncrBy", store.ErrOverflow, eh, func(e *env) error { return ignore(e.b.HIncrBy(bg, eh, "max", 1)) }},
	{"HIncrByFloat", store.ErrOverflow, eh, func(e *env) error { return ignore(e.b.HIncrByFloat(bg, eh, "inf", 1)) }},

	{"HSet", store.ErrInvalidArgument, eh, func(e *env) error { return ignore(e.b.HSet(bg, eh, nil)) }},
	{"HDel", store.ErrInvalidArgument, eh, func(e *env) error { return ignore(e.b.HDel(bg, eh)) }},
	{"HMGet", store.ErrInvalidArgument, eh, func(e *env) error { return ignore(e.b.HMGet(bg, eh)) }},
	{"RPush", store.ErrInvalidArgument, el, func(e *env) error { return ignore(e.b.RPush(bg, el)) }},
	{"LPush", store.ErrInvalidArgument, el, func(e *env) error { return ignore(e.b.LPush(bg, el)) }},
	{"LPop", store.ErrInvalidArgument, el, func(e *env) error { return ignore(e.b.LPop(bg, el, 0)) }},
	{"SAdd", store.ErrInvalidArgument, em, func(e *env) error { return ignore(e.b.SAdd(bg, em)) }},
	{"SRem", store.ErrInvalidArgument, em, func(e *env) error { return ignore(e.b.SRem(bg, em)) }},
	{"ZAdd", store.ErrInvalidArgument, em, func(e *env) error { return ignore(e.b.ZAdd(bg, em)) }},
	{"ZAddNaN", store.ErrInvalidArgument, em, func(e *env) error {
		return ignore(e.b.ZAdd(bg, em, store.ZMember{Member: "m", Score: math.NaN()}))
	}},
	{"ZRem", store.ErrInvalidArgument, ez, func(e *env) error { return ignore(e.b.ZRem(bg, ez)) }},
	{"ZRangeByScoreLimit", store.ErrInvalidArgument, ez, func(e *env) error { return ignore(e.b.ZRangeByScore(bg, ez, 0, 1, 0)) }},
	{"ZRangeByScoreNaN", store.ErrInvalidArgument, ez, func(e *env) error {
		return ignore(e.b.ZRangeByScore(bg, ez, math.NaN(), 1, 1))
	}},
	{"ApplyZAddNXXX", store.ErrInvalidArgument, ez, func(e *env) error {
		return e.b.Apply(bg, &store.ZAddOp{Key: ez, Members: []store.ZMember{{Member: "m"}}, NX: true, XX: true})
	}},
	{"Expire", store.ErrInvalidArgument, ek, func(e *env) error { return ignore(e.b.Expire(bg, ek, 0)) }},
	{"Set", store.ErrInvalidArgument, ek, func(e *env) error { return e.b.Set(bg, ek, "v", -1) }},
	{"SetNX", store.ErrInvalidArgument, em, func(e *env) error { return ignore(e.b.SetNX(bg, em, "v", -1)) }},
	{"Apply", store.ErrInvalidArgument, el, func(e *env) error { return e.b.Apply(bg, &store.RPushOp{Key: el}) }},
}

// errorsSeed makes the keys errCalls use.
func (e *env) errorsSeed() {
	e.t.Helper()
	e.set(ek, "text", 0)
	e.hset(eh, "text", "abc", "max", "9223372036854775807", "inf", "inf")
	e.rpush(el, "a")
	e.set(emax, "9223372036854775807", 0)
	e.zadd(ez, store.ZMember{Member: "m", Score: 1})
}

// requireNamedSentinel checks that err wraps want and no other sentinel,
// and that its message names key.
func requireNamedSentinel(t *testing.T, err, want error, key string) {
	t.Helper()
	require.ErrorIs(t, err, want)
	for _, s := range sentinels {
		if s != want {
			require.False(t, errors.Is(err, s), "%v also wraps %v", err, s)
		}
	}
	require.Contains(t, err.Error(), key, "the error does not name the key")
}

// errorsOf returns the case that runs the calls of errCalls failing
// with want.
func errorsOf(want error) func(t *testing.T, e *env) {
	return func(t *testing.T, e *env) {
		e.errorsSeed()
		for _, c := range errCalls {
			if c.want != want {
				continue
			}
			t.Run(c.name, func(t *testing.T) {
				requireNamedSentinel(t, c.call(e.sub(t)), want, c.key)
			})
		}
	}
}

func testErrorsClosed(t *testing.T, e *env) {
	require.NoError(t, e.b.Close())
	for _, c := range []errCall{
		{"Get", nil, em, func(e *env) error { return ignore(e.b.Get(bg, em)) }},
		{"HSet", nil, eh, func(e *env) error { return ignore(e.b.HSet(bg, eh, pairsMap("f", "v"))) }},
		{"Apply", nil, el, func(e *env) error { return e.b.Apply(bg, &store.RPushOp{Key: el, Values: []string{"v"}}) }},
	} {
		t.Run(c.name, func(t *testing.T) {
			requireNamedSentinel(t, c.call(e.sub(t)), store.ErrClosed, c.key)
		})
	}
}

// testMissingKeyIsNoError: only Get, HGet, TTL and ZScore treat a missing key as
// an error; every other call answers it.
func testMissingKeyIsNoError(t *testing.T, e *env) {
	for _, c := range ctxCalls {
		switch c.name {
		case "Get", "HGet", "TTL", "ZScore":
			continue
		}
		_, err := e.b.Del(bg, cStr, cHash, cList, cSet, cZSet, cNew)
		require.NoError(t, err)
		require.NoError(t, c.call(bg, e.b), "%s on missing keys", c.name)
	}
}
