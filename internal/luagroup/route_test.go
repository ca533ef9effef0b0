package luagroup_test

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/stretchr/testify/require"

	"github.com/mimeiapify/store"
	"github.com/mimeiapify/store/internal/luagroup"
)

// applyRouted runs ops the way luagroup.Choose routes them, as a backend
// does, and returns the route taken.
func applyRouted(ctx context.Context, c *redis.Client, ops ...store.Op) (luagroup.Route, error) {
	checks, err := store.CheckGroup(ops)
	if err != nil {
		return 0, err
	}
	route := luagroup.Choose(ops, checks)
	switch route {
	case luagroup.RouteShape:
		s, keys, args, err := luagroup.EncodeShape(ops, checks)
		if err != nil {
			return route, err
		}
		anyArgs := make([]any, len(args))
		for i, a := range args {
			anyArgs[i] = a
		}
		reply, err := redis.NewScript(s.Src).Run(ctx, c, keys, anyArgs...).StringSlice()
		if err != nil {
			return route, err
		}
		return route, luagroup.Decode(ops, reply)
	case luagroup.RouteMulti:
		cmds, err := luagroup.Commands(ops)
		if err != nil {
			return route, err
		}
		_, err = c.TxPipelined(ctx, func(p redis.Pipeliner) error {
			for _, cmd := range cmds {
				args := make([]any, len(cmd))
				for i, a := range cmd {
					args[i] = a
				}
				p.Do(ctx, args...)
			}
			return nil
		})
		return route, err
	}
	return route, apply(ctx, c, ops...)
}

// routeCase is a group built on a key k (and k+":2"), with the route
// Choose must give it.
type routeCase struct {
	name  string
	route luagroup.Route
	ops   func(k string) []store.Op
}

