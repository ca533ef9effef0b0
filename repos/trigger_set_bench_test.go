package repos_test

import (
	"context"
	"fmt"
	"os"
	"testing"
	"time"

	goredis "github.com/redis/go-redis/v9"
	"github.com/stretchr/testify/require"

	"github.com/mimeiapify/store/backend/redis"
	"github.com/mimeiapify/store/internal/testenv"
	"github.com/mimeiapify/store/repos"
)

// setRoundCalls is how many calls each contender makes per round of
// BenchmarkTriggerSetVsRaw.
const setRoundCalls = 2000

// BenchmarkTriggerSetVsRaw times Triggers.Set on the redis backend against
// the raw go-redis code doing the same job (one MULTI/EXEC of ZADD, HSET
// and PEXPIRE), sequentially, on the real Redis of STORE_TEST_REDIS_URL,
// in alternating rounds of 2,000 calls each, and reports each one's
// median µs per call and the median of the paired ratios (repos/raw).
//
//	go test -run XXX -bench TriggerSetVsRaw -benchtime 1x ./repos
func BenchmarkTriggerSetVsRaw(b *testing.B) {
	url := os.Getenv(testenv.RedisURL)
	if url == "" {
		b.Skip(testenv.RedisURL + " not set")
	}
	ctx := context.Background()
	opt, err := goredis.ParseURL(url)
	require.NoError(b, err)
	rdb := goredis.NewClient(opt)
	defer rdb.Close()
	tag := fmt.Sprintf("repos-setbench-%d:", time.Now().UnixNano())
	tr, err := repos.NewTriggers(redis.New(rdb, nil), "acme", &repos.Options{Prefix: tag})
	require.NoError(b, err)
	defer func() {
		for key, err := range redis.New(rdb, nil).Scan(ctx, tag+"*") {
			if err == nil {
				rdb.Del(ctx, key)
			}
		}
		rdb.Del(ctx, tag+"raw:due")
	}()
	ours := func(i int) error {
		return tr.Set(ctx, "remind", fmt.Sprint("chat-", i), "p", repos.WithTTL(time.Hour))
	}
	raw := func(i int) error {
		key := fmt.Sprintf("%sraw:{%d}:trg", tag, i%32)
		_, err := rdb.TxPipelined(ctx, func(p goredis.Pipeliner) error {
			p.ZAdd(ctx, fmt.Sprintf("%sraw:{%d}:due", tag, i%32), goredis.Z{Score: float64(time.Now().Add(time.Hour).UnixMilli()), Member: key})
			p.HSet(ctx, key, "due", time.Now().Add(time.Hour).Format(time.RFC3339Nano), "payload", "p")
			p.PExpire(ctx, key, 25*time.Hour)
			return nil
		})
		return err
	}
	var us, rs, ratios []float64
	for round := range drainRounds {
		run := func(f func(int) error) float64 {
			start := time.Now()
			for i := range setRoundCalls {
				require.NoError(b, f(i))
			}
			return float64(time.Since(start).Microseconds()) / setRoundCalls
		}
		var a, r float64
		if round%2 == 0 {
			a, r = run(ours), run(raw)
		} else {
			r, a = run(raw), run(ours)
		}
		us, rs, ratios = append(us, a), append(rs, r), append(ratios, a/r)
	}
	reportRounds(b, "repos-us", us)
	reportRounds(b, "raw-us", rs)
	reportRounds(b, "ratio", ratios)
}
