package rediscore_test

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	goredis "github.com/redis/go-redis/v9"
	"github.com/valkey-io/valkey-go"

	"github.com/mimeiapify/store"
	"github.com/mimeiapify/store/backend/redis"
	vkbackend "github.com/mimeiapify/store/backend/valkey"
	"github.com/mimeiapify/store/internal/luagroup"
	"github.com/mimeiapify/store/internal/testenv"
	"github.com/mimeiapify/store/repos"
)

// BenchmarkShapeRoutes measures, on a private redis-server, the groups of
// the hot repository writes against the best raw client code doing the
// same writes (one MULTI/EXEC), on both backends, sequentially and from 64
// goroutines. Contenders run in interleaved rounds (their order rotated
// each round); it logs, per contender, the median and range over rounds
// of its wall time per group divided by the raw MULTI/EXEC's of the same
// round, and the server's CPU time (INFO cpu) and commands (INFO
// commandstats, a script's redis.calls included) per group:
//
//	apply:  Backend.Apply of the group (the route luagroup.Choose picks)
//	repo:   the repository call itself
//	script: the general luagroup.Script by EVALSHA (the route before shapes)
//	floor:  an EVALSHA of a script that runs no command ("return {}"),
//	        with the shape script's KEYS and ARGV: what any script costs
//	multi:  the raw client's MULTI/EXEC
//
// Run: go test -run '^$' -bench BenchmarkShapeRoutes -benchtime 1x -v ./internal/rediscore/
// (-v shows the logged table; a sub-benchmark pattern picks one call,
// backend or concurrency, e.g. -bench 'BenchmarkShapeRoutes/User.Incr/valkey/x64').
func BenchmarkShapeRoutes(b *testing.B) {
	srv := testenv.StartRedis(b)
	gc := goredis.NewClient(&goredis.Options{Addr: srv.Addr(), DisableIdentity: true, PoolSize: 64})
	b.Cleanup(func() { _ = gc.Close() })
	vc, err := valkey.NewClient(valkey.ClientOption{InitAddress: []string{srv.Addr()}, DisableCache: true,
		ForceSingleClient: true, ClientSetInfo: valkey.DisableClientSetInfo})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(vc.Close)
	backends := map[string]store.Backend{
		"redis":  redis.New(gc, nil),
		"valkey": vkbackend.New(vc, nil),
	}
	raws := map[string]rawClient{"redis": goredisRaw{gc}, "valkey": valkeyRaw{vc}}
	for _, sc := range shapeBenchCases {
		for _, be := range []string{"redis", "valkey"} {
			for _, par := range []int{1, 64} {
				b.Run(fmt.Sprintf("%s/%s/x%d", sc.name, be, par), func(b *testing.B) {
					contenders := shapeContenders(b, sc, backends[be], raws[be])
					for b.Loop() {
						shapeRounds(b, srv, fmt.Sprintf("%s %s x%d", sc.name, be, par), par, contenders)
					}
				})
			}
		}
	}
}

// shapeBenchCase is a repository call and the group it sends on key k
// (and index key k+":i").
type shapeBenchCase struct {
	name string
	ops  func(k string) []store.Op
	repo func(b *testing.B, be store.Backend) func(ctx context.Context, i int) error
}

const benchTTL = time.Hour

func benchIndex(k string) []store.Op {
	ttl := benchTTL + time.Minute
	return []store.Op{&store.SAddOp{Key: k + ":i", Members: []string{"m"}},
		&store.ExpireOp{Key: k + ":i", TTL: ttl, NX: true}, &store.ExpireOp{Key: k + ":i", TTL: ttl, GT: true}}
}

func benchRecord() map[string]string {
	return map[string]string{"name": "Ada", "plan": "pro", "step": "3"}
}

