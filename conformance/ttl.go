package conformance

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/mimeiapify/store"
)

// ttlCases cover TTLs: reading them back, which writes keep or clear
// them, and keys becoming invisible once they pass.
var ttlCases = []testCase{
	{"TTLMissingKey", testTTLMissingKey},
	{"TTLWithoutExpiry", testTTLWithoutExpiry},
	{"TTLReadBack", testTTLReadBack},
	{"LongTTL", testLongTTL},
	{"SubMillisecondTTLRoundsUp", testSubMillisecondTTLRoundsUp},
	{"ExpiredKeyInvisible", testExpiredKeyInvisible},
	{"ExpiredKeyWritesStartFresh", testExpiredKeyWritesStartFresh},
	{"PersistOrExpireBeforeExpiry", testPersistOrExpireBeforeExpiry},
	{"SetClearsTTL", testSetClearsTTL},
	{"SetWithTTLReplacesTTL", testSetWithTTLReplacesTTL},
	{"ExpireReplacesTTL", testExpireReplacesTTL},
	{"WritesKeepTTL", testWritesKeepTTL},
	{"EmptiedCollectionForgetsTTL", testEmptiedCollectionForgetsTTL},
	{"DelForgetsTTL", testDelForgetsTTL},
}

func testTTLMissingKey(t *testing.T, e *env) {
	_, err := e.b.TTL(e.ctx, "missing")
	require.ErrorIs(t, err, store.ErrNotFound)
}

func testTTLWithoutExpiry(t *testing.T, e *env) {
	e.set("string", "v", 0)
	e.hset("hash", "f", "v")
	e.rpush("list", "v")
	e.sadd("set", "v")
	for _, k := range []string{"string", "hash", "list", "set"} {
		e.requireNoExpiry(k)
	}
}

func testTTLReadBack(t *testing.T, e *env) {
	e.set("set", "v", 10*time.Second)
	_, err := e.b.SetNX(e.ctx, "setnx", "v", 1500*time.Millisecond)
	require.NoError(t, err)
	e.hset("expire", "f", "v")
	e.expire("expire", 90*time.Second)
	e.requireTTL("set", 10*time.Second)
	e.requireTTL("setnx", 1500*time.Millisecond)
	e.requireTTL("expire", 90*time.Second)
}

func testLongTTL(t *testing.T, e *env) {
	const tenYears = 10 * 365 * 24 * time.Hour
	e.set("k", "v", tenYears)
	e.requireTTL("k", tenYears)
	e.rpush("l", "v")
	e.expire("l", tenYears)
	e.requireTTL("l", tenYears)
}

// testSubMillisecondTTLRoundsUp: a positive TTL below a millisecond is a
// TTL of one millisecond: accepted, and the key expires.
func testSubMillisecondTTLRoundsUp(t *testing.T, e *env) {
	require.NoError(t, e.b.Set(e.ctx, "set", "v", time.Nanosecond))
	e.set("expire", "v", 0)
	ok, err := e.b.Expire(e.ctx, "expire", time.Microsecond)
	require.NoError(t, err)
	require.True(t, ok)
	e.wait(50 * time.Millisecond)
	e.requireGone("set")
	e.requireGone("expire")
}

// testExpiredKeyInvisible: once its TTL passes, a key of any type is
// missing for every read and for Scan.
func testExpiredKeyInvisible(t *testing.T, e *env) {
	e.set("string", "12", shortTTL)
	e.hset("hash", "f", "v")
	e.rpush("list", "a", "b")
	e.sadd("set", "m")
	for _, k := range []string{"hash", "list", "set"} {
		e.expire(k, shortTTL)
	}
	e.set("stays", "v", 0)
	all := []string{"string", "hash", "list", "set"}
	require.Equal(t, int64(4), e.exists(all...))
	e.wait(pastTTL)

	require.Zero(t, e.exists(all...))
	for _, k := range all {
		e.requireGone(k)
	}
	_, err := e.b.Get(e.ctx, "string")
	require.ErrorIs(t, err, store.ErrNotFound)
	_, err = e.b.HGet(e.ctx, "hash", "f")
	require.ErrorIs(t, err, store.ErrNotFound)
	requireExpiredHash(t, e, "hash")
	requireExpiredList(t, e, "list")
	requireExpiredSet(t, e, "set")
	require.Equal(t, []string{"stays"}, e.scan("*"))
	requireExpiredInUpdate(t, e)
}

func requireExpiredHash(t *testing.T, e *env, key string) {
	require.Empty(t, e.hgetAll(key))
	m, err := e.b.HMGet(e.ctx, key, "f")
	require.NoError(t, err)
	require.Empty(t, m)
	ok, err := e.b.HExists(e.ctx, key, "f")
	require.NoError(t, err)
	require.False(t, ok)
	n, err := e.b.HLen(e.ctx, key)
	require.NoError(t, err)
	require.Zero(t, n)
}

func requireExpiredList(t *testing.T, e *env, key string) {
	require.Empty(t, e.lrange(key))
	n, err := e.b.LLen(e.ctx, key)
	require.NoError(t, err)
	require.Zero(t, n)
}

