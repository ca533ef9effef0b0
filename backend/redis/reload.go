package redis

import (
	"context"
	"errors"
	"io"
	"net"

	goredis "github.com/redis/go-redis/v9"
)

// reloader is the scripter of a cluster client that asks for a new slot
// map (ClusterClient.ReloadState, which go-redis runs in the background
// at most once per 200 ms) after a call fails with a connection error.
// go-redis reloads it by itself only on MOVED or ASK, or every
// ClusterStateReloadInterval: after a master dies, its replica is
// promoted in seconds, but calls for its slots would keep dialling the
// dead address until the next periodic reload.
type reloader struct{ cc *goredis.ClusterClient }

func (r reloader) Process(ctx context.Context, cmd goredis.Cmder) error {
	return r.check(ctx, r.cc.Process(ctx, cmd))
}

func (r reloader) Pipelined(ctx context.Context, fn func(goredis.Pipeliner) error) ([]goredis.Cmder, error) {
	cmds, err := r.cc.Pipelined(ctx, fn)
	return cmds, r.check(ctx, err)
}

func (r reloader) TxPipelined(ctx context.Context, fn func(goredis.Pipeliner) error) ([]goredis.Cmder, error) {
	cmds, err := r.cc.TxPipelined(ctx, fn)
	return cmds, r.check(ctx, err)
}

// check asks for a reload when err may mean that a node is gone: a
// network error (a refused dial, a reset, a timeout, which includes a
// deadline passed while waiting for a reply) or an unexpected EOF.
func (r reloader) check(ctx context.Context, err error) error {
	if mayBeGone(err) {
		r.cc.ReloadState(ctx)
	}
	return err
}

func mayBeGone(err error) bool {
	var ne net.Error
	return err != nil && (errors.As(err, &ne) || errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF))
}
