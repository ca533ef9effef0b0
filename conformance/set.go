package conformance

import (
	"strconv"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/mimeiapify/store"
)

// setCases cover the set operations.
var setCases = []testCase{
	{"SAddCountsNew", testSAddCountsNew},
	{"SAddNoMembersIsInvalid", testSAddNoMembersIsInvalid},
	{"SRemCountsExisting", testSRemCountsExisting},
	{"SRemMissingKey", testSRemMissingKey},
	{"SRemNoMembersIsInvalid", testSRemNoMembersIsInvalid},
	{"SRemLastMemberDeletesKey", testSRemLastMemberDeletesKey},
	{"SMembersEveryMember", testSMembersEveryMember},
	{"SMembersMissingKey", testSMembersMissingKey},
	{"SIsMember", testSIsMember},
	{"SCard", testSCard},
	{"SRandMemberDistinctSubset", testSRandMemberDistinctSubset},
	{"SRandMemberBadCount", testSRandMemberBadCount},
	{"BinaryMembers", testSetBinaryMembers},
	{"LargeMember", testSetLargeMember},
	{"WrongType", testSetWrongType},
}

func testSAddCountsNew(t *testing.T, e *env) {
	n, err := e.b.SAdd(e.ctx, "s", "a", "b", "a")
	require.NoError(t, err)
	require.Equal(t, int64(2), n)
	n, err = e.b.SAdd(e.ctx, "s", "b", "c")
	require.NoError(t, err)
	require.Equal(t, int64(1), n)
	n, err = e.b.SAdd(e.ctx, "s", "a")
	require.NoError(t, err)
	require.Zero(t, n)
	require.Equal(t, []string{"a", "b", "c"}, e.smembers("s"))
	require.Equal(t, store.TypeSet, e.typeOf("s"))
}

func testSAddNoMembersIsInvalid(t *testing.T, e *env) {
	_, err := e.b.SAdd(e.ctx, "s")
	require.ErrorIs(t, err, store.ErrInvalidArgument)
	e.requireGone("s")
}

func testSRemCountsExisting(t *testing.T, e *env) {
	e.sadd("s", "a", "b", "c")
	n, err := e.b.SRem(e.ctx, "s", "a", "a", "missing", "b")
	require.NoError(t, err)
	require.Equal(t, int64(2), n)
	require.Equal(t, []string{"c"}, e.smembers("s"))
}

func testSRemMissingKey(t *testing.T, e *env) {
	n, err := e.b.SRem(e.ctx, "missing", "a")
	require.NoError(t, err)
	require.Zero(t, n)
	e.requireGone("missing")
}

func testSRemNoMembersIsInvalid(t *testing.T, e *env) {
	e.sadd("s", "a")
	_, err := e.b.SRem(e.ctx, "s")
	require.ErrorIs(t, err, store.ErrInvalidArgument)
	require.Equal(t, []string{"a"}, e.smembers("s"))
}

func testSRemLastMemberDeletesKey(t *testing.T, e *env) {
	e.sadd("s", "a", "b")
	e.expire("s", hour)
	n, err := e.b.SRem(e.ctx, "s", "a", "b")
	require.NoError(t, err)
	require.Equal(t, int64(2), n)
	e.requireGone("s")
	require.Empty(t, e.smembers("s"))
}

func testSMembersEveryMember(t *testing.T, e *env) {
	var want []string
	for i := range 200 {
		want = append(want, "m"+strconv.Itoa(i))
	}
	e.sadd("s", want...)
	require.Equal(t, sorted(want...), e.smembers("s"))
}

func testSMembersMissingKey(t *testing.T, e *env) {
	require.Empty(t, e.smembers("missing"))
}

func testSIsMember(t *testing.T, e *env) {
	e.sadd("s", "a", "")
	for _, c := range []struct {
		key, member string
		want        bool
	}{{"s", "a", true}, {"s", "", true}, {"s", "b", false}, {"s", "A", false}, {"missing", "a", false}} {
		ok, err := e.b.SIsMember(e.ctx, c.key, c.member)
		require.NoError(t, err)
		require.Equal(t, c.want, ok, "SIsMember(%q, %q)", c.key, c.member)
	}
}

