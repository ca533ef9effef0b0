package bolt

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/mimeiapify/store"
)

var ctx = context.Background()

func TestStrings(t *testing.T) {
	b := newTest(t, nil)
	_, err := b.Get(ctx, "")
	require.ErrorIs(t, err, store.ErrNotFound)
	require.NoError(t, b.Set(ctx, "", "", 0))
	v, err := b.Get(ctx, "")
	require.NoError(t, err)
	require.Equal(t, "", v)
	ok, err := b.SetNX(ctx, "", "x", 0)
	require.NoError(t, err)
	require.False(t, ok)
	n, err := b.IncrBy(ctx, "n", 5)
	require.NoError(t, err)
	require.Equal(t, int64(5), n)
	_, err = b.IncrBy(ctx, "", 1)
	require.ErrorIs(t, err, store.ErrNotInteger)
	require.NoError(t, b.Set(ctx, "max", "9223372036854775807", 0))
	_, err = b.IncrBy(ctx, "max", 1)
	require.ErrorIs(t, err, store.ErrOverflow)
	_, err = b.HSet(ctx, "n", map[string]string{"a": "b"})
	require.ErrorIs(t, err, store.ErrWrongType)
}

func TestHashes(t *testing.T) {
	b := newTest(t, nil)
	n, err := b.HSet(ctx, "h", map[string]string{"": "e", "a": "1", "b\x00": "2", "empty": ""})
	require.NoError(t, err)
	require.Equal(t, int64(4), n)
	ok, err := b.HExists(ctx, "h", "empty")
	require.NoError(t, err)
	require.True(t, ok)
	n, err = b.HSet(ctx, "h", map[string]string{"a": "x", "c": "3"})
	require.NoError(t, err)
	require.Equal(t, int64(1), n)
	all, err := b.HGetAll(ctx, "h")
	require.NoError(t, err)
	require.Equal(t, map[string]string{"": "e", "a": "x", "b\x00": "2", "c": "3", "empty": ""}, all)
	n, err = b.HLen(ctx, "h")
	require.NoError(t, err)
	require.Equal(t, int64(5), n)
	got, err := b.HMGet(ctx, "h", "a", "zz")
	require.NoError(t, err)
	require.Equal(t, map[string]string{"a": "x"}, got)
	f, err := b.HIncrByFloat(ctx, "h", "c", 0.1)
	require.NoError(t, err)
	require.Equal(t, 3.1, f)
	_, err = b.HIncrBy(ctx, "h", "c", 1)
	require.ErrorIs(t, err, store.ErrNotInteger)
	n, err = b.HDel(ctx, "h", "", "a", "b\x00", "c", "empty", "nope")
	require.NoError(t, err)
	require.Equal(t, int64(5), n)
	typ, err := b.Type(ctx, "h")
	require.NoError(t, err)
	require.Equal(t, store.TypeNone, typ)
}

func TestLists(t *testing.T) {
	b := newTest(t, nil)
	n, err := b.RPush(ctx, "l", "c", "d")
	require.NoError(t, err)
	require.Equal(t, int64(2), n)
	n, err = b.LPush(ctx, "l", "b", "a")
	require.NoError(t, err)
	require.Equal(t, int64(4), n)
	all, err := b.LRange(ctx, "l", 0, -1)
	require.NoError(t, err)
	require.Equal(t, []string{"a", "b", "c", "d"}, all)
	mid, err := b.LRange(ctx, "l", -3, -2)
	require.NoError(t, err)
	require.Equal(t, []string{"b", "c"}, mid)
	none, err := b.LRange(ctx, "l", 3, 1)
	require.NoError(t, err)
	require.Empty(t, none)
	require.NoError(t, b.LTrim(ctx, "l", 1, 100))
	popped, err := b.LPop(ctx, "l", 2)
	require.NoError(t, err)
	require.Equal(t, []string{"b", "c"}, popped)
	n, err = b.LLen(ctx, "l")
	require.NoError(t, err)
	require.Equal(t, int64(1), n)
	require.NoError(t, b.LTrim(ctx, "l", 1, 0))
	ex, err := b.Exists(ctx, "l")
	require.NoError(t, err)
	require.Zero(t, ex)
}