func requireExpiredSet(t *testing.T, e *env, key string) {
	require.Empty(t, e.smembers(key))
	ok, err := e.b.SIsMember(e.ctx, key, "m")
	require.NoError(t, err)
	require.False(t, ok)
	n, err := e.b.SCard(e.ctx, key)
	require.NoError(t, err)
	require.Zero(t, n)
}

// requireExpiredInUpdate checks the expired keys of
// testExpiredKeyInvisible through Update's reader and Apply's read op.
func requireExpiredInUpdate(t *testing.T, e *env) {
	var getErr, ttlErr, typeErr error
	var ty store.Type
	err := e.b.Update(e.ctx, []string{"string"}, func(r store.Reader) ([]store.Op, error) {
		_, getErr = r.Get(e.ctx, "string")
		_, ttlErr = r.TTL(e.ctx, "string")
		ty, typeErr = r.Type(e.ctx, "string")
		return nil, nil
	})
	require.NoError(t, err)
	require.ErrorIs(t, getErr, store.ErrNotFound, "Reader.Get")
	require.ErrorIs(t, ttlErr, store.ErrNotFound, "Reader.TTL")
	require.NoError(t, typeErr)
	require.Equal(t, store.TypeNone, ty, "Reader.Type")
	read := &store.HGetAllOp{Key: "hash"}
	require.NoError(t, e.b.Apply(e.ctx, read))
	require.Empty(t, read.Result)
}

// testExpiredKeyWritesStartFresh: a write to a key whose TTL passed
// starts from a missing key, without the old value or TTL.
func testExpiredKeyWritesStartFresh(t *testing.T, e *env) {
	e.set("counter", "10", shortTTL)
	e.set("nx", "old", shortTTL)
	e.hset("hash", "a", "1")
	e.rpush("list", "a", "b")
	e.sadd("set", "a", "b")
	for _, k := range []string{"hash", "list", "set"} {
		e.expire(k, shortTTL)
	}
	for _, k := range []string{"expire", "persist", "del"} {
		e.set(k, "v", shortTTL)
	}
	e.wait(pastTTL)

	requireCount(t, 1)(e.b.IncrBy(e.ctx, "counter", 1))
	requireCount(t, 1)(e.b.HSet(e.ctx, "hash", pairsMap("b", "2")))
	requireCount(t, 1)(e.b.RPush(e.ctx, "list", "c"))
	requireCount(t, 1)(e.b.SAdd(e.ctx, "set", "c"))
	ok, err := e.b.SetNX(e.ctx, "nx", "new", 0)
	require.NoError(t, err)
	require.True(t, ok)
	require.Equal(t, "1", e.get("counter"))
	require.Equal(t, "new", e.get("nx"))
	require.Equal(t, pairsMap("b", "2"), e.hgetAll("hash"))
	require.Equal(t, []string{"c"}, e.lrange("list"))
	require.Equal(t, []string{"c"}, e.smembers("set"))
	for _, k := range []string{"counter", "nx", "hash", "list", "set"} {
		e.requireNoExpiry(k)
	}
	requireExpiredKeyOps(t, e)
}

// requireExpiredKeyOps checks that Expire, Persist and Del find the
// expired keys of testExpiredKeyWritesStartFresh missing.
func requireExpiredKeyOps(t *testing.T, e *env) {
	ok, err := e.b.Expire(e.ctx, "expire", hour)
	require.NoError(t, err)
	require.False(t, ok, "Expire found the expired key")
	ok, err = e.b.Persist(e.ctx, "persist")
	require.NoError(t, err)
	require.False(t, ok, "Persist found the expired key")
	requireCount(t, 0)(e.b.Del(e.ctx, "del"))
	for _, k := range []string{"expire", "persist", "del"} {
		e.requireGone(k)
	}
}

// requireCount returns a check of a call's (count, error) answer.
func requireCount(t *testing.T, want int64) func(int64, error) {
	return func(n int64, err error) {
		t.Helper()
		require.NoError(t, err)
		require.Equal(t, want, n)
	}
}

// testPersistOrExpireBeforeExpiry: a key persisted or given a longer
// TTL before its TTL passes stays.
func testPersistOrExpireBeforeExpiry(t *testing.T, e *env) {
	e.set("persisted", "v", shortTTL)
	e.hset("extended", "f", "v")
	e.expire("extended", shortTTL)
	e.set("refreshed", "v", shortTTL)
	ok, err := e.b.Persist(e.ctx, "persisted")
	require.NoError(t, err)
	require.True(t, ok)
	e.expire("extended", hour)
	e.set("refreshed", "w", hour)
	e.wait(pastTTL)
	require.Equal(t, "v", e.get("persisted"))
	e.requireNoExpiry("persisted")
	require.Equal(t, pairsMap("f", "v"), e.hgetAll("extended"))
	e.requireTTL("extended", hour)
	require.Equal(t, "w", e.get("refreshed"))
}

