package redis_test

import (
	"context"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/alicebob/miniredis/v2"
	goredis "github.com/redis/go-redis/v9"
	"github.com/stretchr/testify/require"

	"github.com/mimeiapify/store"
	"github.com/mimeiapify/store/backend/redis"
	"github.com/mimeiapify/store/internal/testenv"
)

// both runs fn on a miniredis backend and, when STORE_TEST_REDIS_URL is
// set, on a real server under a fresh prefix.
func both(t *testing.T, fn func(t *testing.T, b store.Backend)) {
	t.Run("miniredis", func(t *testing.T) {
		b, _ := newMini(t)
		fn(t, b)
	})
	t.Run("redis", func(t *testing.T) {
		fn(t, realBackend(t, testenv.Server(t, testenv.RedisURL)))
	})
	t.Run("cluster", func(t *testing.T) {
		seeds := strings.Split(testenv.Server(t, testenv.RedisCluster), ",")
		fn(t, realBackend(t, clusterURL(seeds)))
	})
}

func TestErrorsMapToSentinels(t *testing.T) {
	both(t, func(t *testing.T, b store.Backend) {
		ctx := context.Background()
		require.NoError(t, b.Set(ctx, "s", "1.5", 0))
		_, err := b.IncrBy(ctx, "s", 1)
		require.ErrorIs(t, err, store.ErrNotInteger)
		require.NoError(t, b.Set(ctx, "max", strconv.FormatInt(math.MaxInt64, 10), 0))
		_, err = b.IncrBy(ctx, "max", 1)
		require.ErrorIs(t, err, store.ErrOverflow)
		_, err = b.HGet(ctx, "s", "f")
		require.ErrorIs(t, err, store.ErrWrongType)
		_, err = b.Get(ctx, "missing")
		require.ErrorIs(t, err, store.ErrNotFound)
		_, err = b.HSet(ctx, "h", map[string]string{"f": "x"})
		require.NoError(t, err)
		_, err = b.HIncrBy(ctx, "h", "f", 1)
		require.ErrorIs(t, err, store.ErrNotInteger)
		_, err = b.HIncrByFloat(ctx, "h", "f", 1)
		require.ErrorIs(t, err, store.ErrNotFloat)
		require.NoError(t, b.Set(ctx, "{g}s", "1", 0))
		err = b.Apply(ctx, &store.SetOp{Key: "{g}new", Value: "v"}, &store.RPushOp{Key: "{g}s", Values: []string{"x"}})
		require.ErrorIs(t, err, store.ErrWrongType)
		n, err := b.Exists(ctx, "{g}new")
		require.NoError(t, err)
		require.Zero(t, n, "a failed group writes nothing")
	})
}

func TestInvalidArgumentsSendNothing(t *testing.T) {
	mr := miniredis.RunT(t)
	c := goredis.NewClient(&goredis.Options{Addr: mr.Addr(), DisableIdentity: true})
	b := redis.New(c, &redis.Options{CloseClient: true})
	defer b.Close()
	ctx := context.Background()
	mr.SetError("every command fails")
	checks := map[string]error{}
	_, checks["expire0"] = b.Expire(ctx, "k", 0)
	_, checks["expireNeg"] = b.Expire(ctx, "k", -time.Second)
	checks["setNeg"] = b.Set(ctx, "k", "v", -time.Millisecond)
	_, checks["setnxNeg"] = b.SetNX(ctx, "k", "v", -time.Millisecond)
	_, checks["hset"] = b.HSet(ctx, "k", nil)
	_, checks["hmget"] = b.HMGet(ctx, "k")
	_, checks["hdel"] = b.HDel(ctx, "k")
	_, checks["rpush"] = b.RPush(ctx, "k")
	_, checks["lpush"] = b.LPush(ctx, "k")
	_, checks["sadd"] = b.SAdd(ctx, "k")
	_, checks["srem"] = b.SRem(ctx, "k")
	_, checks["lpop"] = b.LPop(ctx, "k", 0)
	checks["apply"] = b.Apply(ctx)
	for name, err := range checks {
		require.ErrorIs(t, err, store.ErrInvalidArgument, name)
	}
	for _, d := range []float64{math.NaN(), math.Inf(1), math.Inf(-1)} {
		_, err := b.HIncrByFloat(ctx, "k", "f", d)
		require.ErrorIs(t, err, store.ErrNotFloat)
	}
}

