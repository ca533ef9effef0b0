package luagroup_test

import (
	"context"
	"math"
	"strconv"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/mimeiapify/store"
	"github.com/mimeiapify/store/internal/luagroup"
)

func TestFormatScoreRoundTrips(t *testing.T) {
	for f, want := range map[float64]string{
		math.Inf(1): "+inf", math.Inf(-1): "-inf", 0: "0", math.Copysign(0, -1): "0",
		1.5: "1.5", -2: "-2", 1e300: "1e+300", 0.1: "0.1",
	} {
		require.Equal(t, want, luagroup.FormatScore(f))
	}
	for _, f := range []float64{math.MaxFloat64, math.SmallestNonzeroFloat64, 1.0 / 3, 1767225600123} {
		got, err := strconv.ParseFloat(luagroup.FormatScore(f), 64)
		require.NoError(t, err)
		require.Equal(t, f, got)
	}
}

func TestEncodeZOpsAndLPop(t *testing.T) {
	ops := []store.Op{
		&store.ZAddOp{Key: "z", Members: []store.ZMember{{Member: "a", Score: math.Inf(-1)}, {Member: "b", Score: 2.5}}, NX: true},
		&store.ZAddOp{Key: "z", Members: []store.ZMember{{Member: "a", Score: 1}}},
		&store.ZRemOp{Key: "z", Members: []string{"b"}},
		&store.LPopOp{Key: "l", Count: 3},
	}
	checks, err := store.CheckGroup(ops)
	require.NoError(t, err)
	keys, args, err := luagroup.Encode(ops, checks)
	require.NoError(t, err)
	require.Equal(t, []string{"z", "l"}, keys)
	require.Equal(t, []string{"2", "1", "zset", "2", "list", "0", "4",
		"zadd", "1", "NX", "4", "-inf", "a", "2.5", "b",
		"zadd", "1", "", "2", "1", "a",
		"zrem", "1", "1", "b",
		"lpop", "2", "3"}, args)
}

func TestCommandsOfZOps(t *testing.T) {
	cmds, err := luagroup.Commands([]store.Op{
		&store.DelOp{Key: "z"},
		&store.ZAddOp{Key: "z", Members: []store.ZMember{{Member: "a", Score: math.Inf(1)}}, XX: true},
		&store.ZRemOp{Key: "z", Members: []string{"a", "b"}},
	})
	require.NoError(t, err)
	require.Equal(t, [][]string{{"DEL", "z"}, {"ZADD", "z", "XX", "+inf", "a"}, {"ZREM", "z", "a", "b"}}, cmds)
	_, err = luagroup.Commands([]store.Op{&store.LPopOp{Key: "l", Count: 1}})
	require.ErrorIs(t, err, store.ErrInvalidArgument, "LPopOp has a result: never MULTI/EXEC")
}

// TestChooseSendsLPopOpThroughTheScript: LPopOp has a result, so even a
// group without checks (after a DelOp of its key) takes the script, while
// ZAddOp and ZRemOp after a DelOp need no check.
func TestChooseSendsLPopOpThroughTheScript(t *testing.T) {
	route := func(ops ...store.Op) luagroup.Route {
		checks, err := store.CheckGroup(ops)
		require.NoError(t, err)
		return luagroup.Choose(ops, checks)
	}
	require.Equal(t, luagroup.RouteScript, route(&store.DelOp{Key: "l"}, &store.LPopOp{Key: "l", Count: 1}))
	require.Equal(t, luagroup.RouteScript, route(&store.LPopOp{Key: "l", Count: 1}))
	require.Equal(t, luagroup.RouteScript, route(&store.ZAddOp{Key: "z", Members: []store.ZMember{{Member: "a"}}, NX: true}))
	require.Equal(t, luagroup.RouteMulti, route(&store.DelOp{Key: "z"}, &store.ZAddOp{Key: "z", Members: []store.ZMember{{Member: "a"}}, NX: true}))
}

func TestDecodeLPopOp(t *testing.T) {
	for _, reply := range [][]string{{}, {"x"}, {"-1"}, {"2", "a"}, {"1", "a", "extra"}} {
		require.Error(t, luagroup.Decode([]store.Op{&store.LPopOp{Key: "l", Count: 2}}, reply), "%q", reply)
	}
	pop, empty := &store.LPopOp{Key: "l", Count: 2}, &store.LPopOp{Key: "m", Count: 2}
	require.NoError(t, luagroup.Decode([]store.Op{pop, empty}, []string{"2", "a", "", "0"}))
	require.Equal(t, []string{"a", ""}, pop.Result)
	require.NotNil(t, empty.Result)
	require.Empty(t, empty.Result)
}

// TestScriptRunsZOpsAndLPop: on miniredis and a real server, the script's
// ZADD (with NX and XX, in chunks for large ones) and LPOP give what the
// ops promise, LPopOp's result included.
func TestScriptRunsZOpsAndLPop(t *testing.T) {
	ctx := context.Background()
	for name, s := range servers(t) {
		t.Run(name, func(t *testing.T) {
			z, l := s.pre+"{g}z", s.pre+"{g}l"
			big := make([]store.ZMember, 1500)
			for i := range big {
				big[i] = store.ZMember{Member: "m" + strconv.Itoa(i), Score: float64(i)}
			}
			require.NoError(t, apply(ctx, s.c, &store.ZAddOp{Key: z, Members: big}))
			require.EqualValues(t, 1500, s.c.ZCard(ctx, z).Val())
			require.NoError(t, apply(ctx, s.c,
				&store.ZAddOp{Key: z, Members: []store.ZMember{{Member: "m0", Score: 99}, {Member: "new", Score: math.Inf(-1)}}, NX: true},
				&store.ZAddOp{Key: z, Members: []store.ZMember{{Member: "m1", Score: -5}, {Member: "ghost", Score: 1}}, XX: true},
				&store.ZRemOp{Key: z, Members: []string{"m2", "missing"}}))
			require.Equal(t, float64(0), s.c.ZScore(ctx, z, "m0").Val(), "NX leaves a score")
			require.Equal(t, float64(-5), s.c.ZScore(ctx, z, "m1").Val(), "XX updates")
			require.Equal(t, math.Inf(-1), s.c.ZScore(ctx, z, "new").Val())
			require.Zero(t, s.c.ZScore(ctx, z, "ghost").Val(), "XX adds nothing")
			require.EqualValues(t, 1500, s.c.ZCard(ctx, z).Val())

			require.NoError(t, s.c.RPush(ctx, l, "a", "b", "c").Err())
			first, rest, none := &store.LPopOp{Key: l, Count: 2}, &store.LPopOp{Key: l, Count: 5}, &store.LPopOp{Key: l, Count: 1}
			require.NoError(t, apply(ctx, s.c, first, &store.RPushOp{Key: l, Values: []string{"d"}}, rest, none,
				&store.ZRemOp{Key: z, Members: []string{"new"}}))
			require.Equal(t, []string{"a", "b"}, first.Result)
			require.Equal(t, []string{"c", "d"}, rest.Result)
			require.NotNil(t, none.Result)
			require.Empty(t, none.Result)
			require.Zero(t, s.c.Exists(ctx, l).Val())
		})
	}
}
