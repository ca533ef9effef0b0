package conformance

import (
	"context"
	"math"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/mimeiapify/store"
)

// orderCases check the order in which every call checks what it was
// given: first that the backend is open (ErrClosed), then that the
// context is not done (ctx.Err()), then the arguments
// (ErrInvalidArgument, or ErrNotFloat for a NaN or infinite delta).
var orderCases = []testCase{
	{"ArgumentsCheckedLast", testArgumentsCheckedLast},
	{"ContextBeforeArguments", testContextBeforeArguments},
	{"ClosedBeforeContextAndArguments", testClosedBeforeContextAndArguments},
}

// badCall is a call with malformed arguments and the error they give.
type badCall struct {
	name string
	want error
	call func(ctx context.Context, b store.Backend) error
}

// badCalls are the calls of every method that checks its arguments,
// each with malformed ones.
var badCalls = []badCall{
	{"ExpireZero", store.ErrInvalidArgument, func(ctx context.Context, b store.Backend) error {
		return ignore(b.Expire(ctx, "k", 0))
	}},
	{"SetNegativeTTL", store.ErrInvalidArgument, func(ctx context.Context, b store.Backend) error {
		return b.Set(ctx, "k", "v", -time.Second)
	}},
	{"SetNXNegativeTTL", store.ErrInvalidArgument, func(ctx context.Context, b store.Backend) error {
		return ignore(b.SetNX(ctx, "k", "v", -time.Second))
	}},
	{"HSetNoFields", store.ErrInvalidArgument, func(ctx context.Context, b store.Backend) error {
		return ignore(b.HSet(ctx, "k", nil))
	}},
	{"HMGetNoFields", store.ErrInvalidArgument, func(ctx context.Context, b store.Backend) error {
		return ignore(b.HMGet(ctx, "k"))
	}},
	{"HDelNoFields", store.ErrInvalidArgument, func(ctx context.Context, b store.Backend) error {
		return ignore(b.HDel(ctx, "k"))
	}},
	{"HIncrByFloatNaN", store.ErrNotFloat, func(ctx context.Context, b store.Backend) error {
		return ignore(b.HIncrByFloat(ctx, "k", "f", math.NaN()))
	}},
	{"RPushNoValues", store.ErrInvalidArgument, func(ctx context.Context, b store.Backend) error {
		return ignore(b.RPush(ctx, "k"))
	}},
	{"LPushNoValues", store.ErrInvalidArgument, func(ctx context.Context, b store.Backend) error {
		return ignore(b.LPush(ctx, "k"))
	}},
	{"LPopZero", store.ErrInvalidArgument, func(ctx context.Context, b store.Backend) error {
		return ignore(b.LPop(ctx, "k", 0))
	}},
	{"SAddNoMembers", store.ErrInvalidArgument, func(ctx context.Context, b store.Backend) error {
		return ignore(b.SAdd(ctx, "k"))
	}},
	{"SRemNoMembers", store.ErrInvalidArgument, func(ctx context.Context, b store.Backend) error {
		return ignore(b.SRem(ctx, "k"))
	}},
	{"SRandMemberZero", store.ErrInvalidArgument, func(ctx context.Context, b store.Backend) error {
		return ignore(b.SRandMember(ctx, "k", 0))
	}},
	{"ZAddNoMembers", store.ErrInvalidArgument, func(ctx context.Context, b store.Backend) error {
		return ignore(b.ZAdd(ctx, "k"))
	}},
	{"ZAddNaN", store.ErrInvalidArgument, func(ctx context.Context, b store.Backend) error {
		return ignore(b.ZAdd(ctx, "k", store.ZMember{Member: "m", Score: math.NaN()}))
	}},
	{"ZRemNoMembers", store.ErrInvalidArgument, func(ctx context.Context, b store.Backend) error {
		return ignore(b.ZRem(ctx, "k"))
	}},
	{"ZRangeByScoreZeroLimit", store.ErrInvalidArgument, func(ctx context.Context, b store.Backend) error {
		return ignore(b.ZRangeByScore(ctx, "k", 0, 1, 0))
	}},
	{"ZRangeByScoreNaN", store.ErrInvalidArgument, func(ctx context.Context, b store.Backend) error {
		return ignore(b.ZRangeByScore(ctx, "k", 0, math.NaN(), 1))
	}},
	{"ApplyEmpty", store.ErrInvalidArgument, func(ctx context.Context, b store.Backend) error {
		return b.Apply(ctx)
	}},
	{"ApplyMalformed", store.ErrInvalidArgument, func(ctx context.Context, b store.Backend) error {
		return b.Apply(ctx, &store.ExpireOp{Key: "k", TTL: -time.Second})
	}},
	{"UpdateNilFunction", store.ErrInvalidArgument, func(ctx context.Context, b store.Backend) error {
		return b.Update(ctx, []string{"k"}, nil)
	}},
}

func testArgumentsCheckedLast(t *testing.T, e *env) {
	for _, c := range badCalls {
		require.ErrorIs(t, c.call(bg, e.b), c.want, c.name)
	}
	require.Zero(t, e.exists("k"), "a call with malformed arguments wrote")
}

func testContextBeforeArguments(t *testing.T, e *env) {
	ctx := cancelled()
	for _, c := range badCalls {
		err := c.call(ctx, e.b)
		require.ErrorIs(t, err, context.Canceled, c.name)
		require.NotErrorIs(t, err, c.want, c.name)
	}
}

// testClosedBeforeContextAndArguments writes nothing, as the Close cases.
func testClosedBeforeContextAndArguments(t *testing.T, e *env) {
	require.NoError(t, e.b.Close())
	ctx := cancelled()
	for _, c := range badCalls {
		err := c.call(ctx, e.b)
		require.ErrorIs(t, err, store.ErrClosed, c.name)
		require.NotErrorIs(t, err, context.Canceled, c.name)
		require.NotErrorIs(t, err, c.want, c.name)
	}
	for _, c := range ctxCalls {
		err := c.call(ctx, e.b)
		require.ErrorIs(t, err, store.ErrClosed, c.name)
		require.NotErrorIs(t, err, context.Canceled, c.name)
	}
}
