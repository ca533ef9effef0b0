package redis

import (
	"context"
	"time"

	goredis "github.com/redis/go-redis/v9"

	"github.com/mimeiapify/store"
	"github.com/mimeiapify/store/internal/hashslot"
)

// reader is the store.Reader of Update: it reads on the connection that
// holds the WATCH. On one server the WATCH is lazy: it travels with the
// first read, in one round trip, so that an Update of one read costs two
// round trips (WATCH and read, then MULTI/EVALSHA/EXEC). On a cluster the
// WATCH was sent before fn ran (the cluster client needs the keys to pick
// the node), and a key outside the watched hash slot is read on the shared
// client instead: the watching connection's node may not serve it, and
// such reads are not guarded, as the contract says.
type reader struct {
	b    *Backend
	tx   *goredis.Tx
	u    *updater
	slot uint16 // the hash slot of the watched keys
}

var _ store.Reader = (*reader)(nil)

// run sends the command that mk builds where key is read, and returns the
// error of the WATCH it carried, if any; the command's own result is in
// the command mk returned.
func (r *reader) run(ctx context.Context, key string, mk func(goredis.Cmdable) goredis.Cmder) error {
	if r.b.cluster && hashslot.Of(key) != r.slot {
		mk(r.b.c)
		return nil
	}
	if r.u.watched {
		mk(r.tx)
		return nil
	}
	args := make([]any, 1, 1+len(r.u.keys))
	args[0] = "watch"
	for _, k := range r.u.keys {
		args = append(args, k)
	}
	watch := goredis.NewStatusCmd(ctx, args...)
	_, _ = r.tx.Pipelined(ctx, func(p goredis.Pipeliner) error {
		_ = p.Process(ctx, watch)
		mk(p)
		return nil
	})
	if err := watch.Err(); err != nil {
		return err
	}
	r.u.watched = true
	return nil
}

// Get is Backend.Get on the watching connection.
func (r *reader) Get(ctx context.Context, key string) (string, error) {
	if err := r.b.begin(ctx, "get", key); err != nil {
		return "", err
	}
	var cmd *goredis.StringCmd
	err := r.run(ctx, key, func(c goredis.Cmdable) goredis.Cmder { cmd = c.Get(ctx, key); return cmd })
	v, rerr := cmd.Result()
	if err = firstErr(err, rerr); err != nil {
		return "", r.b.fail(ctx, "get", key, err)
	}
	return v, nil
}

// HGet is Backend.HGet on the watching connection.
func (r *reader) HGet(ctx context.Context, key, field string) (string, error) {
	if err := r.b.begin(ctx, "hget", key); err != nil {
		return "", err
	}
	var cmd *goredis.StringCmd
	err := r.run(ctx, key, func(c goredis.Cmdable) goredis.Cmder { cmd = c.HGet(ctx, key, field); return cmd })
	v, rerr := cmd.Result()
	if err = firstErr(err, rerr); err != nil {
		return "", r.b.fail(ctx, "hget", key, err)
	}
	return v, nil
}

// HGetAll is Backend.HGetAll on the watching connection.
func (r *reader) HGetAll(ctx context.Context, key string) (map[string]string, error) {
	if err := r.b.begin(ctx, "hgetall", key); err != nil {
		return nil, err
	}
	var cmd *goredis.MapStringStringCmd
	err := r.run(ctx, key, func(c goredis.Cmdable) goredis.Cmder { cmd = c.HGetAll(ctx, key); return cmd })
	m, rerr := cmd.Result()
	if err = firstErr(err, rerr); err != nil {
		return nil, r.b.fail(ctx, "hgetall", key, err)
	}
	return m, nil
}

// LRange is Backend.LRange on the watching connection.
func (r *reader) LRange(ctx context.Context, key string, start, stop int64) ([]string, error) {
	if err := r.b.begin(ctx, "lrange", key); err != nil {
		return nil, err
	}
	var cmd *goredis.StringSliceCmd
	err := r.run(ctx, key, func(c goredis.Cmdable) goredis.Cmder { cmd = c.LRange(ctx, key, start, stop); return cmd })
	vs, rerr := cmd.Result()
	if err = firstErr(err, rerr); err != nil {
		return nil, r.b.fail(ctx, "lrange", key, err)
	}
	return vs, nil
}

// SMembers is Backend.SMembers on the watching connection.
func (r *reader) SMembers(ctx context.Context, key string) ([]string, error) {
	if err := r.b.begin(ctx, "smembers", key); err != nil {
		return nil, err
	}
	var cmd *goredis.StringSliceCmd
	err := r.run(ctx, key, func(c goredis.Cmdable) goredis.Cmder { cmd = c.SMembers(ctx, key); return cmd })
	ms, rerr := cmd.Result()
	if err = firstErr(err, rerr); err != nil {
		return nil, r.b.fail(ctx, "smembers", key, err)
	}
	return ms, nil
}

// TTL is Backend.TTL on the watching connection.
func (r *reader) TTL(ctx context.Context, key string) (time.Duration, error) {
	if err := r.b.begin(ctx, "ttl", key); err != nil {
		return 0, err
	}
	var cmd *goredis.DurationCmd
	err := r.run(ctx, key, func(c goredis.Cmdable) goredis.Cmder { cmd = c.PTTL(ctx, key); return cmd })
	return ttlOf(ctx, r.b, key, func() (time.Duration, error) {
		d, rerr := cmd.Result()
		return d, firstErr(err, rerr)
	})
}

// Type is Backend.Type on the watching connection.
func (r *reader) Type(ctx context.Context, key string) (store.Type, error) {
	if err := r.b.begin(ctx, "type", key); err != nil {
		return store.TypeNone, err
	}
	var cmd *goredis.StatusCmd
	err := r.run(ctx, key, func(c goredis.Cmdable) goredis.Cmder { cmd = c.Type(ctx, key); return cmd })
	return typeOf(ctx, r.b, key, func() (string, error) {
		name, rerr := cmd.Result()
		return name, firstErr(err, rerr)
	})
}

// firstErr returns a if it is not nil, else b.
func firstErr(a, b error) error {
	if a != nil {
		return a
	}
	return b
}