var routeCases = []routeCase{
	{"hset+pexpire", luagroup.RouteShape, func(k string) []store.Op {
		return []store.Op{&store.HSetOp{Key: k, Fields: map[string]string{"b": "2", "a": "1"}}, &store.ExpireOp{Key: k, TTL: time.Minute}}
	}},
	{"hset+persist", luagroup.RouteShape, func(k string) []store.Op {
		return []store.Op{&store.HSetOp{Key: k, Fields: map[string]string{"f": "v"}}, &store.PersistOp{Key: k}}
	}},
	{"hset", luagroup.RouteShape, func(k string) []store.Op {
		return []store.Op{&store.HSetOp{Key: k, Fields: map[string]string{"f": "v"}}}
	}},
	{"hdel+pexpire", luagroup.RouteShape, func(k string) []store.Op {
		return []store.Op{&store.HDelOp{Key: k, Fields: []string{"f", "g"}}, &store.ExpireOp{Key: k, TTL: time.Minute}}
	}},
	{"rpush+pexpirenx", luagroup.RouteShape, func(k string) []store.Op {
		return []store.Op{&store.RPushOp{Key: k, Values: []string{"x", "y"}}, &store.ExpireOp{Key: k, TTL: time.Hour, NX: true}}
	}},
	{"lpush", luagroup.RouteShape, func(k string) []store.Op {
		return []store.Op{&store.LPushOp{Key: k, Values: []string{"x", "y"}}}
	}},
	{"sadd+pexpire", luagroup.RouteShape, func(k string) []store.Op {
		return []store.Op{&store.SAddOp{Key: k, Members: []string{"m", "n"}}, &store.ExpireOp{Key: k, TTL: time.Minute}}
	}},
	{"srem+persist", luagroup.RouteShape, func(k string) []store.Op {
		return []store.Op{&store.SRemOp{Key: k, Members: []string{"m"}}, &store.PersistOp{Key: k}}
	}},
	{"incrby+pexpirenx", luagroup.RouteShape, func(k string) []store.Op {
		return []store.Op{&store.IncrByOp{Key: k, Delta: 3}, &store.ExpireOp{Key: k, TTL: time.Minute, NX: true}}
	}},
	{"sadd+pexpiregt", luagroup.RouteShape, func(k string) []store.Op {
		return []store.Op{&store.SAddOp{Key: k, Members: []string{"m"}}, &store.ExpireOp{Key: k, TTL: 2 * time.Hour, GT: true}}
	}},
	{"hset+pexpiregt shorter", luagroup.RouteShape, func(k string) []store.Op {
		return []store.Op{&store.HSetOp{Key: k, Fields: map[string]string{"f": "v"}}, &store.ExpireOp{Key: k, TTL: time.Minute, GT: true}}
	}},
	{"sadd+pexpirenx+pexpiregt", luagroup.RouteShape, func(k string) []store.Op {
		return []store.Op{&store.SAddOp{Key: k, Members: []string{"m"}}, &store.ExpireOp{Key: k, TTL: 2 * time.Hour, NX: true}, &store.ExpireOp{Key: k, TTL: 2 * time.Hour, GT: true}}
	}},
	{"sadd+pexpirenx+pexpiregt longer", luagroup.RouteShape, func(k string) []store.Op {
		return []store.Op{&store.SAddOp{Key: k, Members: []string{"m"}}, &store.ExpireOp{Key: k, TTL: time.Hour, NX: true}, &store.ExpireOp{Key: k, TTL: 2 * time.Hour, GT: true}}
	}},
	{"set+pexpiregt", luagroup.RouteMulti, func(k string) []store.Op {
		return []store.Op{&store.SetOp{Key: k, Value: "v", TTL: time.Minute}, &store.ExpireOp{Key: k + ":2", TTL: 2 * time.Hour, GT: true}}
	}},
	{"incrby max", luagroup.RouteShape, func(k string) []store.Op {
		return []store.Op{&store.IncrByOp{Key: k, Delta: math.MaxInt64}}
	}},
	{"incrby min", luagroup.RouteShape, func(k string) []store.Op {
		return []store.Op{&store.IncrByOp{Key: k, Delta: math.MinInt64}, &store.PersistOp{Key: k}}
	}},
	{"hset+pexpire other key", luagroup.RouteShape, func(k string) []store.Op {
		return []store.Op{&store.HSetOp{Key: k, Fields: map[string]string{"f": "v"}}, &store.ExpireOp{Key: k + ":2", TTL: time.Minute}}
	}},
	{"hincrby+pexpire", luagroup.RouteShape, func(k string) []store.Op {
		return []store.Op{&store.HIncrByOp{Key: k, Field: "f", Delta: 1}, &store.ExpireOp{Key: k, TTL: time.Minute}}
	}},
	{"hset+hgetall", luagroup.RouteShape, func(k string) []store.Op {
		return []store.Op{&store.HSetOp{Key: k, Fields: map[string]string{"f": "v"}}, &store.HGetAllOp{Key: k}}
	}},
	{"set+pexpire", luagroup.RouteMulti, func(k string) []store.Op {
		return []store.Op{&store.SetOp{Key: k, Value: "v"}, &store.ExpireOp{Key: k + ":2", TTL: time.Minute}}
	}},
	{"set ttl+del+persist", luagroup.RouteMulti, func(k string) []store.Op {
		return []store.Op{&store.SetOp{Key: k, Value: "v", TTL: 2*time.Second + 1500*time.Microsecond}, &store.DelOp{Key: k + ":2"}, &store.PersistOp{Key: k + ":2"}}
	}},
	{"del+hset+pexpirenx", luagroup.RouteMulti, func(k string) []store.Op {
		return []store.Op{&store.DelOp{Key: k}, &store.HSetOp{Key: k, Fields: map[string]string{"f": "v", "g": "w"}}, &store.ExpireOp{Key: k, TTL: time.Minute, NX: true}}
	}},
	{"del+rpush+lpush+ltrim", luagroup.RouteMulti, func(k string) []store.Op {
		return []store.Op{&store.DelOp{Key: k}, &store.RPushOp{Key: k, Values: []string{"a", "b", "c"}}, &store.LPushOp{Key: k, Values: []string{"z"}}, &store.LTrimOp{Key: k, Start: 0, Stop: 1}}
	}},
	{"set+del+sadd+srem+hdel", luagroup.RouteMulti, func(k string) []store.Op {
		return []store.Op{&store.SetOp{Key: k, Value: "1"}, &store.DelOp{Key: k}, &store.SAddOp{Key: k, Members: []string{"a", "b"}}, &store.SRemOp{Key: k, Members: []string{"a"}}, &store.DelOp{Key: k + ":2"}, &store.HDelOp{Key: k + ":2", Fields: []string{"f"}}}
	}},
	{"del+hset+hgetall", luagroup.RouteShape, func(k string) []store.Op {
		return []store.Op{&store.DelOp{Key: k}, &store.HSetOp{Key: k, Fields: map[string]string{"f": "v"}}, &store.HGetAllOp{Key: k}}
	}},
	// The shapes of the hot repository writes (repos' TestGroupShapesOfHotWrites).
	{"SharedState.SetField", luagroup.RouteShape, func(k string) []store.Op {
		return append([]store.Op{&store.HSetOp{Key: k, Fields: map[string]string{"f": "v"}}, &store.ExpireOp{Key: k, TTL: time.Hour},
			&store.SAddOp{Key: k + ":2", Members: []string{"m"}}}, extend(k+":2")...)
	}},
	{"User.Upsert no TTL", luagroup.RouteShape, func(k string) []store.Op {
		return append([]store.Op{&store.HSetOp{Key: k, Fields: map[string]string{"f": "v", "g": "w"}}, &store.PersistOp{Key: k},
			&store.SAddOp{Key: k + ":2", Members: []string{"m"}}}, extend(k+":2")...)
	}},
	{"StateHandler.Upsert", luagroup.RouteShape, func(k string) []store.Op {
		return []store.Op{&store.HSetOp{Key: k, Fields: map[string]string{"f": "v"}}, &store.ExpireOp{Key: k, TTL: time.Hour}, &store.HGetAllOp{Key: k}}
	}},
	{"User.Incr", luagroup.RouteShape, func(k string) []store.Op {
		return append([]store.Op{&store.HIncrByOp{Key: k, Field: "f", Delta: 5}, &store.ExpireOp{Key: k, TTL: time.Hour},
			&store.SAddOp{Key: k + ":2", Members: []string{"m"}}}, extend(k+":2")...)
	}},
	{"User.Incr max", luagroup.RouteShape, func(k string) []store.Op {
		return append([]store.Op{&store.HIncrByOp{Key: k, Field: "g", Delta: math.MaxInt64 - 1}, &store.PersistOp{Key: k},
			&store.SAddOp{Key: k + ":2", Members: []string{"m"}}}, extend(k+":2")...)
	}},
	{"User.Incr min", luagroup.RouteShape, func(k string) []store.Op {
		return append([]store.Op{&store.HIncrByOp{Key: k, Field: "f", Delta: math.MinInt64}, &store.ExpireOp{Key: k, TTL: time.Hour},
			&store.SAddOp{Key: k + ":2", Members: []string{"m"}}}, extend(k+":2")...)
	}},
	{"Table.SetRow", luagroup.RouteShape, func(k string) []store.Op {
		return append([]store.Op{&store.DelOp{Key: k}, &store.HSetOp{Key: k, Fields: map[string]string{"f": "v"}}, &store.ExpireOp{Key: k, TTL: time.Hour},
			&store.SAddOp{Key: k + ":2", Members: []string{"m"}}}, extend(k+":2")...)
	}},
	{"incrby after another key's write", luagroup.RouteShape, func(k string) []store.Op {
		return []store.Op{&store.SetOp{Key: k + ":2", Value: "s", TTL: time.Hour}, &store.IncrByOp{Key: k, Delta: -7}, &store.ExpireOp{Key: k, TTL: time.Minute, NX: true}}
	}},
	{"hgetall+hdel+hgetall+ltrim", luagroup.RouteShape, func(k string) []store.Op {
		return []store.Op{&store.HGetAllOp{Key: k + ":2"}, &store.HDelOp{Key: k + ":2", Fields: []string{"f"}}, &store.HGetAllOp{Key: k + ":2"}, &store.LTrimOp{Key: k, Start: 1, Stop: -1}}
	}},
	{"pexpire before hset", luagroup.RouteShape, func(k string) []store.Op {
		return []store.Op{&store.ExpireOp{Key: k, TTL: time.Minute}, &store.HSetOp{Key: k, Fields: map[string]string{"f": "v"}}, &store.SRemOp{Key: k + ":2", Members: []string{"m"}}}
	}},
	// Two groups whose ops run in the same order but whose results come
	// in another: they need two scripts.
	{"hgetall+incrby+hgetall", luagroup.RouteShape, func(k string) []store.Op {
		return []store.Op{&store.HGetAllOp{Key: k + ":2"}, &store.IncrByOp{Key: k, Delta: 2}, &store.HGetAllOp{Key: k + ":2"}}
	}},
	{"hgetall+hgetall+incrby", luagroup.RouteShape, func(k string) []store.Op {
		return []store.Op{&store.HGetAllOp{Key: k + ":2"}, &store.HGetAllOp{Key: k + ":2"}, &store.IncrByOp{Key: k, Delta: 2}}
	}},
	{"two increments", luagroup.RouteScript, func(k string) []store.Op {
		return []store.Op{&store.HIncrByOp{Key: k, Field: "f", Delta: 1}, &store.HIncrByOp{Key: k, Field: "g", Delta: 1}}
	}},
	{"hincrby after hset", luagroup.RouteScript, func(k string) []store.Op {
		return []store.Op{&store.HSetOp{Key: k, Fields: map[string]string{"g": "v"}}, &store.HIncrByOp{Key: k, Field: "f", Delta: 1}}
	}},
	{"nine ops", luagroup.RouteScript, func(k string) []store.Op {
		ops := []store.Op{&store.SAddOp{Key: k + ":2", Members: []string{"m"}}}
		for range 8 {
			ops = append(ops, &store.ExpireOp{Key: k + ":2", TTL: time.Hour})
		}
		return ops
	}},
}

