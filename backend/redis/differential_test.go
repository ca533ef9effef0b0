package redis_test

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/mimeiapify/store"
	"github.com/mimeiapify/store/backend/memory"
	"github.com/mimeiapify/store/internal/testenv"
)

// Replay a failing differential run with -seed=N or STORE_DIFF_SEED=N.
var diffSeed = flag.Uint64("seed", 0, "seed of TestDifferential (0: random, or STORE_DIFF_SEED)")

// diffSteps is the number of random operations of one run.
const diffSteps = 20000

// step is one random call, run the same way on both backends.
type step struct {
	name string
	do   func(ctx context.Context, b store.Backend) (any, error)
}

func TestDifferential(t *testing.T) {
	real := realBackend(t, testenv.Server(t, testenv.RedisURL))
	mem := memory.New(nil)
	t.Cleanup(func() { _ = mem.Close() })
	seed := *diffSeed
	if s, err := strconv.ParseUint(os.Getenv("STORE_DIFF_SEED"), 10, 64); err == nil && seed == 0 {
		seed = s
	}
	if seed == 0 {
		seed = rand.Uint64()
	}
	t.Logf("seed %d (replay with -seed=%d or STORE_DIFF_SEED=%d)", seed, seed, seed)
	r := rand.New(rand.NewPCG(seed, 0))
	ctx := context.Background()
	for i := range diffSteps {
		s := randomStep(r)
		want, wantErr := s.do(ctx, mem)
		got, gotErr := s.do(ctx, real)
		msg := fmt.Sprintf("seed %d step %d: %s", seed, i, s.name)
		require.Equal(t, errClass(wantErr), errClass(gotErr), "%s: memory err %v, redis err %v", msg, wantErr, gotErr)
		require.Equal(t, norm(want), norm(alignTTLs(want, got)), msg)
	}
	compareContents(t, ctx, mem, real, seed)
}

// norm makes nil and empty slices and maps compare equal: the contract
// says "none" for both.
func norm(v any) any {
	switch x := v.(type) {
	case []string:
		if x == nil {
			return []string{}
		}
	case map[string]string:
		if x == nil {
			return map[string]string{}
		}
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = norm(e)
		}
		return out
	}
	return v
}

// sentinels are the error classes the two backends must agree on.
var sentinels = []error{store.ErrNotFound, store.ErrWrongType, store.ErrNotInteger, store.ErrNotFloat,
	store.ErrOverflow, store.ErrInvalidArgument, store.ErrConflict}

func errClass(err error) string {
	if err == nil {
		return "ok"
	}
	for _, s := range sentinels {
		if errors.Is(err, s) {
			return s.Error()
		}
	}
	return "unexpected: " + err.Error()
}

var diffValues = []string{"0", "1", "-1", "42", "01", "+1", " 1", "1.5", "abc", "", "\x00*[",
	"9223372036854775807", "-9223372036854775808", "9223372036854775806", "3.0e2", "inf", "-0"}

func pick[T any](r *rand.Rand, xs []T) T { return xs[r.IntN(len(xs))] }

func randKey(r *rand.Rand) string { return "k" + strconv.Itoa(r.IntN(300)) }

func randStrings(r *rand.Rand, n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = "m" + strconv.Itoa(r.IntN(12))
	}
	return out
}

func randFields(r *rand.Rand) map[string]string {
	m := map[string]string{}
	for range 1 + r.IntN(3) {
		m["f"+strconv.Itoa(r.IntN(6))] = pick(r, diffValues)
	}
	return m
}

var diffDeltas = []int64{0, 1, -1, 7, 1 << 62, -(1 << 62), 9223372036854775807, -9223372036854775808}

func randTTL(r *rand.Rand) time.Duration {
	return time.Duration(30+r.IntN(600))*time.Second + time.Duration(r.IntN(1000))*time.Microsecond
}

