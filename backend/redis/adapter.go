package redis

import (
	"context"
	"errors"
	"sync"

	goredis "github.com/redis/go-redis/v9"

	"github.com/mimeiapify/store"
	"github.com/mimeiapify/store/internal/rediscore"
)

// adapter is the rediscore.Client of a go-redis client: each Cmd becomes
// the go-redis command type of its reply Kind, so replies are parsed as
// go-redis' typed helpers parse them.
type adapter struct {
	cmds // the shared client
	c    goredis.UniversalClient
	cc   *goredis.ClusterClient // nil off a cluster
	addr string
}

func newAdapter(c goredis.UniversalClient) *adapter {
	cc, _ := c.(*goredis.ClusterClient)
	a := &adapter{cmds: cmds{c: c, async: true}, c: c, cc: cc, addr: addrOf(c)}
	if cc != nil {
		a.cmds = cmds{c: reloader{cc}, async: true}
	}
	return a
}

// Pin runs fn on a transaction connection (go-redis' Tx). A cluster
// client must WATCH the keys to find their node, so fn is told they are
// watched; one server gets no WATCH here, so that the core sends it with
// the first read.
func (a *adapter) Pin(ctx context.Context, keys []string, fn func(rediscore.Conn, bool) error) error {
	if a.cc != nil {
		err := a.cc.Watch(ctx, func(tx *goredis.Tx) error { return fn(cmds{c: tx}, true) }, keys...)
		return reloader{a.cc}.check(ctx, err)
	}
	return a.c.Watch(ctx, func(tx *goredis.Tx) error { return fn(cmds{c: tx}, false) })
}

// Masters returns every master of a cluster.
func (a *adapter) Masters(ctx context.Context) ([]rediscore.Doer, error) {
	if a.cc == nil {
		return nil, nil
	}
	var mu sync.Mutex
	var nodes []rediscore.Doer
	err := a.cc.ForEachMaster(ctx, func(_ context.Context, c *goredis.Client) error {
		mu.Lock()
		defer mu.Unlock()
		nodes = append(nodes, cmds{c: c})
		return nil
	})
	return nodes, err
}

func (a *adapter) Cluster() bool { return a.cc != nil }
func (a *adapter) Addr() string  { return a.addr }
func (a *adapter) Close() error  { return a.c.Close() }

func (a *adapter) IsNil(err error) bool { return errors.Is(err, goredis.Nil) }

func (a *adapter) IsReply(err error) bool {
	var reply goredis.Error
	return errors.As(err, &reply) && !errors.Is(err, goredis.Nil)
}

func (a *adapter) IsClosed(err error) bool { return errors.Is(err, goredis.ErrClosed) }

// scripter is what cmds needs of a go-redis client, a node or a Tx.
type scripter interface {
	Process(ctx context.Context, cmd goredis.Cmder) error
	Pipelined(ctx context.Context, fn func(goredis.Pipeliner) error) ([]goredis.Cmder, error)
	TxPipelined(ctx context.Context, fn func(goredis.Pipeliner) error) ([]goredis.Cmder, error)
}

// cmds sends rediscore commands on a go-redis client, node or Tx.
type cmds struct {
	c scripter
	// async makes a call whose context can be cancelled but has no
	// deadline return as soon as it is cancelled (see whole).
	// Only on the client itself: a Tx's connection must not be left to
	// a command still running.
	async bool
}

func (c cmds) Do(ctx context.Context, cmd rediscore.Cmd) rediscore.Result {
	if tx, ok := c.c.(*goredis.Tx); ok && len(cmd.Name) == 1 && cmd.Name[0] == "UNWATCH" {
		// Tx.Unwatch also tells the Tx that the WATCH it sent is gone,
		// so that closing it sends no second UNWATCH.
		return rediscore.Result{Err: tx.Unwatch(ctx).Err()}
	}
	gc := build(ctx, cmd)
	return whole(ctx, c, func() rediscore.Result {
		_ = c.c.Process(ctx, gc)
		return read(gc, cmd)
	}, func(err error) rediscore.Result { return rediscore.Result{Err: err} })
}

// whole runs fn, in a goroutine when c is the client itself and ctx can be
// cancelled but has no deadline, and then returns as soon as ctx is
// cancelled (cancelled(ctx.Err())) if fn has not returned by then.
// go-redis does not watch a context's cancellation while it waits for a
// reply, only its deadline (ContextTimeoutEnabled): a call with a
// cancellable context and no deadline, as a trigger listener's poll,
// would wait for the read timeout (3 s, then a retry) on a silent
// server. The abandoned command ends at go-redis' read timeout, or at
// Close. A Tx's connection is never left to a command still running: on
// a Tx, fn runs in the caller's goroutine.
func whole[T any](ctx context.Context, c cmds, fn func() T, cancelled func(error) T) T {
	if _, ok := ctx.Deadline(); !c.async || ok || ctx.Done() == nil {
		return fn()
	}
	out := make(chan T, 1)
	go func() { out <- fn() }()
	select {
	case r := <-out:
		return r
	case <-ctx.Done():
		return cancelled(ctx.Err())
	}
}

