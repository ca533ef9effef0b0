package repos

import (
	"errors"
	"strings"
	"testing"

	"github.com/mimeiapify/store"
	"github.com/mimeiapify/store/internal/glob"
	"github.com/stretchr/testify/require"
)

func TestEncKeepsSafeBytesAndEscapesTheRest(t *testing.T) {
	require.Equal(t, "abc-XYZ_09.", enc("abc-XYZ_09."))
	require.Equal(t, "a%3Ab", enc("a:b"))
	require.Equal(t, "%7B%7D%2A%3F%5B%5D%5C%20%00%25", enc("{}*?[]\\ \x00%"))
	require.Equal(t, "%C3%A9", enc("é"))
}

func TestEncIsGlobAndTagSafe(t *testing.T) {
	var all []byte
	for c := 0; c < 256; c++ {
		all = append(all, byte(c))
	}
	e := enc(string(all))
	require.False(t, strings.ContainsAny(e, ":{}*?[]\\ \x00"))
	for i := 0; i < len(e); i++ {
		require.Less(t, e[i], byte(0x80))
	}
}

func TestCheckID(t *testing.T) {
	require.NoError(t, checkID("user id", "u"))
	require.NoError(t, checkID("user id", strings.Repeat("x", MaxIDLen)))
	err := checkID("user id", "")
	require.ErrorIs(t, err, ErrInvalidID)
	require.ErrorIs(t, err, store.ErrInvalidArgument)
	require.ErrorContains(t, err, "user id")
	err = checkIDs("tenant", "t", "handler", strings.Repeat("x", MaxIDLen+1))
	require.ErrorIs(t, err, ErrInvalidID)
	require.ErrorContains(t, err, "handler")
}

func TestKeyShapes(t *testing.T) {
	k := keyspace{prefix: "app:"}
	cases := map[string]string{
		k.user("acme", "u1"):                       "app:t:acme:{acme:users:115}:user:u1",
		k.userIDs("acme", 115):                     "app:t:acme:{acme:users:115}:ids",
		k.userField("acme", 7, "plan", "pro"):      "app:t:acme:{acme:users:7}:by:plan:pro",
		k.handlerState("acme", "u1", "h"):          "app:t:acme:{acme:u1}:state:h",
		k.sharedState("acme", "u1", "n"):           "app:t:acme:{acme:u1}:shared:n",
		k.sharedIndex("acme", "u1"):                "app:t:acme:{acme:u1}:shared",
		k.row("acme", "orders", "7"):               "app:t:acme:{acme:pk:7}:row:orders",
		k.pkTables("acme", "7"):                    "app:t:acme:{acme:pk:7}:tables",
		k.batch("acme", "s", "b", "a"):             "app:t:acme:{acme:q:s:b:a}:queue",
		k.inflight("acme", "s", "b", "a"):          "app:t:acme:{acme:q:s:b:a}:inflight",
		k.batchPattern("acme", "s"):                "app:t:acme:{acme:q:s:*",
		k.trigger("acme", "i", "a"):                "app:t:acme:{" + shardTags[triggerShard("acme", "i")] + "}:trg:i:a",
		k.identTriggers("acme", "i"):               "app:t:acme:{" + shardTags[triggerShard("acme", "i")] + "}:trgs:i",
		k.schedule(3):                              "app:triggers:{" + shardTags[3] + "}:due",
		k.deadTriggers(3):                          "app:triggers:{" + shardTags[3] + "}:dead",
		k.wake(3):                                  "app:triggers:{" + shardTags[3] + "}:wake",
		k.listeners():                              "app:triggers:{trg~live}:listeners",
		k.generic("acme", "g"):                     "app:t:acme:kv:g",
		k.tenantPattern("acme"):                    "app:t:acme:*",
		keyspace{}.user("a:b", "{x}"):              "t:a%3Ab:{a%3Ab:users:97}:user:%7Bx%7D",
		keyspace{prefix: "a*:"}.tenantPattern("t"): "a\\*:t:t:*",
	}
	for got, want := range cases {
		require.Equal(t, want, got)
	}
}

// hashTag returns the part of key Redis Cluster hashes.
func hashTag(key string) string {
	i := strings.IndexByte(key, '{')
	if i < 0 {
		return key
	}
	j := strings.IndexByte(key[i+1:], '}')
	if j <= 0 {
		return key
	}
	return key[i+1 : i+1+j]
}