var shapeBenchCases = []shapeBenchCase{
	{"SharedState.SetField", func(k string) []store.Op {
		return append([]store.Op{&store.HSetOp{Key: k, Fields: map[string]string{"f": "v"}}, &store.ExpireOp{Key: k, TTL: benchTTL}}, benchIndex(k)...)
	}, func(b *testing.B, be store.Backend) func(context.Context, int) error {
		ss, err := repos.NewSharedState(be, "t", "u", &repos.Options{TTL: benchTTL})
		if err != nil {
			b.Fatal(err)
		}
		return func(ctx context.Context, i int) error { return ss.SetField(ctx, "s"+strconv.Itoa(i%1000), "f", "v") }
	}},
	{"StateHandler.Upsert", func(k string) []store.Op {
		return []store.Op{&store.HSetOp{Key: k, Fields: benchRecord()}, &store.ExpireOp{Key: k, TTL: benchTTL}, &store.HGetAllOp{Key: k}}
	}, func(b *testing.B, be store.Backend) func(context.Context, int) error {
		h, err := repos.NewStateHandler(be, "t", "u", &repos.Options{TTL: benchTTL})
		if err != nil {
			b.Fatal(err)
		}
		rec := benchRecord()
		return func(ctx context.Context, i int) error {
			_, err := h.Upsert(ctx, "h"+strconv.Itoa(i%1000), rec)
			return err
		}
	}},
	{"Generic.Incr", func(k string) []store.Op {
		return []store.Op{&store.IncrByOp{Key: k, Delta: 1}, &store.ExpireOp{Key: k, TTL: benchTTL, NX: true}}
	}, func(b *testing.B, be store.Backend) func(context.Context, int) error {
		g, err := repos.NewGeneric(be, "t", &repos.Options{TTL: benchTTL})
		if err != nil {
			b.Fatal(err)
		}
		return func(ctx context.Context, i int) error {
			_, err := g.Incr(ctx, "n"+strconv.Itoa(i%1000), 1)
			return err
		}
	}},
	{"User.Incr", func(k string) []store.Op {
		return append([]store.Op{&store.HIncrByOp{Key: k, Field: "n", Delta: 1}, &store.ExpireOp{Key: k, TTL: benchTTL}}, benchIndex(k)...)
	}, func(b *testing.B, be store.Backend) func(context.Context, int) error {
		users := benchUsers(b, be)
		return func(ctx context.Context, i int) error {
			_, err := users[i%len(users)].Incr(ctx, "n", 1)
			return err
		}
	}},
	{"User.Upsert", func(k string) []store.Op {
		return append([]store.Op{&store.HSetOp{Key: k, Fields: benchRecord()}, &store.ExpireOp{Key: k, TTL: benchTTL}}, benchIndex(k)...)
	}, func(b *testing.B, be store.Backend) func(context.Context, int) error {
		users := benchUsers(b, be)
		rec := benchRecord()
		return func(ctx context.Context, i int) error { return users[i%len(users)].Upsert(ctx, rec) }
	}},
	{"Table.SetRow", func(k string) []store.Op {
		return append([]store.Op{&store.DelOp{Key: k}, &store.HSetOp{Key: k, Fields: benchRecord()}, &store.ExpireOp{Key: k, TTL: benchTTL}}, benchIndex(k)...)
	}, func(b *testing.B, be store.Backend) func(context.Context, int) error {
		tb, err := repos.NewTable(be, "t", &repos.Options{TTL: benchTTL})
		if err != nil {
			b.Fatal(err)
		}
		rec := benchRecord()
		return func(ctx context.Context, i int) error { return tb.SetRow(ctx, "tab", "pk"+strconv.Itoa(i%1000), rec) }
	}},
}

func benchUsers(b *testing.B, be store.Backend) []*repos.User {
	users := make([]*repos.User, 1000)
	for i := range users {
		u, err := repos.NewUser(be, "t", "u"+strconv.Itoa(i), &repos.Options{TTL: benchTTL})
		if err != nil {
			b.Fatal(err)
		}
		users[i] = u
	}
	return users
}

// contender is one way of sending group i.
type contender struct {
	name string
	run  func(ctx context.Context, i int) error
}