func TestClosedAndCancelled(t *testing.T) {
	mr := miniredis.RunT(t)
	c := goredis.NewClient(&goredis.Options{Addr: mr.Addr(), DisableIdentity: true})
	defer c.Close()
	b := redis.New(c, nil)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	err := b.Set(ctx, "k", "v", 0)
	require.ErrorIs(t, err, context.Canceled)
	require.False(t, mr.Exists("k"))
	require.NoError(t, b.Close())
	require.NoError(t, b.Close())
	_, err = b.Get(context.Background(), "k")
	require.ErrorIs(t, err, store.ErrClosed)
	for _, err := range b.Scan(context.Background(), "*") {
		require.ErrorIs(t, err, store.ErrClosed)
	}
	require.NoError(t, c.Ping(context.Background()).Err(), "Close leaves the caller's client open")
}

func TestConnectionErrorNamesAddress(t *testing.T) {
	c := goredis.NewClient(&goredis.Options{Addr: "127.0.0.1:1", DisableIdentity: true, MaxRetries: -1})
	b := redis.New(c, &redis.Options{CloseClient: true})
	defer b.Close()
	_, err := b.Get(context.Background(), "k")
	require.Error(t, err)
	require.Contains(t, err.Error(), "127.0.0.1:1")
}

func TestApplyFallsBackToEvalAfterScriptFlush(t *testing.T) {
	both(t, func(t *testing.T, b store.Backend) {
		ctx := context.Background()
		op := &store.IncrByOp{Key: "n", Delta: 2}
		require.NoError(t, b.Apply(ctx, op))
		flushScripts(t, b)
		require.NoError(t, b.Apply(ctx, op))
		require.Equal(t, int64(4), op.Result)
		flushScripts(t, b)
		err := b.Update(ctx, []string{"n"}, func(r store.Reader) ([]store.Op, error) {
			v, err := r.Get(ctx, "n")
			require.NoError(t, err)
			require.Equal(t, "4", v)
			return []store.Op{&store.SetOp{Key: "n", Value: "10"}}, nil
		})
		require.NoError(t, err)
		v, err := b.Get(ctx, "n")
		require.NoError(t, err)
		require.Equal(t, "10", v)
	})
}

// flushScripts empties the script cache of the server under b: through
// its client, or, for a prefixed real backend, a client of its own.
func flushScripts(t *testing.T, b store.Backend) {
	t.Helper()
	ctx := context.Background()
	if x, ok := b.(interface {
		Client() goredis.UniversalClient
	}); ok {
		require.NoError(t, x.Client().ScriptFlush(ctx).Err())
		return
	}
	if strings.HasSuffix(t.Name(), "/cluster") {
		seeds := strings.Split(testenv.Server(t, testenv.RedisCluster), ",")
		cc := goredis.NewClusterClient(&goredis.ClusterOptions{Addrs: seeds, DisableIdentity: true})
		defer cc.Close()
		require.NoError(t, cc.ForEachMaster(ctx, func(ctx context.Context, c *goredis.Client) error {
			return c.ScriptFlush(ctx).Err()
		}))
		return
	}
	opt, err := goredis.ParseURL(testenv.Server(t, testenv.RedisURL))
	require.NoError(t, err)
	opt.DisableIdentity = true
	c := goredis.NewClient(opt)
	defer c.Close()
	require.NoError(t, c.ScriptFlush(ctx).Err())
}