func testSetClearsTTL(t *testing.T, e *env) {
	e.set("k", "v", hour)
	e.set("k", "w", 0)
	e.requireNoExpiry("k")
	e.hset("h", "f", "v")
	e.expire("h", hour)
	e.set("h", "w", 0)
	e.requireNoExpiry("h")
}

func testSetWithTTLReplacesTTL(t *testing.T, e *env) {
	e.set("k", "v", hour)
	e.set("k", "w", 20*time.Second)
	e.requireTTL("k", 20*time.Second)
	e.set("k", "x", 2*hour)
	e.requireTTL("k", 2*hour)
}

func testExpireReplacesTTL(t *testing.T, e *env) {
	e.set("k", "v", hour)
	e.expire("k", 20*time.Second)
	e.requireTTL("k", 20*time.Second)
	e.expire("k", 2*hour)
	e.requireTTL("k", 2*hour)
}

// ttlWrite is a write that must keep the TTL of the key setup made.
type ttlWrite struct {
	name  string
	setup func(e *env, k string)
	write func(e *env, k string) error
}

// ttlWrites are every write but Set, each on a key its setup made.
var ttlWrites = []ttlWrite{
	{"IncrBy", func(e *env, k string) { e.set(k, "1", 0) }, func(e *env, k string) error { return ignore(e.b.IncrBy(bg, k, 1)) }},
	{"SetNXFailing", func(e *env, k string) { e.set(k, "1", 0) }, func(e *env, k string) error { return ignore(e.b.SetNX(bg, k, "2", 0)) }},
	{"HSet", func(e *env, k string) { e.hset(k, "a", "1") }, func(e *env, k string) error { return ignore(e.b.HSet(bg, k, pairsMap("b", "2"))) }},
	{"HDel", func(e *env, k string) { e.hset(k, "a", "1", "b", "2") }, func(e *env, k string) error { return ignore(e.b.HDel(bg, k, "a")) }},
	{"HIncrBy", func(e *env, k string) { e.hset(k, "a", "1") }, func(e *env, k string) error { return ignore(e.b.HIncrBy(bg, k, "a", 1)) }},
	{"HIncrByFloat", func(e *env, k string) { e.hset(k, "a", "1") }, func(e *env, k string) error { return ignore(e.b.HIncrByFloat(bg, k, "a", 0.5)) }},
	{"RPush", func(e *env, k string) { e.rpush(k, "a") }, func(e *env, k string) error { return ignore(e.b.RPush(bg, k, "b")) }},
	{"LPush", func(e *env, k string) { e.rpush(k, "a") }, func(e *env, k string) error { return ignore(e.b.LPush(bg, k, "b")) }},
	{"LTrim", func(e *env, k string) { e.rpush(k, "a", "b") }, func(e *env, k string) error { return e.b.LTrim(bg, k, 1, -1) }},
	{"LPop", func(e *env, k string) { e.rpush(k, "a", "b") }, func(e *env, k string) error { return ignore(e.b.LPop(bg, k, 1)) }},
	{"SAdd", func(e *env, k string) { e.sadd(k, "a") }, func(e *env, k string) error { return ignore(e.b.SAdd(bg, k, "b")) }},
	{"SRem", func(e *env, k string) { e.sadd(k, "a", "b") }, func(e *env, k string) error { return ignore(e.b.SRem(bg, k, "a")) }},
}

// testWritesKeepTTL: every write but Set keeps the key's TTL.
func testWritesKeepTTL(t *testing.T, e *env) {
	for _, w := range ttlWrites {
		t.Run(w.name, func(t *testing.T) {
			e := e.sub(t)
			k := "keep:" + w.name
			w.setup(e, k)
			e.expire(k, hour)
			require.NoError(t, w.write(e, k))
			e.requireTTL(k, hour)
		})
	}
}

// testEmptiedCollectionForgetsTTL: a hash, list or set that became
// empty was deleted with its TTL, so refilling it makes a key without
// one.
func testEmptiedCollectionForgetsTTL(t *testing.T, e *env) {
	e.hset("hash", "a", "1")
	e.rpush("list", "a")
	e.sadd("set", "a")
	for _, k := range []string{"hash", "list", "set"} {
		e.expire(k, hour)
	}
	requireCount(t, 1)(e.b.HDel(e.ctx, "hash", "a"))
	_, err := e.b.LPop(e.ctx, "list", 1)
	require.NoError(t, err)
	requireCount(t, 1)(e.b.SRem(e.ctx, "set", "a"))
	e.hset("hash", "b", "2")
	e.rpush("list", "b")
	e.sadd("set", "b")
	for _, k := range []string{"hash", "list", "set"} {
		e.requireNoExpiry(k)
	}
}

func testDelForgetsTTL(t *testing.T, e *env) {
	e.set("k", "v", hour)
	requireCount(t, 1)(e.b.Del(e.ctx, "k"))
	requireCount(t, 1)(e.b.IncrBy(e.ctx, "k", 1))
	e.requireNoExpiry("k")
}
