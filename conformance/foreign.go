package conformance

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/mimeiapify/store"
)

// foreignCases check keys of a type the contract does not know (a stream
// written by another program), made by
// Instance.MakeForeignKey: the calls that work on any key treat it as any
// key, and every other call, Type included, fails with ErrWrongType and
// changes nothing. Backends that cannot hold such keys leave the hook nil
// and the cases are skipped as not applicable.
var foreignCases = []testCase{
	{"TypedCallsFailWithWrongType", testForeignTypedCalls},
	{"ReaderFailsWithWrongType", testForeignReader},
	{"KeyCallsWork", testForeignKeyCalls},
}

// foreignKey is the key the cases make foreign.
const foreignKey = "{f}z"

// foreign makes foreignKey foreign, or skips the case.
func (e *env) foreign() {
	e.t.Helper()
	if e.in.MakeForeignKey == nil {
		e.t.Skip("not applicable: the harness cannot make a key of a type the contract does not know")
	}
	e.in.MakeForeignKey(foreignKey)
}

// foreignCalls are every typed call on foreignKey.
var foreignCalls = []ctxCall{
	{"Type", func(ctx context.Context, b store.Backend) error { return ignore(b.Type(ctx, foreignKey)) }},
	{"Get", func(ctx context.Context, b store.Backend) error { return ignore(b.Get(ctx, foreignKey)) }},
	{"IncrBy", func(ctx context.Context, b store.Backend) error { return ignore(b.IncrBy(ctx, foreignKey, 1)) }},
	{"HSet", func(ctx context.Context, b store.Backend) error {
		return ignore(b.HSet(ctx, foreignKey, pairsMap("f", "1")))
	}},
	{"HGet", func(ctx context.Context, b store.Backend) error { return ignore(b.HGet(ctx, foreignKey, "f")) }},
	{"HMGet", func(ctx context.Context, b store.Backend) error { return ignore(b.HMGet(ctx, foreignKey, "f")) }},
	{"HGetAll", func(ctx context.Context, b store.Backend) error { return ignore(b.HGetAll(ctx, foreignKey)) }},
	{"HDel", func(ctx context.Context, b store.Backend) error { return ignore(b.HDel(ctx, foreignKey, "f")) }},
	{"HExists", func(ctx context.Context, b store.Backend) error { return ignore(b.HExists(ctx, foreignKey, "f")) }},
	{"HIncrBy", func(ctx context.Context, b store.Backend) error { return ignore(b.HIncrBy(ctx, foreignKey, "f", 1)) }},
	{"HIncrByFloat", func(ctx context.Context, b store.Backend) error {
		return ignore(b.HIncrByFloat(ctx, foreignKey, "f", 1))
	}},
	{"HLen", func(ctx context.Context, b store.Backend) error { return ignore(b.HLen(ctx, foreignKey)) }},
	{"RPush", func(ctx context.Context, b store.Backend) error { return ignore(b.RPush(ctx, foreignKey, "x")) }},
	{"LPush", func(ctx context.Context, b store.Backend) error { return ignore(b.LPush(ctx, foreignKey, "x")) }},
	{"LRange", func(ctx context.Context, b store.Backend) error { return ignore(b.LRange(ctx, foreignKey, 0, -1)) }},
	{"LTrim", func(ctx context.Context, b store.Backend) error { return b.LTrim(ctx, foreignKey, 0, 0) }},
	{"LLen", func(ctx context.Context, b store.Backend) error { return ignore(b.LLen(ctx, foreignKey)) }},
	{"LPop", func(ctx context.Context, b store.Backend) error { return ignore(b.LPop(ctx, foreignKey, 1)) }},
	{"SAdd", func(ctx context.Context, b store.Backend) error { return ignore(b.SAdd(ctx, foreignKey, "m")) }},
	{"SRem", func(ctx context.Context, b store.Backend) error { return ignore(b.SRem(ctx, foreignKey, "m")) }},
	{"SMembers", func(ctx context.Context, b store.Backend) error { return ignore(b.SMembers(ctx, foreignKey)) }},
	{"SIsMember", func(ctx context.Context, b store.Backend) error { return ignore(b.SIsMember(ctx, foreignKey, "m")) }},
	{"SCard", func(ctx context.Context, b store.Backend) error { return ignore(b.SCard(ctx, foreignKey)) }},
	{"SRandMember", func(ctx context.Context, b store.Backend) error { return ignore(b.SRandMember(ctx, foreignKey, 1)) }},
	{"ZAdd", func(ctx context.Context, b store.Backend) error {
		return ignore(b.ZAdd(ctx, foreignKey, store.ZMember{Member: "m", Score: 1}))
	}},
	{"ZRem", func(ctx context.Context, b store.Backend) error { return ignore(b.ZRem(ctx, foreignKey, "m")) }},
	{"ZScore", func(ctx context.Context, b store.Backend) error { return ignore(b.ZScore(ctx, foreignKey, "m")) }},
	{"ZCard", func(ctx context.Context, b store.Backend) error { return ignore(b.ZCard(ctx, foreignKey)) }},
	{"ZRangeByScore", func(ctx context.Context, b store.Backend) error {
		return ignore(b.ZRangeByScore(ctx, foreignKey, 0, 1, 10))
	}},
	{"ApplyHSet", func(ctx context.Context, b store.Backend) error {
		return b.Apply(ctx, &store.HSetOp{Key: foreignKey, Fields: pairsMap("f", "1")})
	}},
	{"ApplyWriteAndTTL", func(ctx context.Context, b store.Backend) error {
		return b.Apply(ctx, &store.HSetOp{Key: foreignKey, Fields: pairsMap("f", "1")}, &store.ExpireOp{Key: foreignKey, TTL: hour})
	}},
	{"ApplyIncrBy", func(ctx context.Context, b store.Backend) error {
		return b.Apply(ctx, &store.IncrByOp{Key: foreignKey, Delta: 1})
	}},
	{"ApplyRead", func(ctx context.Context, b store.Backend) error {
		return b.Apply(ctx, &store.HGetAllOp{Key: foreignKey})
	}},
}

