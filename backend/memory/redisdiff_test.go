package memory_test

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/mimeiapify/store"
	"github.com/mimeiapify/store/backend/memory"
	"github.com/mimeiapify/store/internal/glob"
	"github.com/mimeiapify/store/internal/rediserr"
	"github.com/mimeiapify/store/internal/testenv"
	"github.com/redis/go-redis/v9"
	"github.com/stretchr/testify/require"
)

// TestAgreesWithRedis runs the same random calls against the memory
// backend and a real Redis server (STORE_TEST_REDIS_URL) and requires the
// same answers, errors included. The Redis keys live under a prefix of
// their own and are deleted at the end, so the server may be shared.
func TestAgreesWithRedis(t *testing.T) {
	opt, err := redis.ParseURL(testenv.Server(t, testenv.RedisURL))
	require.NoError(t, err)
	rdb := redis.NewClient(opt)
	t.Cleanup(func() { _ = rdb.Close() })
	ctx := context.Background()
	require.NoError(t, rdb.Ping(ctx).Err())

	d := &differ{
		t: t, ctx: ctx, rdb: rdb, mem: newBackend(t, nil),
		prefix: fmt.Sprintf("memdiff:%d:", time.Now().UnixNano()),
		rnd:    rand.New(rand.NewPCG(1, 2)),
	}
	t.Cleanup(d.cleanup)
	for step := range 20000 {
		d.step = step
		d.one()
	}
}

type differ struct {
	t      *testing.T
	ctx    context.Context
	rdb    *redis.Client
	mem    *memory.Backend
	prefix string
	rnd    *rand.Rand
	step   int
}

var (
	diffKeys   = []string{"a", "b", "c", "*", ""}
	diffFields = []string{"f", "g", "h", ""}
	diffValues = []string{"0", "1", "-3", "12", "abc", "", "1.5", "01", "+1", " 1", "9223372036854775807",
		"-9223372036854775808", "1e3", "inf", "10.50"}
	diffDeltas = []int64{0, 1, -1, 7, 1 << 62, -(1 << 62), 9223372036854775807, -9223372036854775808}
	diffFloats = []float64{0, 1.5, -0.1, 0.1, 1e300, -3, 5.0e-324}
)

func (d *differ) pick(from []string) string { return from[d.rnd.IntN(len(from))] }

func (d *differ) some(from []string) []string {
	out := make([]string, 1+d.rnd.IntN(3))
	for i := range out {
		out[i] = d.pick(from)
	}
	return out
}

func (d *differ) cleanup() {
	var keys []string
	iter := d.rdb.Scan(d.ctx, 0, glob.Escape(d.prefix)+"*", 1000).Iterator()
	for iter.Next(d.ctx) {
		keys = append(keys, iter.Val())
	}
	if len(keys) > 0 {
		d.rdb.Del(d.ctx, keys...)
	}
}

// same requires that both answers and both error classes agree.
func (d *differ) same(call string, mem any, memErr error, red any, redErr error) {
	d.t.Helper()
	mc, rc := errClass(memErr), errClass(rediserr.Map(redErr))
	if mc == "ok" && rc == "ok" {
		require.Equal(d.t, fmt.Sprint(red), fmt.Sprint(mem), "step %d: %s", d.step, call)
		return
	}
	require.Equal(d.t, rc, mc, "step %d: %s (memory: %v; redis: %v)", d.step, call, memErr, redErr)
}

func errClass(err error) string {
	for _, s := range []error{store.ErrNotFound, store.ErrWrongType, store.ErrNotInteger, store.ErrNotFloat, store.ErrOverflow} {
		if errors.Is(err, s) {
			return s.Error()
		}
	}
	if errors.Is(err, redis.Nil) {
		return store.ErrNotFound.Error()
	}
	if err != nil {
		return "other: " + err.Error()
	}
	return "ok"
}

