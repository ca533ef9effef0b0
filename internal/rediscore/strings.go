package rediscore

import (
	"context"
	"time"

	"github.com/mimeiapify/store/internal/luagroup"
)

// Get returns key's value (GET); store.ErrNotFound when it is missing.
func (b *Backend) Get(ctx context.Context, key string) (string, error) {
	return b.get(ctx, b.reads, key)
}

func (b *Backend) get(ctx context.Context, d Doer, key string) (string, error) {
	if err := b.begin(ctx, "get", key); err != nil {
		return "", err
	}
	return b.str(ctx, d, "get", key, one(cmdGet, KindStr, true, key))
}

// setCmd builds SET key value [PX ms] [NX].
func (b *Backend) setCmd(op, key, value string, ttl time.Duration, nx bool) (Cmd, error) {
	ms, err := luagroup.Millis(ttl)
	if err != nil {
		return Cmd{}, b.wrap(op, key, err)
	}
	args := make([]string, 1, 4)
	args[0] = value
	if ms > 0 {
		args = append(args, "PX", itoa(ms))
	}
	if nx {
		args = append(args, "NX")
	}
	return one(cmdSet, KindStatus, false, key, args...), nil
}

// Set stores value at key with SET [PX ms]; a zero ttl clears any TTL.
func (b *Backend) Set(ctx context.Context, key, value string, ttl time.Duration) error {
	if err := b.begin(ctx, "set", key); err != nil {
		return err
	}
	cmd, err := b.setCmd("set", key, value, ttl, false)
	if err != nil {
		return err
	}
	return b.status(ctx, b.c, "set", key, cmd)
}

// SetNX stores value only if key is missing (SET NX [PX ms]) and reports
// whether it did.
func (b *Backend) SetNX(ctx context.Context, key, value string, ttl time.Duration) (bool, error) {
	if err := b.begin(ctx, "setnx", key); err != nil {
		return false, err
	}
	cmd, err := b.setCmd("setnx", key, value, ttl, true)
	if err != nil {
		return false, err
	}
	r := b.c.Do(ctx, cmd)
	switch {
	case r.Err == nil:
		return true, nil
	case b.c.IsNil(r.Err):
		return false, nil
	}
	return false, b.fail(ctx, "setnx", key, r.Err)
}

// IncrBy adds delta to the integer at key (INCRBY).
func (b *Backend) IncrBy(ctx context.Context, key string, delta int64) (int64, error) {
	if err := b.begin(ctx, "incrby", key); err != nil {
		return 0, err
	}
	return b.int(ctx, b.c, "incrby", key, one(cmdIncrBy, KindInt, false, key, itoa(delta)))
}