func testSCard(t *testing.T, e *env) {
	e.sadd("s", "a", "b", "c", "a")
	for key, want := range map[string]int64{"s": 3, "missing": 0} {
		n, err := e.b.SCard(e.ctx, key)
		require.NoError(t, err)
		require.Equal(t, want, n, "SCard(%q)", key)
	}
}

// testSRandMemberDistinctSubset: up to count distinct members of the set,
// all of them when count covers the set, none for a missing key, and not
// always the same ones.
func testSRandMemberDistinctSubset(t *testing.T, e *env) {
	var all []string
	for i := range 20 {
		all = append(all, "m"+strconv.Itoa(i))
	}
	e.sadd("s", all...)
	seen := map[string]bool{}
	for range 50 {
		got, err := e.b.SRandMember(e.ctx, "s", 3)
		require.NoError(t, err)
		require.Len(t, got, 3)
		require.Len(t, sorted(got...), 3)
		for _, m := range got {
			require.Contains(t, all, m)
			seen[m] = true
		}
		require.Equal(t, 3, len(map[string]bool{got[0]: true, got[1]: true, got[2]: true}), "distinct: %v", got)
	}
	require.Greater(t, len(seen), 3, "50 picks of 3 among 20 always gave the same members")
	for _, count := range []int{20, 21, 1000} {
		got, err := e.b.SRandMember(e.ctx, "s", count)
		require.NoError(t, err)
		require.Equal(t, sorted(all...), sorted(got...), "count %d", count)
	}
	got, err := e.b.SRandMember(e.ctx, "missing", 5)
	require.NoError(t, err)
	require.Empty(t, got)
}

// testSRandMemberBadCount: a count below 1 is an invalid argument (Redis
// would return nothing for 0 and repeat members for a negative count).
func testSRandMemberBadCount(t *testing.T, e *env) {
	e.sadd("s", "a")
	for _, count := range []int{0, -1} {
		_, err := e.b.SRandMember(e.ctx, "s", count)
		require.ErrorIs(t, err, store.ErrInvalidArgument, "count %d", count)
	}
}

func testSetBinaryMembers(t *testing.T, e *env) {
	members := []string{"", binaryValue, "\x00", "\x00\x00", "\xff", "café", "cafe\u0301", "*?[]\\"}
	e.sadd("s", members...)
	require.Equal(t, sorted(members...), e.smembers("s"))
	for _, m := range members {
		ok, err := e.b.SIsMember(e.ctx, "s", m)
		require.NoError(t, err)
		require.True(t, ok, "SIsMember(%q)", m)
	}
}

func testSetLargeMember(t *testing.T, e *env) {
	e.sadd("s", largeValue, "small")
	ok, err := e.b.SIsMember(e.ctx, "s", largeValue)
	require.NoError(t, err)
	require.True(t, ok)
	ok, err = e.b.SIsMember(e.ctx, "s", largeValue[:len(largeValue)-1])
	require.NoError(t, err)
	require.False(t, ok)
	n, err := e.b.SRem(e.ctx, "s", largeValue)
	require.NoError(t, err)
	require.Equal(t, int64(1), n)
	require.Equal(t, []string{"small"}, e.smembers("s"))
}

func testSetWrongType(t *testing.T, e *env) {
	requireWrongType(t, e, store.TypeSet, []typedOp{
		{"SAdd", func(e *env, k string) error { _, err := e.b.SAdd(e.ctx, k, "m"); return err }},
		{"SRem", func(e *env, k string) error { _, err := e.b.SRem(e.ctx, k, "m"); return err }},
		{"SMembers", func(e *env, k string) error { _, err := e.b.SMembers(e.ctx, k); return err }},
		{"SIsMember", func(e *env, k string) error { _, err := e.b.SIsMember(e.ctx, k, "m"); return err }},
		{"SCard", func(e *env, k string) error { _, err := e.b.SCard(e.ctx, k); return err }},
		{"SRandMember", func(e *env, k string) error { _, err := e.b.SRandMember(e.ctx, k, 1); return err }},
	})
}