// randomStep returns one random call over a few hundred keys of every type.
func randomStep(r *rand.Rand) step {
	k, k2 := randKey(r), randKey(r)
	f := "f" + strconv.Itoa(r.IntN(6))
	v := pick(r, diffValues)
	d := pick(r, diffDeltas)
	n := r.IntN(4)
	ms, ttl := randStrings(r, n), randTTL(r)
	start, stop := int64(r.IntN(8)-4), int64(r.IntN(8)-4)
	switch r.IntN(30) {
	case 0:
		return step{"set " + k, func(ctx context.Context, b store.Backend) (any, error) { return nil, b.Set(ctx, k, v, 0) }}
	case 1:
		return step{"set ttl " + k, func(ctx context.Context, b store.Backend) (any, error) { return nil, b.Set(ctx, k, v, ttl) }}
	case 2:
		return step{"setnx " + k, func(ctx context.Context, b store.Backend) (any, error) { return b.SetNX(ctx, k, v, ttl) }}
	case 3:
		return step{"get " + k, func(ctx context.Context, b store.Backend) (any, error) { return b.Get(ctx, k) }}
	case 4:
		return step{"incrby " + k, func(ctx context.Context, b store.Backend) (any, error) { return b.IncrBy(ctx, k, d) }}
	case 5:
		return step{"del " + k, func(ctx context.Context, b store.Backend) (any, error) { return b.Del(ctx, k, k2) }}
	case 6:
		return step{"exists " + k, func(ctx context.Context, b store.Backend) (any, error) { return b.Exists(ctx, k, k2, k) }}
	case 7:
		return step{"expire " + k, func(ctx context.Context, b store.Backend) (any, error) { return b.Expire(ctx, k, ttl) }}
	case 8:
		return step{"persist " + k, func(ctx context.Context, b store.Backend) (any, error) { return b.Persist(ctx, k) }}
	case 9:
		return step{"ttl " + k, func(ctx context.Context, b store.Backend) (any, error) {
			d, err := b.TTL(ctx, k)
			return d, err
		}}
	case 10:
		return step{"type " + k, func(ctx context.Context, b store.Backend) (any, error) { return b.Type(ctx, k) }}
	case 11, 12:
		fields := randFields(r)
		return step{"hset " + k, func(ctx context.Context, b store.Backend) (any, error) { return b.HSet(ctx, k, fields) }}
	case 13:
		return step{"hget " + k, func(ctx context.Context, b store.Backend) (any, error) { return b.HGet(ctx, k, f) }}
	case 14:
		return step{"hgetall " + k, func(ctx context.Context, b store.Backend) (any, error) { return b.HGetAll(ctx, k) }}
	case 15:
		return step{"hincrby " + k, func(ctx context.Context, b store.Backend) (any, error) { return b.HIncrBy(ctx, k, f, d) }}
	case 16:
		fd := pick(r, []float64{0.1, -2.5, 3, 1e308, -1e308, 1e-5})
		return step{"hincrbyfloat " + k, func(ctx context.Context, b store.Backend) (any, error) { return b.HIncrByFloat(ctx, k, f, fd) }}
	case 17:
		return step{"hdel " + k, func(ctx context.Context, b store.Backend) (any, error) { return b.HDel(ctx, k, f, "f0") }}
	case 18:
		return step{"hmget/hlen/hexists " + k, func(ctx context.Context, b store.Backend) (any, error) {
			m, err1 := b.HMGet(ctx, k, f, "f1")
			l, err2 := b.HLen(ctx, k)
			e, err3 := b.HExists(ctx, k, f)
			return []any{m, l, e}, errors.Join(err1, err2, err3)
		}}
	case 19:
		return step{"rpush " + k, func(ctx context.Context, b store.Backend) (any, error) { return b.RPush(ctx, k, ms...) }}
	case 20:
		return step{"lpush " + k, func(ctx context.Context, b store.Backend) (any, error) { return b.LPush(ctx, k, ms...) }}
	case 21:
		return step{"lrange/llen " + k, func(ctx context.Context, b store.Backend) (any, error) {
			vs, err1 := b.LRange(ctx, k, start, stop)
			l, err2 := b.LLen(ctx, k)
			return []any{vs, l}, errors.Join(err1, err2)
		}}
	case 22:
		return step{"ltrim " + k, func(ctx context.Context, b store.Backend) (any, error) { return nil, b.LTrim(ctx, k, start, stop) }}
	case 23:
		return step{"lpop " + k, func(ctx context.Context, b store.Backend) (any, error) { return b.LPop(ctx, k, n) }}
	case 24:
		return step{"sadd " + k, func(ctx context.Context, b store.Backend) (any, error) { return b.SAdd(ctx, k, ms...) }}
	case 25:
		return step{"srem " + k, func(ctx context.Context, b store.Backend) (any, error) { return b.SRem(ctx, k, ms...) }}
	case 26:
		return step{"smembers/scard/sismember " + k, func(ctx context.Context, b store.Backend) (any, error) {
			m, err1 := b.SMembers(ctx, k)
			slices.Sort(m)
			c, err2 := b.SCard(ctx, k)
			is, err3 := b.SIsMember(ctx, k, "m1")
			return []any{m, c, is}, errors.Join(err1, err2, err3)
		}}
	case 27:
		return step{"update " + k, func(ctx context.Context, b store.Backend) (any, error) {
			err := b.Update(ctx, []string{k}, func(rd store.Reader) ([]store.Op, error) {
				cur, err := rd.Get(ctx, k)
				if err != nil && !errors.Is(err, store.ErrNotFound) {
					return nil, err
				}
				return []store.Op{&store.SetOp{Key: k, Value: cur + "u"}}, nil
			})
			return nil, err
		}}
	}
	return randomGroup(r)
}