func testForeignTypedCalls(t *testing.T, e *env) {
	e.foreign()
	for _, c := range foreignCalls {
		require.ErrorIs(t, c.call(bg, e.b), store.ErrWrongType, c.name)
	}
	require.EqualValues(t, 1, e.exists(foreignKey))
	e.requireNoExpiry(foreignKey)
}

func testForeignReader(t *testing.T, e *env) {
	e.foreign()
	reads := map[string]func(r store.Reader) error{
		"Type":     func(r store.Reader) error { return ignore(r.Type(bg, foreignKey)) },
		"Get":      func(r store.Reader) error { return ignore(r.Get(bg, foreignKey)) },
		"HGet":     func(r store.Reader) error { return ignore(r.HGet(bg, foreignKey, "f")) },
		"HGetAll":  func(r store.Reader) error { return ignore(r.HGetAll(bg, foreignKey)) },
		"LRange":   func(r store.Reader) error { return ignore(r.LRange(bg, foreignKey, 0, -1)) },
		"SMembers": func(r store.Reader) error { return ignore(r.SMembers(bg, foreignKey)) },
		"ZScore":   func(r store.Reader) error { return ignore(r.ZScore(bg, foreignKey, "m")) },
		"ZRangeByScore": func(r store.Reader) error {
			return ignore(r.ZRangeByScore(bg, foreignKey, 0, 1, 10))
		},
	}
	for name, read := range reads {
		err := e.b.Update(bg, []string{foreignKey}, func(r store.Reader) ([]store.Op, error) {
			return nil, read(r)
		})
		require.ErrorIs(t, err, store.ErrWrongType, name)
	}
	err := e.b.Update(bg, []string{foreignKey}, func(r store.Reader) ([]store.Op, error) {
		ttl, err := r.TTL(bg, foreignKey)
		require.Equal(t, store.NoExpiry, ttl)
		return nil, err
	})
	require.NoError(t, err, "Reader.TTL works on any key")
}

func testForeignKeyCalls(t *testing.T, e *env) {
	e.foreign()
	require.Equal(t, []string{foreignKey}, e.scan("{f}*"))
	ok, err := e.b.Expire(bg, foreignKey, hour)
	require.NoError(t, err)
	require.True(t, ok)
	e.requireTTL(foreignKey, hour)
	ok, err = e.b.Persist(bg, foreignKey)
	require.NoError(t, err)
	require.True(t, ok)
	e.requireNoExpiry(foreignKey)
	ok, err = e.b.SetNX(bg, foreignKey, "v", 0)
	require.NoError(t, err)
	require.False(t, ok, "SetNX leaves an existing key of any type")
	require.NoError(t, e.b.Apply(bg, &store.ExpireOp{Key: foreignKey, TTL: hour}, &store.PersistOp{Key: foreignKey}))
	n, err := e.b.Del(bg, foreignKey)
	require.NoError(t, err)
	require.EqualValues(t, 1, n)
	e.foreign()
	require.NoError(t, e.b.Set(bg, foreignKey, "v", time.Minute), "Set replaces a value of any type")
	require.Equal(t, "v", e.get(foreignKey))
}
