package memory_test

import (
	"errors"
	"fmt"
	"slices"

	"github.com/redis/go-redis/v9"
)

func (d *differ) hashes(k, rk string) {
	ctx, r := d.ctx, d.rdb
	f := d.pick(diffFields)
	switch d.rnd.IntN(9) {
	case 0, 1:
		fields := map[string]string{}
		for _, g := range d.some(diffFields) {
			fields[g] = d.pick(diffValues)
		}
		m, err := d.mem.HSet(ctx, k, fields)
		v, rerr := r.HSet(ctx, rk, fields).Result()
		d.same("hset", m, err, v, rerr)
	case 2:
		m, err := d.mem.HGet(ctx, k, f)
		v, rerr := r.HGet(ctx, rk, f).Result()
		d.same("hget", m, err, v, rerr)
	case 3:
		fields := d.some(diffFields)
		m, err := d.mem.HMGet(ctx, k, fields...)
		vs, rerr := r.HMGet(ctx, rk, fields...).Result()
		red := map[string]string{}
		for i, v := range vs {
			if v != nil {
				red[fields[i]] = v.(string)
			}
		}
		d.same("hmget", m, err, red, rerr)
	case 4:
		m, err := d.mem.HGetAll(ctx, k)
		v, rerr := r.HGetAll(ctx, rk).Result()
		d.same("hgetall", m, err, v, rerr)
	case 5:
		fields := d.some(diffFields)
		m, err := d.mem.HDel(ctx, k, fields...)
		v, rerr := r.HDel(ctx, rk, fields...).Result()
		d.same("hdel", m, err, v, rerr)
	case 6:
		delta := diffDeltas[d.rnd.IntN(len(diffDeltas))]
		m, err := d.mem.HIncrBy(ctx, k, f, delta)
		v, rerr := r.HIncrBy(ctx, rk, f, delta).Result()
		d.same(fmt.Sprint("hincrby ", delta), m, err, v, rerr)
	case 7:
		delta := diffFloats[d.rnd.IntN(len(diffFloats))]
		m, err := d.mem.HIncrByFloat(ctx, k, f, delta)
		v, rerr := r.HIncrByFloat(ctx, rk, f, delta).Result()
		d.same(fmt.Sprint("hincrbyfloat ", delta), m, err, v, rerr)
	default:
		m, err := d.mem.HLen(ctx, k)
		v, rerr := r.HLen(ctx, rk).Result()
		d.same("hlen", m, err, v, rerr)
		b, err := d.mem.HExists(ctx, k, f)
		rb, rerr := r.HExists(ctx, rk, f).Result()
		d.same("hexists", b, err, rb, rerr)
	}
}

func (d *differ) lists(k, rk string) {
	ctx, r := d.ctx, d.rdb
	start, stop := int64(d.rnd.IntN(13)-6), int64(d.rnd.IntN(13)-6)
	switch d.rnd.IntN(6) {
	case 0:
		vs := d.some(diffValues)
		m, err := d.mem.RPush(ctx, k, vs...)
		v, rerr := r.RPush(ctx, rk, anys(vs)...).Result()
		d.same("rpush", m, err, v, rerr)
	case 1:
		vs := d.some(diffValues)
		m, err := d.mem.LPush(ctx, k, vs...)
		v, rerr := r.LPush(ctx, rk, anys(vs)...).Result()
		d.same("lpush", m, err, v, rerr)
	case 2:
		m, err := d.mem.LRange(ctx, k, start, stop)
		v, rerr := r.LRange(ctx, rk, start, stop).Result()
		d.same(fmt.Sprint("lrange ", start, stop), m, err, v, rerr)
	case 3:
		err := d.mem.LTrim(ctx, k, start, stop)
		rerr := r.LTrim(ctx, rk, start, stop).Err()
		d.same(fmt.Sprint("ltrim ", start, stop), nil, err, nil, rerr)
	case 4:
		n := 1 + d.rnd.IntN(3)
		m, err := d.mem.LPop(ctx, k, n)
		v, rerr := r.LPopCount(ctx, rk, n).Result()
		if errors.Is(rerr, redis.Nil) {
			v, rerr = []string{}, nil
		}
		d.same(fmt.Sprint("lpop ", n), m, err, v, rerr)
	default:
		m, err := d.mem.LLen(ctx, k)
		v, rerr := r.LLen(ctx, rk).Result()
		d.same("llen", m, err, v, rerr)
	}
}

func (d *differ) sets(k, rk string) {
	ctx, r := d.ctx, d.rdb
	switch d.rnd.IntN(5) {
	case 0, 1:
		ms := d.some(diffValues)
		m, err := d.mem.SAdd(ctx, k, ms...)
		v, rerr := r.SAdd(ctx, rk, anys(ms)...).Result()
		d.same("sadd", m, err, v, rerr)
	case 2:
		ms := d.some(diffValues)
		m, err := d.mem.SRem(ctx, k, ms...)
		v, rerr := r.SRem(ctx, rk, anys(ms)...).Result()
		d.same("srem", m, err, v, rerr)
	case 3:
		m, err := d.mem.SMembers(ctx, k)
		v, rerr := r.SMembers(ctx, rk).Result()
		slices.Sort(m)
		slices.Sort(v)
		d.same("smembers", m, err, v, rerr)
	default:
		member := d.pick(diffValues)
		m, err := d.mem.SIsMember(ctx, k, member)
		v, rerr := r.SIsMember(ctx, rk, member).Result()
		d.same("sismember", m, err, v, rerr)
		n, err := d.mem.SCard(ctx, k)
		rn, rerr := r.SCard(ctx, rk).Result()
		d.same("scard", n, err, rn, rerr)
	}
}

func anys(ss []string) []any {
	out := make([]any, len(ss))
	for i, s := range ss {
		out[i] = s
	}
	return out
}