// randomGroup is an Apply of 1 to 4 random ops over two keys.
func randomGroup(r *rand.Rand) step {
	keys := []string{randKey(r), randKey(r)}
	makers := make([]func() store.Op, 1+r.IntN(4))
	for i := range makers {
		makers[i] = randomOp(r, pick(r, keys))
	}
	return step{fmt.Sprintf("apply %d ops on %q", len(makers), keys), func(ctx context.Context, b store.Backend) (any, error) {
		ops := make([]store.Op, len(makers))
		for i, m := range makers {
			ops[i] = m()
		}
		err := b.Apply(ctx, ops...)
		if err != nil {
			return nil, err
		}
		return ops, nil
	}}
}

// randomOp returns a maker of one random op on k (fresh for each backend,
// since ops carry results).
func randomOp(r *rand.Rand, k string) func() store.Op {
	v, d, f, ttl := pick(r, diffValues), pick(r, diffDeltas), "f"+strconv.Itoa(r.IntN(6)), randTTL(r)
	fields, ms := randFields(r), randStrings(r, 1+r.IntN(3))
	start, stop := int64(r.IntN(8)-4), int64(r.IntN(8)-4)
	switch r.IntN(13) {
	case 0:
		setTTL := ttl * time.Duration(r.IntN(2))
		return func() store.Op { return &store.SetOp{Key: k, Value: v, TTL: setTTL} }
	case 1:
		return func() store.Op { return &store.DelOp{Key: k} }
	case 2:
		return func() store.Op { return &store.ExpireOp{Key: k, TTL: ttl} }
	case 3:
		return func() store.Op { return &store.PersistOp{Key: k} }
	case 4:
		return func() store.Op { return &store.IncrByOp{Key: k, Delta: d} }
	case 5:
		return func() store.Op { return &store.HSetOp{Key: k, Fields: fields} }
	case 6:
		return func() store.Op { return &store.HDelOp{Key: k, Fields: []string{f}} }
	case 7:
		return func() store.Op { return &store.HIncrByOp{Key: k, Field: f, Delta: d} }
	case 8:
		return func() store.Op { return &store.HGetAllOp{Key: k} }
	case 9:
		return func() store.Op { return &store.RPushOp{Key: k, Values: ms} }
	case 10:
		return func() store.Op { return &store.LPushOp{Key: k, Values: ms} }
	case 11:
		return func() store.Op { return &store.LTrimOp{Key: k, Start: start, Stop: stop} }
	}
	return func() store.Op { return &store.SAddOp{Key: k, Members: ms} }
}

// ttlSlack is how far apart the two backends' TTLs of one key may be:
// the time that passes between the two calls, and Redis' millisecond
// precision. Rounding both to the second instead fails now and then, when
// the two straddle a rounding boundary. The random TTLs are whole seconds
// apart, so a wrong TTL is still caught.
const ttlSlack = 500 * time.Millisecond

// alignTTLs returns got with each positive TTL that is within ttlSlack of
// the one at the same place in want replaced by want's, so that the two
// compare equal; anything else is left as it is.
func alignTTLs(want, got any) any {
	switch w := want.(type) {
	case time.Duration:
		if g, ok := got.(time.Duration); ok && w > 0 && g > 0 && (w-g).Abs() <= ttlSlack {
			return w
		}
	case []any:
		g, ok := got.([]any)
		if !ok || len(g) != len(w) {
			return got
		}
		out := make([]any, len(g))
		for i := range g {
			out[i] = alignTTLs(w[i], g[i])
		}
		return out
	}
	return got
}

// compareContents checks that both backends hold the same keys, types,
// values and (within a second) TTLs.
func compareContents(t *testing.T, ctx context.Context, mem, real store.Backend, seed uint64) {
	t.Helper()
	keys := func(b store.Backend) []string {
		var ks []string
		for k, err := range b.Scan(ctx, "*") {
			require.NoError(t, err)
			ks = append(ks, k)
		}
		slices.Sort(ks)
		return ks
	}
	mk := keys(mem)
	require.Equal(t, mk, keys(real), "seed %d: final key sets differ", seed)
	for _, k := range mk {
		want := dump(t, ctx, mem, k)
		require.Equal(t, norm(want), norm(alignTTLs(want, dump(t, ctx, real, k))), "seed %d: final contents of %q", seed, k)
	}
}

// dump returns a comparable picture of key's type, value and TTL (to be
// compared with alignTTLs).
func dump(t *testing.T, ctx context.Context, b store.Backend, k string) []any {
	typ, err := b.Type(ctx, k)
	require.NoError(t, err)
	ttl, err := b.TTL(ctx, k)
	require.NoError(t, err)
	var v any
	switch typ {
	case store.TypeString:
		v, err = b.Get(ctx, k)
	case store.TypeHash:
		v, err = b.HGetAll(ctx, k)
	case store.TypeList:
		v, err = b.LRange(ctx, k, 0, -1)
	case store.TypeSet:
		var m []string
		m, err = b.SMembers(ctx, k)
		slices.Sort(m)
		v = m
	}
	require.NoError(t, err)
	return []any{typ, v, ttl}
}