func TestUserKeysShareOneSlotPerUser(t *testing.T) {
	k := keyspace{prefix: "p:"}
	require.Equal(t, hashTag(k.user("t", "u{x}")), hashTag(k.userIDs("t", userBucket("u{x}"))))
	require.Equal(t, hashTag(k.user("t", "u{x}")), hashTag(k.userField("t", userBucket("u{x}"), "f", "{v}")))
	tag := hashTag(k.sharedIndex("t", "u{x}"))
	require.Equal(t, tag, hashTag(k.handlerState("t", "u{x}", "h}")))
	require.Equal(t, tag, hashTag(k.sharedState("t", "u{x}", "{n")))
	require.Equal(t, tag, hashTag(k.sharedIndex("t", "u{x}")))
	require.NotEqual(t, tag, hashTag(k.sharedIndex("t", "u2")))
	require.Equal(t, hashTag(k.row("t", "a", "k")), hashTag(k.pkTables("t", "k")))
	require.Equal(t, hashTag(k.trigger("t", "i", "a")), hashTag(k.identTriggers("t", "i")))
	require.NotEqual(t, hashTag(k.user("t", "pk")), hashTag(k.pkTables("t", "x")))
	require.Equal(t, hashTag(k.batch("t", "s", "b{", "a")), hashTag(k.inflight("t", "s", "b{", "a")))
	require.Equal(t, hashTag(k.batch("t", "s", "b{", "a")), hashTag(k.claimRecord("t", "s", "b{", "a", "c}")))
	require.Equal(t, hashTag(k.batch("t", "s", "b{", "a")), hashTag(k.queueHead("t", "s", "b{", "a")))
	require.Equal(t, hashTag(k.pending("s", "t{")), hashTag(k.tenantLease("s{", "t{")))
	require.Equal(t, hashTag(k.pending("s", "t{")), hashTag(k.leasedShard("s}", tenantShard("t{"))))
	require.NotEqual(t, hashTag(k.batch("t", "s", "b", "a")), hashTag(k.batch("t", "s", "b", "a2")))
	shard := triggerShard("t", "i")
	require.Equal(t, hashTag(k.trigger("t", "i", "a")), hashTag(k.schedule(shard)))
	require.Equal(t, hashTag(k.schedule(shard)), hashTag(k.deadTriggers(shard)))
	require.Equal(t, hashTag(k.schedule(shard)), hashTag(k.wake(shard)))
}

func TestDecReversesEnc(t *testing.T) {
	for _, id := range []string{"", "a", "a:b", "{}*?[]\\ \x00%", "é", "%41"} {
		got, ok := dec(enc(id))
		require.True(t, ok)
		require.Equal(t, id, got)
	}
	for _, bad := range []string{"%", "%4", "%GG", "a%"} {
		_, ok := dec(bad)
		require.False(t, ok, bad)
	}
}

func TestOptionsResolve(t *testing.T) {
	s, err := (*Options)(nil).resolve()
	require.NoError(t, err)
	require.Equal(t, "", s.keys.prefix)
	s, err = (&Options{Prefix: "prod", TTL: 5}).resolve()
	require.NoError(t, err)
	require.Equal(t, "prod:", s.keys.prefix)
	for _, p := range []string{"a*", "{a}", "a?", "[a", "a\\"} {
		_, err = (&Options{Prefix: p}).resolve()
		require.ErrorIs(t, err, ErrInvalidOption, p)
		require.True(t, errors.Is(err, store.ErrInvalidArgument))
	}
	_, err = (&Options{TTL: -1}).resolve()
	require.ErrorIs(t, err, ErrInvalidOption)
	_, err = ttlFor(0, []CallOption{WithTTL(-1)})
	require.ErrorIs(t, err, ErrInvalidOption)
	d, err := ttlFor(7, []CallOption{nil, WithTTL(3)})
	require.NoError(t, err)
	require.EqualValues(t, 3, d)
}

func TestTenantPatternMatchesOnlyItsTenant(t *testing.T) {
	k := keyspace{prefix: "app:"}
	p := k.tenantPattern("a")
	require.True(t, glob.Match(p, k.user("a", "u")))
	for _, other := range []string{"a*", "ab", "a:b", "*", "?", "[a]", "A", "a "} {
		require.False(t, glob.Match(p, k.user(other, "u")), other)
		require.False(t, glob.Match(p, k.generic(other, "x")), other)
	}
}
