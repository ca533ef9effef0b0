package store_test

import (
	"errors"
	"testing"
	"time"

	"github.com/mimeiapify/store"
	"github.com/stretchr/testify/require"
)

func TestCheckGroupRejectsMalformedGroups(t *testing.T) {
	cases := map[string][]store.Op{
		"empty":                  nil,
		"nil op":                 {&store.SetOp{Key: "a"}, nil},
		"negative set TTL":       {&store.SetOp{Key: "a", TTL: -time.Second}},
		"zero expire":            {&store.ExpireOp{Key: "a"}},
		"negative expire":        {&store.ExpireOp{Key: "a", TTL: -1}},
		"hset no fields":         {&store.HSetOp{Key: "a"}},
		"hdel no fields":         {&store.HDelOp{Key: "a"}},
		"rpush no values":        {&store.RPushOp{Key: "a"}},
		"lpush no values":        {&store.LPushOp{Key: "a"}},
		"sadd no members":        {&store.SAddOp{Key: "a"}},
		"srem no members":        {&store.SRemOp{Key: "a"}},
		"hash then set":          {&store.HSetOp{Key: "a", Fields: map[string]string{"f": "v"}}, &store.SAddOp{Key: "a", Members: []string{"m"}}},
		"string then list":       {&store.SetOp{Key: "a", Value: "v"}, &store.RPushOp{Key: "a", Values: []string{"x"}}},
		"incr after set":         {&store.SetOp{Key: "a", Value: "1"}, &store.IncrByOp{Key: "a", Delta: 1}},
		"incr after del":         {&store.DelOp{Key: "a"}, &store.IncrByOp{Key: "a", Delta: 1}},
		"incr twice":             {&store.IncrByOp{Key: "a", Delta: 1}, &store.IncrByOp{Key: "a", Delta: 1}},
		"hincr after hset":       {&store.HSetOp{Key: "a", Fields: map[string]string{"f": "1"}}, &store.HIncrByOp{Key: "a", Field: "f", Delta: 1}},
		"hincr after hdel":       {&store.HDelOp{Key: "a", Fields: []string{"f"}}, &store.HIncrByOp{Key: "a", Field: "f", Delta: 1}},
		"hincr after hash del":   {&store.DelOp{Key: "a"}, &store.HIncrByOp{Key: "a", Field: "f", Delta: 1}},
		"hincr same field twice": {&store.HIncrByOp{Key: "a", Field: "f", Delta: 1}, &store.HIncrByOp{Key: "a", Field: "f", Delta: 1}},
	}
	for name, ops := range cases {
		t.Run(name, func(t *testing.T) {
			_, err := store.CheckGroup(ops)
			require.ErrorIs(t, err, store.ErrInvalidArgument)
		})
	}
}

func TestCheckGroupEmitsChecksBeforeTheFirstReset(t *testing.T) {
	gc, err := store.CheckGroup([]store.Op{
		&store.HSetOp{Key: "h", Fields: map[string]string{"a": "1"}},
		&store.HIncrByOp{Key: "h", Field: "n", Delta: 2},
		&store.HGetAllOp{Key: "h"},
		&store.ExpireOp{Key: "h", TTL: time.Second},
		&store.DelOp{Key: "s"},
		&store.SAddOp{Key: "s", Members: []string{"m"}},
		&store.IncrByOp{Key: "c", Delta: -3},
		&store.SetOp{Key: "x", Value: "v"},
		&store.DelOp{Key: "x"},
		&store.RPushOp{Key: "x", Values: []string{"v"}},
	})
	require.NoError(t, err)
	require.Equal(t, []store.TypeCheck{{Key: "h", Type: store.TypeHash}, {Key: "c", Type: store.TypeString}}, gc.Types)
	require.Equal(t, []store.IncrCheck{{Key: "h", Field: "n", Hash: true, Delta: 2}, {Key: "c", Delta: -3}}, gc.Incrs)
}

func TestCheckGroupAllowsIncrementsOfOtherFields(t *testing.T) {
	_, err := store.CheckGroup([]store.Op{
		&store.HSetOp{Key: "h", Fields: map[string]string{"a": "1"}},
		&store.HIncrByOp{Key: "h", Field: "b", Delta: 1},
		&store.ExpireOp{Key: "h", TTL: time.Minute},
	})
	require.NoError(t, err)
}

func TestCheckGroupErrorNamesOpAndKey(t *testing.T) {
	_, err := store.CheckGroup([]store.Op{&store.SetOp{Key: "ok"}, &store.HSetOp{Key: "bad:key"}})
	require.ErrorContains(t, err, `op 1 (*store.HSetOp) on key "bad:key"`)
}

func TestTTLMillis(t *testing.T) {
	cases := []struct {
		in   time.Duration
		want int64
	}{{0, 0}, {time.Nanosecond, 1}, {time.Millisecond, 1}, {1500 * time.Microsecond, 2}, {time.Second, 1000}}
	for _, c := range cases {
		got, err := store.TTLMillis(c.in)
		require.NoError(t, err)
		require.Equal(t, c.want, got, "TTLMillis(%v)", c.in)
	}
	_, err := store.TTLMillis(-time.Millisecond)
	require.True(t, errors.Is(err, store.ErrInvalidArgument))
}

func TestTypeString(t *testing.T) {
	names := map[store.Type]string{store.TypeNone: "none", store.TypeString: "string", store.TypeHash: "hash", store.TypeList: "list", store.TypeSet: "set"}
	for typ, want := range names {
		require.Equal(t, want, typ.String())
	}
}

func TestCheckGroupManyKeys(t *testing.T) {
	ops := make([]store.Op, 0, 100)
	for i := range 50 {
		key := string(rune('a' + i))
		ops = append(ops, &store.HSetOp{Key: key, Fields: map[string]string{"f": "1"}}, &store.HIncrByOp{Key: key, Field: "n", Delta: 1})
	}
	gc, err := store.CheckGroup(ops)
	require.NoError(t, err)
	require.Len(t, gc.Types, 50)
	require.Len(t, gc.Incrs, 50)
	_, err = store.CheckGroup(append(ops, &store.HIncrByOp{Key: "a", Field: "f", Delta: 1}))
	require.ErrorIs(t, err, store.ErrInvalidArgument, "the index past linearKeys still finds earlier keys")
}

func BenchmarkCheckGroupHashWithTTL(b *testing.B) {
	ops := []store.Op{&store.HSetOp{Key: "h", Fields: map[string]string{"a": "1", "b": "2"}}, &store.ExpireOp{Key: "h", TTL: time.Minute}}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := store.CheckGroup(ops); err != nil {
			b.Fatal(err)
		}
	}
}