// extend is the index TTL ops of the repositories (repos' extendOps).
func extend(k string) []store.Op {
	return []store.Op{&store.ExpireOp{Key: k, TTL: 75 * time.Minute, NX: true}, &store.ExpireOp{Key: k, TTL: 75 * time.Minute, GT: true}}
}

// routeStates are what k and k+":2" hold before a group runs.
var routeStates = map[string]func(ctx context.Context, c *redis.Client, k string){
	"missing": func(context.Context, *redis.Client, string) {},
	"string": func(ctx context.Context, c *redis.Client, k string) {
		c.Set(ctx, k, "x", 0)
		c.Set(ctx, k+":2", "y", time.Hour)
	},
	"integer": func(ctx context.Context, c *redis.Client, k string) { c.Set(ctx, k, "41", time.Hour) },
	"max": func(ctx context.Context, c *redis.Client, k string) {
		c.Set(ctx, k, strconv.FormatInt(math.MaxInt64, 10), 0)
	},
	"min": func(ctx context.Context, c *redis.Client, k string) {
		c.Set(ctx, k, strconv.FormatInt(math.MinInt64, 10), 0)
	},
	"hash": func(ctx context.Context, c *redis.Client, k string) {
		c.HSet(ctx, k, "f", "1", "g", "2")
		c.PExpire(ctx, k, time.Hour)
		c.HSet(ctx, k+":2", "f", "1")
	},
	"hash text": func(ctx context.Context, c *redis.Client, k string) { c.HSet(ctx, k, "f", "x", "g", "2") },
	"hash max": func(ctx context.Context, c *redis.Client, k string) {
		c.HSet(ctx, k, "f", strconv.FormatInt(math.MaxInt64, 10), "g", "1")
		c.SAdd(ctx, k+":2", "n")
	},
	"hash and set": func(ctx context.Context, c *redis.Client, k string) {
		c.HSet(ctx, k, "f", "-3")
		c.PExpire(ctx, k, time.Hour)
		c.SAdd(ctx, k+":2", "m")
		c.PExpire(ctx, k+":2", time.Minute)
	},
	"index wrong": func(ctx context.Context, c *redis.Client, k string) { c.Set(ctx, k+":2", "y", 0) },
	"hash loose":  func(ctx context.Context, c *redis.Client, k string) { c.HSet(ctx, k, "f", "+1", "g", "01") },
	"hash min": func(ctx context.Context, c *redis.Client, k string) {
		c.HSet(ctx, k, "f", strconv.FormatInt(math.MinInt64, 10), "g", "-1")
	},
	"index longer": func(ctx context.Context, c *redis.Client, k string) {
		c.HSet(ctx, k, "f", "7")
		c.SAdd(ctx, k+":2", "n")
		c.PExpire(ctx, k+":2", 200*time.Hour)
	},
	"index no TTL": func(ctx context.Context, c *redis.Client, k string) { c.SAdd(ctx, k+":2", "n") },
	"list":         func(ctx context.Context, c *redis.Client, k string) { c.RPush(ctx, k, "a", "b", "c") },
	"set": func(ctx context.Context, c *redis.Client, k string) {
		c.SAdd(ctx, k, "m")
		c.PExpire(ctx, k, time.Hour)
	},
}

