package rediscore

import "context"

// Ping is store.Pinger: one PING to the server, or to every master of a
// cluster (pipelined per node), so that a readiness probe fails while any
// slot's master cannot be reached. It writes nothing. It fails with
// store.ErrClosed after Close and with an error wrapping ctx.Err() when
// ctx is done.
func (b *Backend) Ping(ctx context.Context) error {
	if err := b.begin(ctx, "ping", ""); err != nil {
		return err
	}
	nodes := []Doer{b.c}
	if b.cluster {
		var err error
		if nodes, err = b.c.Masters(ctx); err != nil {
			return b.fail(ctx, "ping", "", err)
		}
	}
	for _, node := range nodes {
		if res := node.Do(ctx, cmdPing); res.Err != nil {
			return b.fail(ctx, "ping", "", res.Err)
		}
	}
	return nil
}

// DBSystemName names the backend for telemetry (storeotel): the Config's
// Name, "redis" or "valkey".
func (b *Backend) DBSystemName() string { return b.name }

var cmdPing = Cmd{Name: []string{"PING"}, Kind: KindStatus, ReadOnly: true}