func shapeContenders(b *testing.B, sc shapeBenchCase, be store.Backend, raw rawClient) []contender {
	key := func(i int) string { return "sb:" + sc.name + ":" + strconv.Itoa(i%1000) }
	return []contender{
		{"multi", func(ctx context.Context, i int) error { return raw.multi(ctx, rawCommands(sc.ops(key(i)))) }},
		{"apply", func(ctx context.Context, i int) error { return be.Apply(ctx, sc.ops(key(i))...) }},
		{"repo", sc.repo(b, be)},
		{"floor", func(ctx context.Context, i int) error {
			ops := sc.ops(key(i))
			checks, err := store.CheckGroup(ops)
			if err != nil {
				return err
			}
			_, keys, args, err := luagroup.EncodeShape(ops, checks)
			if err != nil {
				return err
			}
			return raw.empty(ctx, keys, args)
		}},
		{"script", func(ctx context.Context, i int) error {
			ops := sc.ops(key(i))
			checks, err := store.CheckGroup(ops)
			if err != nil {
				return err
			}
			keys, args, err := luagroup.Encode(ops, checks)
			if err != nil {
				return err
			}
			return raw.script(ctx, keys, args)
		}},
	}
}

// rawCommands is the group's commands as the raw client code sends them.
func rawCommands(ops []store.Op) [][]string {
	var out [][]string
	for _, op := range ops {
		switch o := op.(type) {
		case *store.HSetOp:
			cmd := []string{"HSET", o.Key}
			for f, v := range o.Fields {
				cmd = append(cmd, f, v)
			}
			out = append(out, cmd)
		case *store.ExpireOp:
			cmd := []string{"PEXPIRE", o.Key, strconv.FormatInt(o.TTL.Milliseconds(), 10)}
			if o.NX {
				cmd = append(cmd, "NX")
			} else if o.GT {
				cmd = append(cmd, "GT")
			}
			out = append(out, cmd)
		case *store.SAddOp:
			out = append(out, append([]string{"SADD", o.Key}, o.Members...))
		case *store.DelOp:
			out = append(out, []string{"DEL", o.Key})
		case *store.IncrByOp:
			out = append(out, []string{"INCRBY", o.Key, strconv.FormatInt(o.Delta, 10)})
		case *store.HIncrByOp:
			out = append(out, []string{"HINCRBY", o.Key, o.Field, strconv.FormatInt(o.Delta, 10)})
		case *store.HGetAllOp:
			out = append(out, []string{"HGETALL", o.Key})
		default:
			panic(fmt.Sprintf("no raw command for %T", op))
		}
	}
	return out
}

// rawClient is the raw client code of one backend.
type rawClient interface {
	multi(ctx context.Context, cmds [][]string) error
	script(ctx context.Context, keys, args []string) error
	empty(ctx context.Context, keys, args []string) error
}

type goredisRaw struct{ c *goredis.Client }

var (
	benchScript = goredis.NewScript(luagroup.Script)
	benchEmpty  = goredis.NewScript("return {}")
)

func (r goredisRaw) multi(ctx context.Context, cmds [][]string) error {
	_, err := r.c.TxPipelined(ctx, func(p goredis.Pipeliner) error {
		for _, cmd := range cmds {
			args := make([]any, len(cmd))
			for i, a := range cmd {
				args[i] = a
			}
			p.Do(ctx, args...)
		}
		return nil
	})
	return err
}

func (r goredisRaw) script(ctx context.Context, keys, args []string) error {
	a := make([]any, len(args))
	for i, x := range args {
		a[i] = x
	}
	err := benchScript.Run(ctx, r.c, keys, a...).Err()
	if err == goredis.Nil {
		err = nil
	}
	return err
}

func (r goredisRaw) empty(ctx context.Context, keys, args []string) error {
	a := make([]any, len(args))
	for i, x := range args {
		a[i] = x
	}
	return benchEmpty.Run(ctx, r.c, keys, a...).Err()
}

type valkeyRaw struct{ c valkey.Client }

var (
	benchVScript = valkey.NewLuaScript(luagroup.Script)
	benchVEmpty  = valkey.NewLuaScript("return {}")
)

func (r valkeyRaw) empty(ctx context.Context, keys, args []string) error {
	return benchVEmpty.Exec(ctx, r.c, keys, args).Error()
}