// snapshot describes what key holds: type, content and whether it has a
// TTL (and roughly how long).
func snapshot(ctx context.Context, c *redis.Client, key string) string {
	typ := c.Type(ctx, key).Val()
	var val any
	switch typ {
	case "string":
		val = c.Get(ctx, key).Val()
	case "hash":
		val = c.HGetAll(ctx, key).Val()
	case "list":
		val = c.LRange(ctx, key, 0, -1).Val()
	case "set":
		m := c.SMembers(ctx, key).Val()
		slices.Sort(m)
		val = m
	}
	ttl := c.PTTL(ctx, key).Val()
	if ttl > 0 {
		ttl = ttl.Round(10 * time.Second)
	}
	return fmt.Sprintf("%s %v ttl=%v", typ, val, ttl)
}

// results lists the Result fields of ops.
func results(ops []store.Op) []string {
	var out []string
	for _, op := range ops {
		switch o := op.(type) {
		case *store.IncrByOp:
			out = append(out, strconv.FormatInt(o.Result, 10))
		case *store.HIncrByOp:
			out = append(out, strconv.FormatInt(o.Result, 10))
		case *store.HGetAllOp:
			out = append(out, fmt.Sprint(o.Result))
		}
	}
	return out
}

// TestRoutesMatchScript runs every group on every state twice, once as
// Script and once the way Choose routes it, and requires the same error
// text, results and state: the fast routes are all or nothing as Script.
func TestRoutesMatchScript(t *testing.T) {
	ctx := context.Background()
	for name, s := range servers(t) {
		t.Run(name, func(t *testing.T) {
			for i, rc := range routeCases {
				for state, setup := range routeStates {
					msg := fmt.Sprintf("%s on %s", rc.name, state)
					ref := fmt.Sprintf("%sref:%d:%s", s.pre, i, state)
					got := fmt.Sprintf("%sgot:%d:%s", s.pre, i, state)
					setup(ctx, s.c, ref)
					setup(ctx, s.c, got)
					refOps, gotOps := rc.ops(ref), rc.ops(got)
					refErr := apply(ctx, s.c, refOps...)
					route, gotErr := applyRouted(ctx, s.c, gotOps...)
					require.Equal(t, rc.route, route, msg)
					require.Equal(t, errText(refErr), errText(gotErr), msg)
					require.Equal(t, results(refOps), results(gotOps), msg)
					for _, suffix := range []string{"", ":2"} {
						require.Equal(t, snapshot(ctx, s.c, ref+suffix), snapshot(ctx, s.c, got+suffix), msg+" key"+suffix)
					}
				}
			}
		})
	}
}

