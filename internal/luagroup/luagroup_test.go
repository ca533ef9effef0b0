package luagroup_test

import (
	"context"
	"fmt"
	"math"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/alicebob/miniredis/v2"
	"github.com/redis/go-redis/v9"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/mimeiapify/store"
	"github.com/mimeiapify/store/internal/luagroup"
	"github.com/mimeiapify/store/internal/redisnum"
	"github.com/mimeiapify/store/internal/testenv"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// server is one Redis-like server the script runs on.
type server struct {
	c    *redis.Client
	real bool // a real Redis: its own INCRBY is the oracle too
	pre  string
}

// servers returns miniredis and, when STORE_TEST_REDIS_URL is set, a real
// server, each under a fresh key prefix.
func servers(t *testing.T) map[string]server {
	t.Helper()
	mr := miniredis.RunT(t)
	mc := redis.NewClient(&redis.Options{Addr: mr.Addr(), DisableIdentity: true})
	t.Cleanup(func() { _ = mc.Close() })
	out := map[string]server{"miniredis": {c: mc, pre: "t:"}}
	t.Run("real", func(t *testing.T) {
		u := testenv.Server(t, testenv.RedisURL)
		opt, err := redis.ParseURL(u)
		require.NoError(t, err)
		opt.DisableIdentity = true
		c := redis.NewClient(opt)
		pre := fmt.Sprintf("luagroup-%d:", time.Now().UnixNano())
		out["redis"] = server{c: c, real: true, pre: pre}
	})
	if s, ok := out["redis"]; ok {
		t.Cleanup(func() { cleanup(s); _ = s.c.Close() })
	}
	return out
}

func cleanup(s server) {
	ctx := context.Background()
	iter := s.c.Scan(ctx, 0, s.pre+"*", 1000).Iterator()
	for iter.Next(ctx) {
		s.c.Del(ctx, iter.Val())
	}
}

// apply runs ops as one group with the script, as a backend does.
func apply(ctx context.Context, c *redis.Client, ops ...store.Op) error {
	checks, err := store.CheckGroup(ops)
	if err != nil {
		return err
	}
	keys, args, err := luagroup.Encode(ops, checks)
	if err != nil {
		return err
	}
	anyArgs := make([]any, len(args))
	for i, a := range args {
		anyArgs[i] = a
	}
	reply, err := redis.NewScript(luagroup.Script).Run(ctx, c, keys, anyArgs...).StringSlice()
	if err != nil {
		return err
	}
	return luagroup.Decode(ops, reply)
}

func TestSHA1MatchesScriptLoad(t *testing.T) {
	for name, s := range servers(t) {
		t.Run(name, func(t *testing.T) {
			sha, err := s.c.ScriptLoad(context.Background(), luagroup.Script).Result()
			require.NoError(t, err)
			require.Equal(t, sha, luagroup.SHA1)
		})
	}
}

var intValues = []string{
	"0", "1", "-1", "12", "01", "00", "-0", "+1", " 1", "1 ", "1.0", "", "abc", "1\x00",
	"9223372036854775807", "-9223372036854775808", "9223372036854775806", "-9223372036854775807",
	"9223372036854775808", "-9223372036854775809", "9999999999999999999", "12345678901234567890",
	"999999999", "1000000000", "-999999999", "-1000000000", "4611686018427387904",
}

var intDeltas = []int64{
	0, 1, -1, 2, -2, 999999999, -999999999, 1000000000, -1000000000,
	math.MaxInt64, math.MinInt64, math.MaxInt64 - 1, math.MinInt64 + 1, 1 << 62, -(1 << 62),
}

// wantIncr is what Redis answers to an increment of cur by delta.
func wantIncr(cur string, delta int64) (string, string) {
	n, ok := redisnum.ParseInt(cur)
	if !ok {
		return "", "ERR value is not an integer or out of range"
	}
	sum, ok := redisnum.AddInt(n, delta)
	if !ok {
		return "", "ERR increment or decrement would overflow"
	}
	return strconv.FormatInt(sum, 10), ""
}

func errText(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

func TestIncrChecksMatchRedis(t *testing.T) {
	ctx := context.Background()
	for name, s := range servers(t) {
		t.Run(name, func(t *testing.T) {
			for i, v := range intValues {
				for j, d := range intDeltas {
					k := fmt.Sprintf("%sincr:%d:%d", s.pre, i, j)
					require.NoError(t, s.c.Set(ctx, k, v, 0).Err())
					require.NoError(t, s.c.HSet(ctx, k+":h", "f", v).Err())
					other := k + ":other"
					op := &store.IncrByOp{Key: k, Delta: d}
					hop := &store.HIncrByOp{Key: k + ":h", Field: "f", Delta: d}
					err := apply(ctx, s.c, &store.SetOp{Key: other, Value: "x"}, op, hop)
					want, wantErr := wantIncr(v, d)
					msg := fmt.Sprintf("value %q delta %d", v, d)
					require.Equal(t, wantErr, errText(err), msg)
					got, _ := s.c.Get(ctx, k).Result()
					hgot, _ := s.c.HGet(ctx, k+":h", "f").Result()
					if wantErr != "" {
						require.Equal(t, v, got, msg+": a failing check wrote nothing")
						require.Equal(t, v, hgot, msg)
						require.Zero(t, s.c.Exists(ctx, other).Val(), msg)
					} else {
						require.Equal(t, want, got, msg)
						require.Equal(t, want, hgot, msg)
						require.Equal(t, want, strconv.FormatInt(op.Result, 10), msg)
						require.Equal(t, want, strconv.FormatInt(hop.Result, 10), msg)
					}
					if s.real {
						compareWithServer(t, ctx, s, k, v, d, wantErr)
					}
				}
			}
		})
	}
}

// compareWithServer checks the oracle against the server's own INCRBY.
func compareWithServer(t *testing.T, ctx context.Context, s server, k, v string, d int64, wantErr string) {
	t.Helper()
	ref := k + ":ref"
	require.NoError(t, s.c.Set(ctx, ref, v, 0).Err())
	_, err := s.c.IncrBy(ctx, ref, d).Result()
	require.Equal(t, wantErr, errText(err), "server INCRBY of %q by %d", v, d)
	require.NoError(t, s.c.HSet(ctx, ref+":h", "f", v).Err())
	_, err = s.c.HIncrBy(ctx, ref+":h", "f", d).Result()
	if wantErr == "ERR value is not an integer or out of range" {
		wantErr = "ERR hash value is not an integer"
	}
	require.Equal(t, wantErr, errText(err), "server HINCRBY of %q by %d", v, d)
}

func TestMissingIncrementsStartAtZero(t *testing.T) {
	ctx := context.Background()
	for name, s := range servers(t) {
		t.Run(name, func(t *testing.T) {
			op := &store.IncrByOp{Key: s.pre + "n", Delta: math.MinInt64}
			hop := &store.HIncrByOp{Key: s.pre + "h", Field: "f", Delta: math.MaxInt64}
			require.NoError(t, apply(ctx, s.c, op, hop))
			require.Equal(t, int64(math.MinInt64), op.Result)
			require.Equal(t, int64(math.MaxInt64), hop.Result)
		})
	}
}

func TestTypeCheckWritesNothing(t *testing.T) {
	ctx := context.Background()
	for name, s := range servers(t) {
		t.Run(name, func(t *testing.T) {
			for _, tc := range []struct {
				setup func(k string)
				op    func(k string) store.Op
			}{
				{func(k string) { s.c.RPush(ctx, k, "a") }, func(k string) store.Op { return &store.HSetOp{Key: k, Fields: map[string]string{"f": "v"}} }},
				{func(k string) { s.c.HSet(ctx, k, "f", "v") }, func(k string) store.Op { return &store.IncrByOp{Key: k, Delta: 1} }},
				{func(k string) { s.c.Set(ctx, k, "1", 0) }, func(k string) store.Op { return &store.SAddOp{Key: k, Members: []string{"m"}} }},
				{func(k string) { s.c.SAdd(ctx, k, "m") }, func(k string) store.Op { return &store.RPushOp{Key: k, Values: []string{"m"}} }},
				{func(k string) { s.c.ZAdd(ctx, k, redis.Z{Member: "m"}) }, func(k string) store.Op { return &store.HGetAllOp{Key: k} }},
			} {
				k, other := s.pre+"typed", s.pre+"other"
				s.c.Del(ctx, k, other)
				tc.setup(k)
				err := apply(ctx, s.c, &store.SetOp{Key: other, Value: "v"}, &store.RPushOp{Key: other + "l", Values: []string{"x"}}, tc.op(k))
				require.Error(t, err)
				require.True(t, strings.HasPrefix(err.Error(), "WRONGTYPE"), err.Error())
				require.Zero(t, s.c.Exists(ctx, other, other+"l").Val())
			}
		})
	}
}

func TestOpsApplyInOrder(t *testing.T) {
	ctx := context.Background()
	for name, s := range servers(t) {
		t.Run(name, func(t *testing.T) {
			k := s.pre
			big := make(map[string]string, 3000)
			vals := make([]string, 2500)
			for i := range 3000 {
				big[strconv.Itoa(i)] = "v" + strconv.Itoa(i)
			}
			for i := range vals {
				vals[i] = strconv.Itoa(i)
			}
			s.c.Set(ctx, k+"old", "x", time.Hour)
			s.c.HSet(ctx, k+"h", "gone", "1", "keep", "2")
			read := &store.HGetAllOp{Key: k + "h"}
			missing := &store.HGetAllOp{Key: k + "none"}
			bigRead := &store.HGetAllOp{Key: k + "big"}
			err := apply(ctx, s.c,
				&store.SetOp{Key: k + "s", Value: "v\x00*", TTL: 10*time.Second + 500*time.Microsecond},
				&store.PersistOp{Key: k + "old"},
				&store.ExpireOp{Key: k + "old", TTL: time.Minute},
				&store.HDelOp{Key: k + "h", Fields: []string{"gone"}},
				&store.HSetOp{Key: k + "h", Fields: map[string]string{"new": "3", "": ""}},
				read, missing,
				&store.HSetOp{Key: k + "big", Fields: big}, bigRead,
				&store.LPushOp{Key: k + "l", Values: vals},
				&store.RPushOp{Key: k + "l", Values: []string{"end"}},
				&store.LTrimOp{Key: k + "l", Start: 0, Stop: 2},
				&store.SAddOp{Key: k + "set", Members: vals},
				&store.SRemOp{Key: k + "set", Members: vals[1:]},
				&store.SetOp{Key: k + "gone", Value: "x"},
				&store.DelOp{Key: k + "gone"},
			)
			require.NoError(t, err)
			require.Equal(t, "v\x00*", s.c.Get(ctx, k+"s").Val())
			stl := s.c.PTTL(ctx, k+"s").Val()
			require.True(t, stl > 9*time.Second && stl <= 10001*time.Millisecond, stl)
			ttl := s.c.PTTL(ctx, k+"old").Val()
			require.True(t, ttl > 59*time.Second && ttl <= time.Minute, ttl)
			require.Equal(t, map[string]string{"keep": "2", "new": "3", "": ""}, read.Result)
			require.Equal(t, map[string]string{}, missing.Result)
			require.Equal(t, big, bigRead.Result)
			require.Equal(t, []string{"2499", "2498", "2497"}, s.c.LRange(ctx, k+"l", 0, -1).Val())
			require.Equal(t, []string{"0"}, s.c.SMembers(ctx, k+"set").Val())
			require.Zero(t, s.c.Exists(ctx, k+"gone").Val())
		})
	}
}

func TestEncodeKeysAreDistinctInOrder(t *testing.T) {
	ops := []store.Op{&store.SetOp{Key: "b"}, &store.HSetOp{Key: "a", Fields: map[string]string{"f": "v"}}, &store.DelOp{Key: "b"}}
	checks, err := store.CheckGroup(ops)
	require.NoError(t, err)
	keys, args, err := luagroup.Encode(ops, checks)
	require.NoError(t, err)
	require.Equal(t, []string{"b", "a"}, keys)
	require.Equal(t, []string{"1", "2", "hash", "0", "3", "set", "1", "0", "", "hset", "2", "2", "f", "v", "del", "1"}, args)
}

func TestEncodeRejectsNilOp(t *testing.T) {
	_, _, err := luagroup.Encode([]store.Op{nil}, store.GroupChecks{})
	require.ErrorIs(t, err, store.ErrInvalidArgument)
}

func TestDecodeRejectsMalformedReplies(t *testing.T) {
	for _, reply := range [][]string{
		{}, {"x"}, {"1", "2"}, {"1", "-1"}, {"1", "1", "f"}, {"1", "0", "extra"},
	} {
		ops := []store.Op{&store.IncrByOp{Key: "k"}, &store.HGetAllOp{Key: "h"}}
		require.Error(t, luagroup.Decode(ops, reply), "%q", reply)
	}
	ops := []store.Op{&store.IncrByOp{Key: "k"}, &store.HGetAllOp{Key: "h"}}
	require.NoError(t, luagroup.Decode(ops, []string{"-5", "1", "f", "v"}))
	require.Equal(t, int64(-5), ops[0].(*store.IncrByOp).Result)
	require.Equal(t, map[string]string{"f": "v"}, ops[1].(*store.HGetAllOp).Result)
}