func (r valkeyRaw) multi(ctx context.Context, cmds [][]string) error {
	built := make(valkey.Commands, 0, len(cmds)+2)
	built = append(built, r.c.B().Multi().Build())
	for _, cmd := range cmds {
		built = append(built, r.c.B().Arbitrary(cmd...).Build())
	}
	built = append(built, r.c.B().Exec().Build())
	for _, resp := range r.c.DoMulti(ctx, built...) {
		if err := resp.Error(); err != nil {
			return err
		}
	}
	return nil
}

func (r valkeyRaw) script(ctx context.Context, keys, args []string) error {
	err := benchVScript.Exec(ctx, r.c, keys, args).Error()
	if valkey.IsValkeyNil(err) {
		err = nil
	}
	return err
}

// serverTotals reads the server's CPU time in microseconds and the
// commands it ran (INFO commands excluded).
func serverTotals(b *testing.B, s *testenv.RedisServer) (cpuUS, cmds float64) {
	out, err := s.Do("INFO", "cpu")
	if err != nil {
		b.Fatal(err)
	}
	for _, l := range strings.Split(out, "\n") {
		l = strings.TrimSpace(l)
		for _, p := range []string{"used_cpu_user:", "used_cpu_sys:"} {
			if v, ok := strings.CutPrefix(l, p); ok {
				f, _ := strconv.ParseFloat(v, 64)
				cpuUS += f * 1e6
			}
		}
	}
	out, err = s.Do("INFO", "commandstats")
	if err != nil {
		b.Fatal(err)
	}
	for _, l := range strings.Split(out, "\n") {
		l = strings.TrimSpace(l)
		if !strings.HasPrefix(l, "cmdstat_") || strings.HasPrefix(l, "cmdstat_info:") {
			continue
		}
		_, rest, _ := strings.Cut(l, ":calls=")
		n, _ := strconv.ParseFloat(rest[:strings.Index(rest, ",")], 64)
		cmds += n
	}
	return cpuUS, cmds
}

// shapeRounds runs the contenders in interleaved rounds and logs them.
func shapeRounds(b *testing.B, s *testenv.RedisServer, title string, par int, cs []contender) {
	const rounds = 7
	n := 2000
	if par > 1 {
		n = 64 * 300
	}
	ctx := context.Background()
	for _, c := range cs { // warm up: scripts loaded, pools full
		runN(b, ctx, c, par, 64*4)
	}
	ratios := make([][]float64, len(cs))
	cpu := make([][]float64, len(cs))
	cmds := make([]float64, len(cs))
	for r := range rounds {
		ns := make([]float64, len(cs))
		for j := range cs {
			k := (j + r) % len(cs)
			cpu0, cmd0 := serverTotals(b, s)
			start := time.Now()
			runN(b, ctx, cs[k], par, n)
			ns[k] = float64(time.Since(start).Nanoseconds()) / float64(n)
			cpu1, cmd1 := serverTotals(b, s)
			cpu[k] = append(cpu[k], (cpu1-cpu0)/float64(n))
			cmds[k] = (cmd1 - cmd0) / float64(n)
		}
		for k := range cs {
			ratios[k] = append(ratios[k], ns[k]/ns[0])
		}
	}
	for k, c := range cs {
		rs, us := slices.Clone(ratios[k]), slices.Clone(cpu[k])
		slices.Sort(rs)
		slices.Sort(us)
		b.Logf("%-34s %-6s x%.2f (%.2f-%.2f) vs multi, server %.1f us and %.1f commands per group",
			title, c.name, rs[len(rs)/2], rs[0], rs[len(rs)-1], us[len(us)/2], cmds[k])
	}
}

// runN sends n groups from par goroutines.
func runN(b *testing.B, ctx context.Context, c contender, par, n int) {
	var wg sync.WaitGroup
	var once sync.Once
	for g := range par {
		wg.Go(func() {
			for i := g; i < n; i += par {
				if err := c.run(ctx, i); err != nil {
					once.Do(func() { b.Errorf("%s: %v", c.name, err) })
					return
				}
			}
		})
	}
	wg.Wait()
}