// TestShapeWrongTypeWritesNothing: a wrong type on any key of a shape
// script's group, the self-checking op's or another, fails the group
// before its first write.
func TestShapeWrongTypeWritesNothing(t *testing.T) {
	ctx := context.Background()
	for name, s := range servers(t) {
		t.Run(name, func(t *testing.T) {
			for i, wrong := range []string{"", ":2"} {
				k := fmt.Sprintf("%sshape:wrongtype:%d", s.pre, i)
				require.NoError(t, s.c.Set(ctx, k+wrong, "x", 0).Err())
				ops := append([]store.Op{&store.HSetOp{Key: k, Fields: map[string]string{"f": "v"}}, &store.ExpireOp{Key: k, TTL: time.Minute},
					&store.SAddOp{Key: k + ":2", Members: []string{"m"}}}, extend(k+":2")...)
				route, err := applyRouted(ctx, s.c, ops...)
				require.Equal(t, luagroup.RouteShape, route)
				require.EqualError(t, err, "WRONGTYPE Operation against a key holding the wrong kind of value")
				for _, suffix := range []string{"", ":2"} {
					want := "none <nil> ttl=-2ns"
					if suffix == wrong {
						want = "string x ttl=-1ns"
					}
					require.Equal(t, want, snapshot(ctx, s.c, k+suffix), "key%s", suffix)
				}
			}
		})
	}
}