func TestUpdateRetriesOnConflictThenGivesUp(t *testing.T) {
	both(t, func(t *testing.T, b store.Backend) {
		ctx := context.Background()
		err := b.Apply(ctx, &store.IncrByOp{Key: "c", Delta: 1}) // loads the script
		require.NoError(t, err)
		calls := 0
		err = b.Update(ctx, []string{"c"}, func(r store.Reader) ([]store.Op, error) {
			calls++
			_, err := r.Get(ctx, "c")
			require.NoError(t, err)
			if calls < 3 {
				_, err = b.IncrBy(ctx, "c", 1) // a concurrent writer
				require.NoError(t, err)
			}
			return []store.Op{&store.IncrByOp{Key: "c", Delta: 10}}, nil
		})
		require.NoError(t, err)
		require.Equal(t, 3, calls)
		v, _ := b.Get(ctx, "c")
		require.Equal(t, "13", v)
		calls = 0
		err = b.Update(ctx, []string{"c"}, func(r store.Reader) ([]store.Op, error) {
			calls++
			_, _ = r.Get(ctx, "c")
			_, _ = b.IncrBy(ctx, "c", 1)
			return []store.Op{&store.SetOp{Key: "c", Value: "lost"}}, nil
		})
		require.ErrorIs(t, err, store.ErrConflict)
		require.Equal(t, store.MaxUpdateAttempts, calls)
		sentinel := errors.New("mine")
		err = b.Update(ctx, []string{"c"}, func(store.Reader) ([]store.Op, error) { return nil, sentinel })
		require.Equal(t, sentinel, err, "fn's error is returned as is")
	})
}

func TestUpdateConcurrentIncrementsAllLand(t *testing.T) {
	both(t, func(t *testing.T, b store.Backend) {
		ctx := context.Background()
		var wg sync.WaitGroup
		for range 8 {
			wg.Go(func() {
				for range 10 {
					err := b.Update(ctx, []string{"ctr"}, func(r store.Reader) ([]store.Op, error) {
						v, err := r.Get(ctx, "ctr")
						if errors.Is(err, store.ErrNotFound) {
							v, err = "0", nil
						}
						if err != nil {
							return nil, err
						}
						n, _ := strconv.Atoi(v)
						return []store.Op{&store.SetOp{Key: "ctr", Value: strconv.Itoa(n + 1)}}, nil
					})
					require.NoError(t, err)
				}
			})
		}
		wg.Wait()
		v, err := b.Get(ctx, "ctr")
		require.NoError(t, err)
		require.Equal(t, "80", v)
	})
}

func TestScanManyKeysEachOnce(t *testing.T) {
	both(t, func(t *testing.T, b store.Backend) {
		ctx := context.Background()
		want := map[string]bool{}
		for i := range 3000 {
			k := fmt.Sprintf("k:%d", i)
			want[k] = true
			require.NoError(t, b.Set(ctx, k, "v", 0))
		}
		require.NoError(t, b.Set(ctx, "other", "v", 0))
		got := map[string]bool{}
		for k, err := range b.Scan(ctx, "k:*") {
			require.NoError(t, err)
			require.False(t, got[k], "key %q yielded twice", k)
			got[k] = true
		}
		require.Equal(t, want, got)
		n := 0
		for _, err := range b.Scan(ctx, "k:*") {
			require.NoError(t, err)
			if n++; n == 5 {
				break
			}
		}
		require.Equal(t, 5, n)
	})
}

func TestTTLMillisecondPrecision(t *testing.T) {
	both(t, func(t *testing.T, b store.Backend) {
		ctx := context.Background()
		require.NoError(t, b.Set(ctx, "k", "v", 1500*time.Millisecond+100*time.Microsecond))
		ttl, err := b.TTL(ctx, "k")
		require.NoError(t, err)
		require.True(t, ttl > 1400*time.Millisecond && ttl <= 1501*time.Millisecond, ttl)
		ok, err := b.Expire(ctx, "k", time.Hour)
		require.NoError(t, err)
		require.True(t, ok)
		ttl, _ = b.TTL(ctx, "k")
		require.True(t, ttl > time.Hour-time.Second && ttl <= time.Hour, ttl)
		ok, err = b.Persist(ctx, "k")
		require.NoError(t, err)
		require.True(t, ok)
		ttl, err = b.TTL(ctx, "k")
		require.NoError(t, err)
		require.Equal(t, store.NoExpiry, ttl)
		_, err = b.TTL(ctx, "nope")
		require.ErrorIs(t, err, store.ErrNotFound)
	})
}
