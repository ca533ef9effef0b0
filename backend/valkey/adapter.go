package valkey

import (
	"context"
	"errors"
	"slices"
	"strings"

	"github.com/valkey-io/valkey-go"

	"github.com/mimeiapify/store"
	"github.com/mimeiapify/store/internal/rediscore"
)

// adapter is the rediscore.Client of a valkey-go client.
type adapter struct {
	c     valkey.Client
	conns *connSet   // the sockets of a client Open made; nil for New's
	dirty *dirtyKeys // the keys written, with a client-side cache; else nil
}

// doer is what sends commands: the client, a node or a dedicated
// connection.
type doer interface {
	B() valkey.Builder
	Do(ctx context.Context, cmd valkey.Completed) valkey.ValkeyResult
	DoMulti(ctx context.Context, multi ...valkey.Completed) []valkey.ValkeyResult
}

func (a *adapter) Do(ctx context.Context, cmd rediscore.Cmd) rediscore.Result {
	r := do(ctx, a.c, cmd)
	wrote(a.dirty, cmd)
	return r
}

func (a *adapter) Pipeline(ctx context.Context, cmds []rediscore.Cmd) []rediscore.Result {
	r := pipeline(ctx, a.c, cmds)
	wroteAll(a.dirty, cmds)
	return r
}

func (a *adapter) Tx(ctx context.Context, cmds []rediscore.Cmd) ([]rediscore.Result, error) {
	r, err := tx(ctx, a.c, cmds, nil)
	wroteAll(a.dirty, cmds)
	return r, err
}

// wrote records, when the backend has a client-side cache, the keys of
// cmd if it may have written them (see dirtyKeys).
func wrote(d *dirtyKeys, cmd rediscore.Cmd) {
	if d != nil && !cmd.ReadOnly {
		d.mark(cmd.Keys)
	}
}

// wroteAll is wrote for each of cmds.
func wroteAll(d *dirtyKeys, cmds []rediscore.Cmd) {
	if d == nil {
		return
	}
	for _, c := range cmds {
		wrote(d, c)
	}
}

// Pin runs fn on a dedicated connection. valkey-go cleans a dedicated
// connection it gets back with UNSUBSCRIBE, PUNSUBSCRIBE, SUNSUBSCRIBE
// and DISCARD, which fail on the server and count in its error
// statistics, whenever the connection ran a command in its pipelining
// mode; it enters that mode for a command whose context can be cancelled
// and has no deadline. So each command goes with a context that has a
// deadline or cannot be cancelled (see detach), and a cancellation of
// ctx closes the connection instead, which ends a command in flight
// (valkey-go closes the socket of a connection with a read in flight
// within about a second).
func (a *adapter) Pin(ctx context.Context, _ []string, fn func(rediscore.Conn, bool) error) error {
	c, release := a.c.Dedicate()
	defer release()
	stop := context.AfterFunc(ctx, c.Close)
	defer stop()
	return fn(dedicated{c, a.dirty}, false)
}

// Masters returns every master of a cluster, found with CLUSTER SLOTS.
func (a *adapter) Masters(ctx context.Context) ([]rediscore.Doer, error) {
	if !a.Cluster() {
		return nil, nil
	}
	addrs, err := masters(ctx, a.c)
	if err != nil {
		return nil, err
	}
	nodes := a.c.Nodes()
	out := make([]rediscore.Doer, 0, len(addrs))
	for _, addr := range addrs {
		n, ok := nodes[addr]
		if !ok {
			return nil, errors.New("master " + addr + " is not among the client's nodes")
		}
		out = append(out, &adapter{c: n})
	}
	return out, nil
}

func (a *adapter) Cluster() bool { return a.c.Mode() == valkey.ClientModeCluster }

// Addr lists the addresses of the servers the client talks to.
func (a *adapter) Addr() string {
	nodes := a.c.Nodes()
	addrs := make([]string, 0, len(nodes))
	for addr := range nodes {
		addrs = append(addrs, addr)
	}
	slices.Sort(addrs)
	if len(addrs) == 0 {
		return "no server"
	}
	return strings.Join(addrs, ",")
}

// Close closes the client; for a client Open made, within about
// closeGrace even when the server is silent (see connSet).
func (a *adapter) Close() error {
	if a.conns == nil {
		a.c.Close()
		return nil
	}
	a.conns.closeClient(a.c.Close)
	return nil
}

func (a *adapter) IsNil(err error) bool { return valkey.IsValkeyNil(err) }

func (a *adapter) IsReply(err error) bool {
	_, ok := valkey.IsValkeyErr(err)
	return ok && !valkey.IsValkeyNil(err)
}

func (a *adapter) IsClosed(err error) bool { return errors.Is(err, valkey.ErrClosing) }

// dedicated is the rediscore.Conn of a dedicated connection.
type dedicated struct {
	c     valkey.DedicatedClient
	dirty *dirtyKeys
}

func (d dedicated) Do(ctx context.Context, cmd rediscore.Cmd) rediscore.Result {
	r := do(detach(ctx), d.c, cmd)
	wrote(d.dirty, cmd)
	return r
}