// TestMultiRunsPastAFailedCommand is why a group with a check never goes
// as MULTI/EXEC (see Choose): a WRONGTYPE on the transaction's first
// command does not stop the next one, so the group would be half done.
func TestMultiRunsPastAFailedCommand(t *testing.T) {
	ctx := context.Background()
	for name, s := range servers(t) {
		t.Run(name, func(t *testing.T) {
			k := s.pre + "multi:wrongtype"
			require.NoError(t, s.c.Set(ctx, k, "x", 0).Err())
			cmds, err := s.c.TxPipelined(ctx, func(p redis.Pipeliner) error {
				p.HSet(ctx, k, "f", "v")
				p.PExpire(ctx, k, time.Minute)
				return nil
			})
			require.Error(t, err)
			require.ErrorContains(t, cmds[0].Err(), "WRONGTYPE")
			require.NoError(t, cmds[1].Err())
			require.Greater(t, s.c.PTTL(ctx, k).Val(), time.Duration(0), "the PEXPIRE after the failed HSET ran")
		})
	}
}

// TestShapeSHA1MatchesScriptLoad: the SHA1 EVALSHA sends is the server's.
func TestShapeSHA1MatchesScriptLoad(t *testing.T) {
	for name, s := range servers(t) {
		t.Run(name, func(t *testing.T) {
			for _, rc := range routeCases {
				if rc.route != luagroup.RouteShape {
					continue
				}
				ops := rc.ops("k")
				checks, err := store.CheckGroup(ops)
				require.NoError(t, err)
				script, _, _, err := luagroup.EncodeShape(ops, checks)
				require.NoError(t, err)
				sha, err := s.c.ScriptLoad(context.Background(), script.Src).Result()
				require.NoError(t, err)
				require.Equal(t, sha, script.SHA1, rc.name)
			}
		})
	}
}

