package rediscore

import "context"

// Command names, shared so that building a Cmd allocates only its keys
// and arguments.
var (
	cmdDel          = []string{"DEL"}
	cmdExists       = []string{"EXISTS"}
	cmdPExpire      = []string{"PEXPIRE"}
	cmdPersist      = []string{"PERSIST"}
	cmdPTTL         = []string{"PTTL"}
	cmdType         = []string{"TYPE"}
	cmdGet          = []string{"GET"}
	cmdSet          = []string{"SET"}
	cmdIncrBy       = []string{"INCRBY"}
	cmdHSet         = []string{"HSET"}
	cmdHGet         = []string{"HGET"}
	cmdHMGet        = []string{"HMGET"}
	cmdHGetAll      = []string{"HGETALL"}
	cmdHDel         = []string{"HDEL"}
	cmdHExists      = []string{"HEXISTS"}
	cmdHIncrBy      = []string{"HINCRBY"}
	cmdHIncrByFloat = []string{"HINCRBYFLOAT"}
	cmdHLen         = []string{"HLEN"}
	cmdRPush        = []string{"RPUSH"}
	cmdLPush        = []string{"LPUSH"}
	cmdLRange       = []string{"LRANGE"}
	cmdLTrim        = []string{"LTRIM"}
	cmdLLen         = []string{"LLEN"}
	cmdLPop         = []string{"LPOP"}
	cmdSAdd         = []string{"SADD"}
	cmdSRem         = []string{"SREM"}
	cmdSMembers     = []string{"SMEMBERS"}
	cmdSIsMember    = []string{"SISMEMBER"}
	cmdSCard        = []string{"SCARD"}
	cmdSRandMember  = []string{"SRANDMEMBER"}
	cmdWatch        = []string{"WATCH"}
	cmdUnwatch      = Cmd{Name: []string{"UNWATCH"}}
	cmdScriptLoad   = []string{"SCRIPT", "LOAD"}
)

// one builds a command on one key.
func one(name []string, kind Kind, readOnly bool, key string, args ...string) Cmd {
	return Cmd{Name: name, Keys: []string{key}, Args: args, Kind: kind, ReadOnly: readOnly}
}

// status sends cmd and returns only its error.
func (b *Backend) status(ctx context.Context, d Doer, op, key string, cmd Cmd) error {
	if r := d.Do(ctx, cmd); r.Err != nil {
		return b.fail(ctx, op, key, r.Err)
	}
	return nil
}

// int sends cmd, whose reply is an integer.
func (b *Backend) int(ctx context.Context, d Doer, op, key string, cmd Cmd) (int64, error) {
	r := d.Do(ctx, cmd)
	if r.Err != nil {
		return 0, b.fail(ctx, op, key, r.Err)
	}
	return r.Int, nil
}

// bool sends cmd, whose reply is the integer 0 or 1.
func (b *Backend) bool(ctx context.Context, d Doer, op, key string, cmd Cmd) (bool, error) {
	n, err := b.int(ctx, d, op, key, cmd)
	return n == 1, err
}

// str sends cmd, whose reply is a string; a nil reply is
// store.ErrNotFound.
func (b *Backend) str(ctx context.Context, d Doer, op, key string, cmd Cmd) (string, error) {
	r := d.Do(ctx, cmd)
	if r.Err != nil {
		return "", b.fail(ctx, op, key, r.Err)
	}
	return r.Str, nil
}

// strs sends cmd, whose reply is an array of strings; a nil reply gives
// none.
func (b *Backend) strs(ctx context.Context, d Doer, op, key string, cmd Cmd) ([]string, error) {
	r := d.Do(ctx, cmd)
	if r.Err != nil && !b.c.IsNil(r.Err) {
		return nil, b.fail(ctx, op, key, r.Err)
	}
	if r.Strs == nil {
		return []string{}, nil
	}
	return r.Strs, nil
}