// key picks a key: mostly one kept for the area's type, so that values
// grow, sometimes one shared by every area, to meet the wrong types.
func (d *differ) key(own string) (k, rk string) {
	k = d.pick(diffKeys)
	if d.rnd.IntN(10) < 7 {
		k = own + d.pick([]string{"1", "2"})
	}
	return k, d.prefix + k
}

func (d *differ) one() {
	ctx, r := d.ctx, d.rdb
	switch d.rnd.IntN(12) {
	case 0, 1:
		d.strings(d.key("n"))
	case 2, 3:
		d.hashes(d.key("h"))
	case 4, 5:
		d.lists(d.key("l"))
	case 6, 7:
		d.sets(d.key("s"))
	case 8, 9:
		d.keys(d.key(d.pick([]string{"n", "h", "l", "s"})))
	case 10:
		pat := d.pick([]string{"*", "a", "?", "[a-b]", "[^a]", "\\*", "*1", "h?", "[hl]*", ""})
		var mem []string
		for key, err := range d.mem.Scan(ctx, pat) {
			require.NoError(d.t, err)
			mem = append(mem, key)
		}
		var red []string
		iter := r.Scan(ctx, 0, glob.Escape(d.prefix)+pat, 3).Iterator()
		for iter.Next(ctx) {
			red = append(red, iter.Val()[len(d.prefix):])
		}
		slices.Sort(mem)
		slices.Sort(red)
		d.same("scan "+pat, mem, nil, red, iter.Err())
	default:
		k, rk := d.key("n")
		v := d.pick(diffValues)
		d.same("set", nil, d.mem.Set(ctx, k, v, 0), nil, r.Set(ctx, rk, v, 0).Err())
	}
}

func (d *differ) strings(k, rk string) {
	ctx, r := d.ctx, d.rdb
	switch d.rnd.IntN(3) {
	case 0:
		m, err := d.mem.Get(ctx, k)
		v, rerr := r.Get(ctx, rk).Result()
		d.same("get", m, err, v, rerr)
	case 1:
		delta := diffDeltas[d.rnd.IntN(len(diffDeltas))]
		m, err := d.mem.IncrBy(ctx, k, delta)
		v, rerr := r.IncrBy(ctx, rk, delta).Result()
		d.same("incrby "+strconv.FormatInt(delta, 10), m, err, v, rerr)
	default:
		v := d.pick(diffValues)
		m, err := d.mem.SetNX(ctx, k, v, time.Hour)
		rv, rerr := r.SetNX(ctx, rk, v, time.Hour).Result()
		d.same("setnx", m, err, rv, rerr)
	}
}

func (d *differ) keys(k, rk string) {
	ctx, r := d.ctx, d.rdb
	switch d.rnd.IntN(6) {
	case 0:
		m, err := d.mem.Del(ctx, k)
		v, rerr := r.Del(ctx, rk).Result()
		d.same("del", m, err, v, rerr)
	case 1:
		m, err := d.mem.Type(ctx, k)
		v, rerr := r.Type(ctx, rk).Result()
		d.same("type", m, err, v, rerr)
	case 2:
		m, err := d.mem.Expire(ctx, k, time.Hour)
		v, rerr := r.Expire(ctx, rk, time.Hour).Result()
		d.same("expire", m, err, v, rerr)
	case 3:
		m, err := d.mem.Persist(ctx, k)
		v, rerr := r.Persist(ctx, rk).Result()
		d.same("persist", m, err, v, rerr)
	case 4:
		m, err := d.mem.TTL(ctx, k)
		v, rerr := r.PTTL(ctx, rk).Result()
		if rerr == nil && v == -2 {
			rerr = redis.Nil
		}
		d.same("ttl", m > 0, err, v > 0, rerr)
		if err == nil && m > 0 {
			require.InDelta(d.t, float64(v), float64(m), float64(time.Second), "step %d: ttl", d.step)
		}
	default:
		other := d.pick(diffKeys)
		m, err := d.mem.Exists(ctx, k, other, k)
		v, rerr := r.Exists(ctx, rk, d.prefix+other, rk).Result()
		d.same("exists", m, err, v, rerr)
	}
}