func (d dedicated) Pipeline(ctx context.Context, cmds []rediscore.Cmd) []rediscore.Result {
	r := pipeline(detach(ctx), d.c, cmds)
	wroteAll(d.dirty, cmds)
	return r
}

func (d dedicated) Tx(ctx context.Context, cmds []rediscore.Cmd) ([]rediscore.Result, error) {
	r, err := tx(detach(ctx), d.c, cmds, d.c.Close)
	wroteAll(d.dirty, cmds)
	return r, err
}

// detach returns a context that keeps valkey-go's dedicated connection in
// its synchronous mode: ctx itself when it has a deadline, else ctx
// without its cancellation (Pin closes the connection on cancellation).
func detach(ctx context.Context) context.Context {
	if _, ok := ctx.Deadline(); ok {
		return ctx
	}
	return context.WithoutCancel(ctx)
}

// build makes the valkey-go command of cmd.
func build(d doer, cmd rediscore.Cmd) valkey.Completed {
	c := d.B().Arbitrary(cmd.Name...).Keys(cmd.Keys...).Args(cmd.Args...)
	if cmd.ReadOnly {
		return c.ReadOnly()
	}
	return c.Build()
}

func do(ctx context.Context, d doer, cmd rediscore.Cmd) rediscore.Result {
	return read(d.Do(ctx, build(d, cmd)), cmd)
}

func pipeline(ctx context.Context, d doer, cmds []rediscore.Cmd) []rediscore.Result {
	built := make(valkey.Commands, len(cmds))
	for i, c := range cmds {
		built[i] = build(d, c)
	}
	out := make([]rediscore.Result, len(cmds))
	for i, r := range d.DoMulti(ctx, built...) {
		out[i] = read(r, cmds[i])
	}
	return out
}

// tx sends cmds between MULTI and EXEC; after a connection error it calls
// drop, if any (the connection may be mid-transaction).
func tx(ctx context.Context, d doer, cmds []rediscore.Cmd, drop func()) ([]rediscore.Result, error) {
	built := make(valkey.Commands, 0, len(cmds)+2)
	built = append(built, d.B().Multi().Build())
	for _, c := range cmds {
		built = append(built, build(d, c))
	}
	built = append(built, d.B().Exec().Build())
	resps := d.DoMulti(ctx, built...)
	for _, r := range resps {
		if err := r.NonValkeyError(); err != nil {
			if drop != nil {
				drop()
			}
			return nil, err
		}
	}
	for _, r := range resps[:len(resps)-1] {
		if err := r.Error(); err != nil {
			return nil, err
		}
	}
	elems, err := resps[len(resps)-1].ToArray()
	if valkey.IsValkeyNil(err) {
		return nil, rediscore.ErrAborted
	}
	if err != nil {
		return nil, err
	}
	if len(elems) != len(cmds) {
		return nil, errors.New("EXEC replied with a wrong number of elements")
	}
	out := make([]rediscore.Result, len(cmds))
	for i, m := range elems {
		out[i] = message(m, m.Error(), cmds[i])
	}
	return out, nil
}

// read reads r as cmd's Kind says.
func read(r valkey.ValkeyResult, cmd rediscore.Cmd) rediscore.Result {
	m, err := r.ToMessage()
	return message(m, err, cmd)
}

// message reads the reply m (err: its error, or the connection's).
func message(m valkey.ValkeyMessage, err error, cmd rediscore.Cmd) (r rediscore.Result) {
	if err != nil {
		r.Err = err
		return r
	}
	switch cmd.Kind {
	case rediscore.KindInt:
		r.Int, r.Err = m.AsInt64()
	case rediscore.KindStr:
		r.Str, r.Err = m.ToString()
	case rediscore.KindStatus:
		r.Str, _ = m.ToString()
	case rediscore.KindStrs:
		r.Strs, r.Err = m.AsStrSlice()
	case rediscore.KindMap:
		r.Map, r.Err = m.AsStrMap()
	case rediscore.KindFields:
		r.Map, r.Err = fields(m, cmd.Args)
	case rediscore.KindScan:
		var e valkey.ScanEntry
		e, r.Err = m.AsScanEntry()
		r.Strs, r.Cursor = e.Elements, e.Cursor
	case rediscore.KindFloat:
		r.Float, r.Err = m.AsFloat64()
	case rediscore.KindZ:
		var zs []valkey.ZScore
		zs, r.Err = m.AsZScores()
		if r.Err == nil {
			r.Z = make([]store.ZMember, len(zs))
			for i, z := range zs {
				r.Z[i] = store.ZMember{Member: z.Member, Score: z.Score}
			}
		}
	}
	return r
}

// fields zips an HMGET reply with the fields asked, leaving nils out.
func fields(m valkey.ValkeyMessage, names []string) (map[string]string, error) {
	vals, err := m.ToArray()
	if err != nil {
		return nil, err
	}
	out := make(map[string]string, len(names))
	for i, v := range vals {
		if v.IsNil() || i >= len(names) {
			continue
		}
		s, err := v.ToString()
		if err != nil {
			return nil, err
		}
		out[names[i]] = s
	}
	return out, nil
}
