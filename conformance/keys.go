package conformance

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/mimeiapify/store"
)

// keysCases cover the operations that apply to a key of any type.
var keysCases = []testCase{
	{"ExistsMissingKey", testExistsMissingKey},
	{"ExistsCountsEachType", testExistsCountsEachType},
	{"ExistsCountsDuplicates", testExistsCountsDuplicates},
	{"DelCountsExisting", testDelCountsExisting},
	{"DelCountsDuplicatesOnce", testDelCountsDuplicatesOnce},
	{"DelMissingKey", testDelMissingKey},
	{"TypeOfEachKind", testTypeOfEachKind},
	{"TypeOfMissingKey", testTypeOfMissingKey},
	{"ExpireExistingKey", testExpireExistingKey},
	{"ExpireMissingKey", testExpireMissingKey},
	{"ExpireZeroIsInvalid", testExpireZeroIsInvalid},
	{"ExpireNegativeIsInvalid", testExpireNegativeIsInvalid},
	{"ExpireEveryType", testExpireEveryType},
	{"PersistRemovesTTL", testPersistRemovesTTL},
	{"PersistWithoutTTL", testPersistWithoutTTL},
	{"PersistMissingKey", testPersistMissingKey},
	{"SpecialKeyNames", testSpecialKeyNames},
	{"SpecialKeyNamesEveryType", testSpecialKeyNamesEveryType},
	{"KeysAreByteExact", testKeysAreByteExact},
}

func testExistsMissingKey(t *testing.T, e *env) {
	require.Zero(t, e.exists("missing"))
}

func testExistsCountsEachType(t *testing.T, e *env) {
	s := e.seedTypes("k:")
	n := e.exists(s[store.TypeString], s[store.TypeHash], s[store.TypeList], s[store.TypeSet], s[store.TypeZSet], "missing")
	require.Equal(t, int64(5), n)
}

func testExistsCountsDuplicates(t *testing.T, e *env) {
	e.set("a", "1", 0)
	require.Equal(t, int64(3), e.exists("a", "a", "missing", "a"))
}

func testDelCountsExisting(t *testing.T, e *env) {
	s := e.seedTypes("k:")
	n, err := e.b.Del(e.ctx, s[store.TypeString], s[store.TypeHash], s[store.TypeList], s[store.TypeSet], s[store.TypeZSet], "missing")
	require.NoError(t, err)
	require.Equal(t, int64(5), n)
	for _, k := range s {
		e.requireGone(k)
	}
}

func testDelCountsDuplicatesOnce(t *testing.T, e *env) {
	e.set("a", "1", 0)
	n, err := e.b.Del(e.ctx, "a", "a")
	require.NoError(t, err)
	require.Equal(t, int64(1), n)
	e.requireGone("a")
}

func testDelMissingKey(t *testing.T, e *env) {
	e.set("other", "1", 0)
	n, err := e.b.Del(e.ctx, "missing")
	require.NoError(t, err)
	require.Zero(t, n)
	require.Equal(t, "1", e.get("other"))
}

func testTypeOfEachKind(t *testing.T, e *env) {
	s := e.seedTypes("k:")
	for ty, k := range s {
		require.Equal(t, ty, e.typeOf(k), "Type(%q)", k)
	}
	names := map[store.Type]string{store.TypeNone: "none", store.TypeString: "string",
		store.TypeHash: "hash", store.TypeList: "list", store.TypeSet: "set", store.TypeZSet: "zset"}
	for ty, name := range names {
		require.Equal(t, name, ty.String())
	}
}

func testTypeOfMissingKey(t *testing.T, e *env) {
	require.Equal(t, store.TypeNone, e.typeOf("missing"))
}

func testExpireExistingKey(t *testing.T, e *env) {
	e.set("k", "v", 0)
	ok, err := e.b.Expire(e.ctx, "k", 30*time.Second)
	require.NoError(t, err)
	require.True(t, ok)
	e.requireTTL("k", 30*time.Second)
	require.Equal(t, "v", e.get("k"))
}

func testExpireMissingKey(t *testing.T, e *env) {
	ok, err := e.b.Expire(e.ctx, "missing", 30*time.Second)
	require.NoError(t, err)
	require.False(t, ok)
	e.requireGone("missing")
}