func (c cmds) Pipeline(ctx context.Context, list []rediscore.Cmd) []rediscore.Result {
	return whole(ctx, c, func() []rediscore.Result { return c.send(ctx, list, c.c.Pipelined) },
		func(err error) []rediscore.Result { return failed(len(list), err) })
}

// failed is n results that each failed with err.
func failed(n int, err error) []rediscore.Result {
	out := make([]rediscore.Result, n)
	for i := range out {
		out[i].Err = err
	}
	return out
}

// Tx sends list in MULTI/EXEC; go-redis reports a nil EXEC as
// TxFailedErr.
func (c cmds) Tx(ctx context.Context, list []rediscore.Cmd) ([]rediscore.Result, error) {
	out := whole(ctx, c, func() []rediscore.Result { return c.send(ctx, list, c.c.TxPipelined) },
		func(err error) []rediscore.Result { return failed(len(list), err) })
	for _, r := range out {
		if errors.Is(r.Err, goredis.TxFailedErr) {
			return nil, rediscore.ErrAborted
		}
	}
	return out, nil
}

func (c cmds) send(ctx context.Context, list []rediscore.Cmd,
	pipe func(context.Context, func(goredis.Pipeliner) error) ([]goredis.Cmder, error)) []rediscore.Result {
	gcs := make([]goredis.Cmder, len(list))
	_, err := pipe(ctx, func(p goredis.Pipeliner) error {
		for i, cmd := range list {
			gcs[i] = build(ctx, cmd)
			_ = p.Process(ctx, gcs[i])
		}
		return nil
	})
	out := make([]rediscore.Result, len(list))
	for i, gc := range gcs {
		out[i] = read(gc, list[i])
		if errors.Is(err, goredis.TxFailedErr) {
			out[i].Err = err
		}
	}
	return out
}

// build makes the go-redis command of cmd, typed by its reply Kind.
func build(ctx context.Context, cmd rediscore.Cmd) goredis.Cmder {
	args := make([]any, 0, len(cmd.Name)+len(cmd.Keys)+len(cmd.Args))
	for _, s := range cmd.Name {
		args = append(args, s)
	}
	for _, s := range cmd.Keys {
		args = append(args, s)
	}
	for _, s := range cmd.Args {
		args = append(args, s)
	}
	switch cmd.Kind {
	case rediscore.KindInt:
		return goredis.NewIntCmd(ctx, args...)
	case rediscore.KindStr:
		return goredis.NewStringCmd(ctx, args...)
	case rediscore.KindStrs:
		return goredis.NewStringSliceCmd(ctx, args...)
	case rediscore.KindMap:
		return goredis.NewMapStringStringCmd(ctx, args...)
	case rediscore.KindFields:
		return goredis.NewSliceCmd(ctx, args...)
	case rediscore.KindScan:
		return goredis.NewScanCmd(ctx, nil, args...)
	case rediscore.KindFloat:
		return goredis.NewFloatCmd(ctx, args...)
	case rediscore.KindZ:
		return goredis.NewZSliceCmd(ctx, args...)
	}
	return goredis.NewStatusCmd(ctx, args...)
}

// read reads the reply of gc, built by build for cmd.
func read(gc goredis.Cmder, cmd rediscore.Cmd) rediscore.Result {
	var r rediscore.Result
	switch c := gc.(type) {
	case *goredis.IntCmd:
		r.Int, r.Err = c.Result()
	case *goredis.StringCmd:
		r.Str, r.Err = c.Result()
	case *goredis.StringSliceCmd:
		r.Strs, r.Err = c.Result()
	case *goredis.MapStringStringCmd:
		r.Map, r.Err = c.Result()
	case *goredis.SliceCmd:
		var vals []any
		vals, r.Err = c.Result()
		r.Map = make(map[string]string, len(vals))
		for i, v := range vals {
			if s, ok := v.(string); ok && i < len(cmd.Args) {
				r.Map[cmd.Args[i]] = s
			}
		}
	case *goredis.ScanCmd:
		r.Strs, r.Cursor, r.Err = c.Result()
	case *goredis.StatusCmd:
		r.Str, r.Err = c.Result()
	case *goredis.FloatCmd:
		r.Float, r.Err = c.Result()
	case *goredis.ZSliceCmd:
		var zs []goredis.Z
		zs, r.Err = c.Result()
		if r.Err == nil {
			r.Z = make([]store.ZMember, len(zs))
			for i, z := range zs {
				m, _ := z.Member.(string) // go-redis reads members as strings
				r.Z[i] = store.ZMember{Member: m, Score: z.Score}
			}
		}
	}
	return r
}