// TestShapeScriptsAreCachedByShape: groups of one shape share a script,
// whatever their keys and values; another shape gets another.
func TestShapeScriptsAreCachedByShape(t *testing.T) {
	script := func(ops ...store.Op) *luagroup.ShapeScript {
		checks, err := store.CheckGroup(ops)
		require.NoError(t, err)
		s, _, _, err := luagroup.EncodeShape(ops, checks)
		require.NoError(t, err)
		return s
	}
	a := script(&store.HSetOp{Key: "a", Fields: map[string]string{"f": "v"}}, &store.ExpireOp{Key: "a", TTL: time.Minute})
	b := script(&store.HSetOp{Key: "b", Fields: map[string]string{"f": "v", "g": "w"}}, &store.ExpireOp{Key: "b", TTL: time.Hour})
	c := script(&store.HSetOp{Key: "c", Fields: map[string]string{"f": "v"}}, &store.ExpireOp{Key: "c", TTL: time.Hour, NX: true})
	require.Same(t, a, b)
	require.NotEqual(t, a.SHA1, c.SHA1)
}

func TestChooseLeavesLargeWritesToScript(t *testing.T) {
	fields := make(map[string]string, 600)
	for i := range 600 {
		fields[strconv.Itoa(i)] = "v"
	}
	ops := []store.Op{&store.HSetOp{Key: "k", Fields: fields}, &store.ExpireOp{Key: "k", TTL: time.Minute}}
	checks, err := store.CheckGroup(ops)
	require.NoError(t, err)
	require.Equal(t, luagroup.RouteScript, luagroup.Choose(ops, checks), "unpack would overflow Lua's stack")
	ops[0] = &store.HSetOp{Key: "k", Fields: map[string]string{"f": "v"}}
	require.Equal(t, luagroup.RouteShape, luagroup.Choose(ops, checks))
}

func TestEncodeShapeAndCommandsRejectOtherShapes(t *testing.T) {
	ops := []store.Op{&store.IncrByOp{Key: "k", Delta: 1}, &store.IncrByOp{Key: "k2", Delta: 1}}
	checks, err := store.CheckGroup(ops)
	require.NoError(t, err)
	_, _, _, err = luagroup.EncodeShape(ops, checks)
	require.ErrorIs(t, err, store.ErrInvalidArgument)
	_, err = luagroup.Commands([]store.Op{&store.IncrByOp{Key: "k", Delta: 1}})
	require.ErrorIs(t, err, store.ErrInvalidArgument)
}

func TestLargeShapeAndMultiGroups(t *testing.T) {
	ctx := context.Background()
	for name, s := range servers(t) {
		t.Run(name, func(t *testing.T) {
			values := make([]string, 1000)
			for i := range values {
				values[i] = strconv.Itoa(i)
			}
			k := s.pre + "large"
			route, err := applyRouted(ctx, s.c, &store.RPushOp{Key: k, Values: values}, &store.ExpireOp{Key: k, TTL: time.Minute})
			require.NoError(t, err)
			require.Equal(t, luagroup.RouteShape, route)
			route, err = applyRouted(ctx, s.c, &store.DelOp{Key: k}, &store.RPushOp{Key: k, Values: append(values, values...)})
			require.NoError(t, err)
			require.Equal(t, luagroup.RouteMulti, route)
			require.EqualValues(t, 2000, s.c.LLen(ctx, k).Val())
		})
	}
}