func TestSets(t *testing.T) {
	b := newTest(t, nil)
	n, err := b.SAdd(ctx, "s", "a", "", "a", "b")
	require.NoError(t, err)
	require.Equal(t, int64(3), n)
	m, err := b.SMembers(ctx, "s")
	require.NoError(t, err)
	slices.Sort(m)
	require.Equal(t, []string{"", "a", "b"}, m)
	ok, err := b.SIsMember(ctx, "s", "")
	require.NoError(t, err)
	require.True(t, ok)
	n, err = b.SRem(ctx, "s", "a", "", "b", "z")
	require.NoError(t, err)
	require.Equal(t, int64(3), n)
	n, err = b.SCard(ctx, "s")
	require.NoError(t, err)
	require.Zero(t, n)
}

func TestTTL(t *testing.T) {
	b := newTest(t, &Options{SweepInterval: -1})
	require.NoError(t, b.Set(ctx, "k", "v", 30*time.Millisecond))
	d, err := b.TTL(ctx, "k")
	require.NoError(t, err)
	require.InDelta(t, 30*time.Millisecond, d, float64(5*time.Millisecond))
	_, err = b.RPush(ctx, "l", "x")
	require.NoError(t, err)
	ok, err := b.Expire(ctx, "l", time.Microsecond)
	require.NoError(t, err)
	require.True(t, ok)
	time.Sleep(40 * time.Millisecond)
	n, err := b.Exists(ctx, "k", "l")
	require.NoError(t, err)
	require.Zero(t, n)
	_, err = b.TTL(ctx, "k")
	require.ErrorIs(t, err, store.ErrNotFound)
	// A write on an expired key starts from nothing.
	n, err = b.RPush(ctx, "l", "y")
	require.NoError(t, err)
	require.Equal(t, int64(1), n)
	d, err = b.TTL(ctx, "l")
	require.NoError(t, err)
	require.Equal(t, store.NoExpiry, d)
	_, err = b.Expire(ctx, "l", 0)
	require.ErrorIs(t, err, store.ErrInvalidArgument)
}

func TestApplyRollsBack(t *testing.T) {
	b := newTest(t, nil)
	require.NoError(t, b.Set(ctx, "s", "text", 0))
	err := b.Apply(ctx, &store.SetOp{Key: "a", Value: "1"}, &store.IncrByOp{Key: "s", Delta: 1})
	require.ErrorIs(t, err, store.ErrNotInteger)
	n, err := b.Exists(ctx, "a")
	require.NoError(t, err)
	require.Zero(t, n)
	get := &store.HGetAllOp{Key: "h"}
	inc := &store.IncrByOp{Key: "c", Delta: 2}
	require.NoError(t, b.Apply(ctx, &store.HSetOp{Key: "h", Fields: map[string]string{"f": "v"}}, get, inc))
	require.Equal(t, map[string]string{"f": "v"}, get.Result)
	require.Equal(t, int64(2), inc.Result)
}

func TestUpdate(t *testing.T) {
	b := newTest(t, nil)
	err := b.Update(ctx, []string{"c"}, func(r store.Reader) ([]store.Op, error) {
		_, err := r.Get(ctx, "c")
		require.ErrorIs(t, err, store.ErrNotFound)
		return []store.Op{&store.SetOp{Key: "c", Value: "1"}}, nil
	})
	require.NoError(t, err)
	v, err := b.Get(ctx, "c")
	require.NoError(t, err)
	require.Equal(t, "1", v)
	boom := context.Canceled
	err = b.Update(ctx, nil, func(store.Reader) ([]store.Op, error) { return nil, boom })
	require.Equal(t, boom, err)
}

func TestClosed(t *testing.T) {
	b, err := Open(t.TempDir()+"/c.db", nil)
	require.NoError(t, err)
	require.NoError(t, b.Close())
	require.NoError(t, b.Close())
	_, err = b.Get(ctx, "k")
	require.ErrorIs(t, err, store.ErrClosed)
	require.ErrorIs(t, b.Set(ctx, "k", "v", 0), store.ErrClosed)
}