func testExpireZeroIsInvalid(t *testing.T, e *env) {
	e.set("k", "v", 0)
	_, err := e.b.Expire(e.ctx, "k", 0)
	require.ErrorIs(t, err, store.ErrInvalidArgument)
	require.Equal(t, "v", e.get("k"))
	e.requireNoExpiry("k")
}

func testExpireNegativeIsInvalid(t *testing.T, e *env) {
	e.set("k", "v", hour)
	for _, ttl := range []time.Duration{-time.Nanosecond, -time.Second, store.NoExpiry} {
		_, err := e.b.Expire(e.ctx, "k", ttl)
		require.ErrorIs(t, err, store.ErrInvalidArgument, "Expire(%v)", ttl)
	}
	require.Equal(t, "v", e.get("k"))
	e.requireTTL("k", hour)
}

func testExpireEveryType(t *testing.T, e *env) {
	s := e.seedTypes("k:")
	for _, k := range s {
		e.expire(k, 20*time.Second)
		e.requireTTL(k, 20*time.Second)
	}
}

func testPersistRemovesTTL(t *testing.T, e *env) {
	s := e.seedTypes("k:")
	for _, k := range s {
		ok, err := e.b.Persist(e.ctx, k)
		require.NoError(t, err)
		require.True(t, ok, "Persist(%q)", k)
		e.requireNoExpiry(k)
	}
}

func testPersistWithoutTTL(t *testing.T, e *env) {
	e.set("k", "v", 0)
	ok, err := e.b.Persist(e.ctx, "k")
	require.NoError(t, err)
	require.False(t, ok)
	require.Equal(t, "v", e.get("k"))
}

func testPersistMissingKey(t *testing.T, e *env) {
	ok, err := e.b.Persist(e.ctx, "missing")
	require.NoError(t, err)
	require.False(t, ok)
	e.requireGone("missing")
}

// testSpecialKeyNames stores a string under each special key and checks
// that each is a key of its own.
func testSpecialKeyNames(t *testing.T, e *env) {
	var all []string
	for i, sk := range specialKeys {
		e.set(sk.key, sk.name, 0)
		all = append(all, sk.key)
		require.Equal(t, int64(i+1), e.exists(all...), "after setting the %s key", sk.name)
	}
	for _, sk := range specialKeys {
		require.Equal(t, sk.name, e.get(sk.key), "key %q", sk.key)
		require.Equal(t, store.TypeString, e.typeOf(sk.key))
		e.requireNoExpiry(sk.key)
	}
	for i, sk := range specialKeys {
		n, err := e.b.Del(e.ctx, sk.key)
		require.NoError(t, err)
		require.Equal(t, int64(1), n, "Del(%q)", sk.key)
		require.Equal(t, int64(len(all)-i-1), e.exists(all...))
	}
}

func testSpecialKeyNamesEveryType(t *testing.T, e *env) {
	for _, sk := range specialKeys {
		h, l, s := "h"+sk.key, "l"+sk.key, "s"+sk.key
		e.hset(h, sk.key, sk.name)
		e.rpush(l, sk.key, sk.name)
		e.sadd(s, sk.key)
		require.Equal(t, map[string]string{sk.key: sk.name}, e.hgetAll(h))
		require.Equal(t, []string{sk.key, sk.name}, e.lrange(l))
		require.Equal(t, []string{sk.key}, e.smembers(s))
	}
	require.Equal(t, int64(3*len(specialKeys)), e.exists(e.scan("*")...))
}

// testKeysAreByteExact checks that keys are compared byte for byte: no
// case folding, Unicode normalisation or trimming.
func testKeysAreByteExact(t *testing.T, e *env) {
	keys := []string{"key", "Key", "KEY", "caf\u00e9", "cafe\u0301", "key ", " key", "key\x00"}
	for i, k := range keys {
		e.set(k, string(rune('a'+i)), 0)
	}
	for i, k := range keys {
		require.Equal(t, string(rune('a'+i)), e.get(k), "key %q", k)
	}
	require.Equal(t, int64(len(keys)), e.exists(keys...))
}