// TestRandomShapesMatchScript runs random groups of up to five ops on two
// keys, on every state, as Script and as Choose routes them, and requires
// the same error text, results and state (a seeded generator: the same
// groups each run).
func TestRandomShapesMatchScript(t *testing.T) {
	ctx := context.Background()
	rng := rand.New(rand.NewPCG(14, 14))
	menu := []func(k string, a int) store.Op{
		func(k string, a int) store.Op {
			return &store.SetOp{Key: k, Value: "5", TTL: time.Duration(a%2) * time.Hour}
		},
		func(k string, a int) store.Op { return &store.DelOp{Key: k} },
		func(k string, a int) store.Op { return &store.ExpireOp{Key: k, TTL: time.Hour} },
		func(k string, a int) store.Op { return &store.ExpireOp{Key: k, TTL: 2 * time.Hour, NX: true} },
		func(k string, a int) store.Op { return &store.ExpireOp{Key: k, TTL: 2 * time.Hour, GT: true} },
		func(k string, a int) store.Op { return &store.PersistOp{Key: k} },
		func(k string, a int) store.Op { return &store.IncrByOp{Key: k, Delta: int64(a%5) - 2} },
		func(k string, a int) store.Op { return &store.HIncrByOp{Key: k, Field: "f", Delta: 3} },
		func(k string, a int) store.Op { return &store.HGetAllOp{Key: k} },
		func(k string, a int) store.Op { return &store.LTrimOp{Key: k, Start: 0, Stop: 1} },
		func(k string, a int) store.Op {
			return &store.HSetOp{Key: k, Fields: map[string]string{"g": "v", "h": "w"}}
		},
		func(k string, a int) store.Op { return &store.HDelOp{Key: k, Fields: []string{"g"}} },
		func(k string, a int) store.Op { return &store.SAddOp{Key: k, Members: []string{"m", "n"}} },
		func(k string, a int) store.Op { return &store.SRemOp{Key: k, Members: []string{"m"}} },
		func(k string, a int) store.Op { return &store.RPushOp{Key: k, Values: []string{"x"}} },
		func(k string, a int) store.Op { return &store.LPushOp{Key: k, Values: []string{"y"}} },
	}
	type group struct{ picks, keys, args []int }
	var groups []group
	for len(groups) < 60 {
		n := 1 + rng.IntN(5)
		g := group{picks: make([]int, n), keys: make([]int, n), args: make([]int, n)}
		for i := range n {
			g.picks[i], g.keys[i], g.args[i] = rng.IntN(len(menu)), rng.IntN(2), rng.IntN(10)
		}
		build := func(k string) []store.Op {
			ops := make([]store.Op, n)
			for i := range n {
				ops[i] = menu[g.picks[i]](k+[]string{"", ":2"}[g.keys[i]], g.args[i])
			}
			return ops
		}
		ops := build("k")
		checks, err := store.CheckGroup(ops)
		if err != nil || luagroup.Choose(ops, checks) != luagroup.RouteShape {
			continue
		}
		groups = append(groups, g)
	}
	for name, s := range servers(t) {
		t.Run(name, func(t *testing.T) {
			for i, g := range groups {
				for state, setup := range routeStates {
					build := func(k string) []store.Op {
						ops := make([]store.Op, len(g.picks))
						for j := range ops {
							ops[j] = menu[g.picks[j]](k+[]string{"", ":2"}[g.keys[j]], g.args[j])
						}
						return ops
					}
					ref := fmt.Sprintf("%srref:%d:%s", s.pre, i, state)
					got := fmt.Sprintf("%srgot:%d:%s", s.pre, i, state)
					setup(ctx, s.c, ref)
					setup(ctx, s.c, got)
					refOps, gotOps := build(ref), build(got)
					msg := fmt.Sprintf("group %d %s on %s", i, describe(gotOps), state)
					refErr := apply(ctx, s.c, refOps...)
					route, gotErr := applyRouted(ctx, s.c, gotOps...)
					require.Equal(t, luagroup.RouteShape, route, msg)
					require.Equal(t, errText(refErr), errText(gotErr), msg)
					require.Equal(t, results(refOps), results(gotOps), msg)
					for _, suffix := range []string{"", ":2"} {
						require.Equal(t, snapshot(ctx, s.c, ref+suffix), snapshot(ctx, s.c, got+suffix), msg+" key"+suffix)
					}
				}
			}
		})
	}
}

// describe names a group's ops and their keys.
func describe(ops []store.Op) string {
	parts := make([]string, len(ops))
	for i, op := range ops {
		parts[i] = fmt.Sprintf("%T(%s)", op, op.OpKey())
	}
	return strings.Join(parts, " ")
}
