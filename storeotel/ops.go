package storeotel

import (
	"context"
	"iter"
	"time"

	"github.com/mimeiapify/store"
)

// op numbers the operations of store.Backend (and Ping).
type op uint8

const (
	opExists op = iota
	opDel
	opExpire
	opPersist
	opTTL
	opType
	opScan
	opGet
	opSet
	opSetNX
	opIncrBy
	opHSet
	opHGet
	opHMGet
	opHGetAll
	opHDel
	opHExists
	opHIncrBy
	opHIncrByFloat
	opHLen
	opRPush
	opLPush
	opLRange
	opLTrim
	opLLen
	opLPop
	opSAdd
	opSRem
	opSMembers
	opSIsMember
	opSCard
	opSRandMember
	opZAdd
	opZRem
	opZScore
	opZCard
	opZRangeByScore
	opApply
	opUpdate
	opPing
	numOps
)

// opNames are the db.operation.name of the operations.
var opNames = [numOps]string{"Exists", "Del", "Expire", "Persist", "TTL", "Type", "Scan",
	"Get", "Set", "SetNX", "IncrBy",
	"HSet", "HGet", "HMGet", "HGetAll", "HDel", "HExists", "HIncrBy", "HIncrByFloat", "HLen",
	"RPush", "LPush", "LRange", "LTrim", "LLen", "LPop",
	"SAdd", "SRem", "SMembers", "SIsMember", "SCard", "SRandMember",
	"ZAdd", "ZRem", "ZScore", "ZCard", "ZRangeByScore",
	"Apply", "Update", "Ping"}

// Exists is store.Keys.Exists, traced.
func (b *Backend) Exists(ctx context.Context, keys ...string) (int64, error) {
	ctx, c := b.beginN(ctx, opExists, keys)
	n, err := b.inner.Exists(ctx, keys...)
	b.end(ctx, c, err)
	return n, err
}

// Del is store.Keys.Del, traced.
func (b *Backend) Del(ctx context.Context, keys ...string) (int64, error) {
	ctx, c := b.beginN(ctx, opDel, keys)
	n, err := b.inner.Del(ctx, keys...)
	b.end(ctx, c, err)
	return n, err
}

// Expire is store.Keys.Expire, traced.
func (b *Backend) Expire(ctx context.Context, key string, ttl time.Duration) (bool, error) {
	ctx, c := b.begin1(ctx, opExpire, key)
	ok, err := b.inner.Expire(ctx, key, ttl)
	b.end(ctx, c, err)
	return ok, err
}

// Persist is store.Keys.Persist, traced.
func (b *Backend) Persist(ctx context.Context, key string) (bool, error) {
	ctx, c := b.begin1(ctx, opPersist, key)
	ok, err := b.inner.Persist(ctx, key)
	b.end(ctx, c, err)
	return ok, err
}

// TTL is store.Keys.TTL, traced.
func (b *Backend) TTL(ctx context.Context, key string) (time.Duration, error) {
	ctx, c := b.begin1(ctx, opTTL, key)
	d, err := b.inner.TTL(ctx, key)
	b.end(ctx, c, err)
	return d, err
}

// Type is store.Keys.Type, traced.
func (b *Backend) Type(ctx context.Context, key string) (store.Type, error) {
	ctx, c := b.begin1(ctx, opType, key)
	t, err := b.inner.Type(ctx, key)
	b.end(ctx, c, err)
	return t, err
}

// Scan is store.Keys.Scan, traced: one span from the start of the loop to
// its end (the first error, the last key, or the caller stopping), with
// the number of keys yielded. The pattern is recorded as the key with
// Options.RecordKeys.
func (b *Backend) Scan(ctx context.Context, pattern string) iter.Seq2[string, error] {
	return func(yield func(string, error) bool) {
		ctx, c := b.begin1(ctx, opScan, pattern)
		var err error
		n := 0
		defer func() {
			if c.span.IsRecording() {
				c.span.SetAttributes(ScanKeys.Int(n))
			}
			b.end(ctx, c, err)
		}()
		for k, e := range b.inner.Scan(ctx, pattern) {
			if e != nil {
				err = e
			} else {
				n++
			}
			if !yield(k, e) {
				return
			}
		}
	}
}

// Get is store.Strings.Get, traced.
func (b *Backend) Get(ctx context.Context, key string) (string, error) {
	ctx, c := b.begin1(ctx, opGet, key)
	v, err := b.inner.Get(ctx, key)
	b.end(ctx, c, err)
	return v, err
}

// Set is store.Strings.Set, traced.
func (b *Backend) Set(ctx context.Context, key, value string, ttl time.Duration) error {
	ctx, c := b.begin1(ctx, opSet, key)
	err := b.inner.Set(ctx, key, value, ttl)
	b.end(ctx, c, err)
	return err
}

// SetNX is store.Strings.SetNX, traced.
func (b *Backend) SetNX(ctx context.Context, key, value string, ttl time.Duration) (bool, error) {
	ctx, c := b.begin1(ctx, opSetNX, key)
	ok, err := b.inner.SetNX(ctx, key, value, ttl)
	b.end(ctx, c, err)
	return ok, err
}

// IncrBy is store.Strings.IncrBy, traced.
func (b *Backend) IncrBy(ctx context.Context, key string, delta int64) (int64, error) {
	ctx, c := b.begin1(ctx, opIncrBy, key)
	n, err := b.inner.IncrBy(ctx, key, delta)
	b.end(ctx, c, err)
	return n, err
}

// HSet is store.Hashes.HSet, traced.
func (b *Backend) HSet(ctx context.Context, key string, fields map[string]string) (int64, error) {
	ctx, c := b.begin1(ctx, opHSet, key)
	n, err := b.inner.HSet(ctx, key, fields)
	b.end(ctx, c, err)
	return n, err
}

// HGet is store.Hashes.HGet, traced.
func (b *Backend) HGet(ctx context.Context, key, field string) (string, error) {
	ctx, c := b.begin1(ctx, opHGet, key)
	v, err := b.inner.HGet(ctx, key, field)
	b.end(ctx, c, err)
	return v, err
}

// HMGet is store.Hashes.HMGet, traced.
func (b *Backend) HMGet(ctx context.Context, key string, fields ...string) (map[string]string, error) {
	ctx, c := b.begin1(ctx, opHMGet, key)
	m, err := b.inner.HMGet(ctx, key, fields...)
	b.end(ctx, c, err)
	return m, err
}

// HGetAll is store.Hashes.HGetAll, traced.
func (b *Backend) HGetAll(ctx context.Context, key string) (map[string]string, error) {
	ctx, c := b.begin1(ctx, opHGetAll, key)
	m, err := b.inner.HGetAll(ctx, key)
	b.end(ctx, c, err)
	return m, err
}

// HDel is store.Hashes.HDel, traced.
func (b *Backend) HDel(ctx context.Context, key string, fields ...string) (int64, error) {
	ctx, c := b.begin1(ctx, opHDel, key)
	n, err := b.inner.HDel(ctx, key, fields...)
	b.end(ctx, c, err)
	return n, err
}

// HExists is store.Hashes.HExists, traced.
func (b *Backend) HExists(ctx context.Context, key, field string) (bool, error) {
	ctx, c := b.begin1(ctx, opHExists, key)
	ok, err := b.inner.HExists(ctx, key, field)
	b.end(ctx, c, err)
	return ok, err
}

// HIncrBy is store.Hashes.HIncrBy, traced.
func (b *Backend) HIncrBy(ctx context.Context, key, field string, delta int64) (int64, error) {
	ctx, c := b.begin1(ctx, opHIncrBy, key)
	n, err := b.inner.HIncrBy(ctx, key, field, delta)
	b.end(ctx, c, err)
	return n, err
}

// HIncrByFloat is store.Hashes.HIncrByFloat, traced.
func (b *Backend) HIncrByFloat(ctx context.Context, key, field string, delta float64) (float64, error) {
	ctx, c := b.begin1(ctx, opHIncrByFloat, key)
	f, err := b.inner.HIncrByFloat(ctx, key, field, delta)
	b.end(ctx, c, err)
	return f, err
}

// HLen is store.Hashes.HLen, traced.
func (b *Backend) HLen(ctx context.Context, key string) (int64, error) {
	ctx, c := b.begin1(ctx, opHLen, key)
	n, err := b.inner.HLen(ctx, key)
	b.end(ctx, c, err)
	return n, err
}

// RPush is store.Lists.RPush, traced.
func (b *Backend) RPush(ctx context.Context, key string, values ...string) (int64, error) {
	ctx, c := b.begin1(ctx, opRPush, key)
	n, err := b.inner.RPush(ctx, key, values...)
	b.end(ctx, c, err)
	return n, err
}

// LPush is store.Lists.LPush, traced.
func (b *Backend) LPush(ctx context.Context, key string, values ...string) (int64, error) {
	ctx, c := b.begin1(ctx, opLPush, key)
	n, err := b.inner.LPush(ctx, key, values...)
	b.end(ctx, c, err)
	return n, err
}

// LRange is store.Lists.LRange, traced.
func (b *Backend) LRange(ctx context.Context, key string, start, stop int64) ([]string, error) {
	ctx, c := b.begin1(ctx, opLRange, key)
	v, err := b.inner.LRange(ctx, key, start, stop)
	b.end(ctx, c, err)
	return v, err
}

// LTrim is store.Lists.LTrim, traced.
func (b *Backend) LTrim(ctx context.Context, key string, start, stop int64) error {
	ctx, c := b.begin1(ctx, opLTrim, key)
	err := b.inner.LTrim(ctx, key, start, stop)
	b.end(ctx, c, err)
	return err
}

// LLen is store.Lists.LLen, traced.
func (b *Backend) LLen(ctx context.Context, key string) (int64, error) {
	ctx, c := b.begin1(ctx, opLLen, key)
	n, err := b.inner.LLen(ctx, key)
	b.end(ctx, c, err)
	return n, err
}

// LPop is store.Lists.LPop, traced.
func (b *Backend) LPop(ctx context.Context, key string, count int) ([]string, error) {
	ctx, c := b.begin1(ctx, opLPop, key)
	v, err := b.inner.LPop(ctx, key, count)
	b.end(ctx, c, err)
	return v, err
}

// SAdd is store.Sets.SAdd, traced.
func (b *Backend) SAdd(ctx context.Context, key string, members ...string) (int64, error) {
	ctx, c := b.begin1(ctx, opSAdd, key)
	n, err := b.inner.SAdd(ctx, key, members...)
	b.end(ctx, c, err)
	return n, err
}

// SRem is store.Sets.SRem, traced.
func (b *Backend) SRem(ctx context.Context, key string, members ...string) (int64, error) {
	ctx, c := b.begin1(ctx, opSRem, key)
	n, err := b.inner.SRem(ctx, key, members...)
	b.end(ctx, c, err)
	return n, err
}

// SMembers is store.Sets.SMembers, traced.
func (b *Backend) SMembers(ctx context.Context, key string) ([]string, error) {
	ctx, c := b.begin1(ctx, opSMembers, key)
	v, err := b.inner.SMembers(ctx, key)
	b.end(ctx, c, err)
	return v, err
}

// SIsMember is store.Sets.SIsMember, traced.
func (b *Backend) SIsMember(ctx context.Context, key, member string) (bool, error) {
	ctx, c := b.begin1(ctx, opSIsMember, key)
	ok, err := b.inner.SIsMember(ctx, key, member)
	b.end(ctx, c, err)
	return ok, err
}

// SCard is store.Sets.SCard, traced.
func (b *Backend) SCard(ctx context.Context, key string) (int64, error) {
	ctx, c := b.begin1(ctx, opSCard, key)
	n, err := b.inner.SCard(ctx, key)
	b.end(ctx, c, err)
	return n, err
}

// SRandMember is store.Sets.SRandMember, traced.
func (b *Backend) SRandMember(ctx context.Context, key string, count int) ([]string, error) {
	ctx, c := b.begin1(ctx, opSRandMember, key)
	v, err := b.inner.SRandMember(ctx, key, count)
	b.end(ctx, c, err)
	return v, err
}

// Apply is store.Atomic.Apply, traced, with the number of ops as
// db.operation.batch.size and store.key_count.
func (b *Backend) Apply(ctx context.Context, ops ...store.Op) error {
	ctx, c := b.begin(ctx, opApply, len(ops))
	if c.span.IsRecording() {
		c.span.SetAttributes(dbBatchSize.Int(len(ops)))
		if b.recordKeys {
			c.span.SetAttributes(Keys.StringSlice(opKeys(ops)))
		}
	}
	err := b.inner.Apply(ctx, ops...)
	b.end(ctx, c, err)
	return err
}

// Update is store.Atomic.Update, traced: one span for the whole call,
// with the number of times fn ran as store.update.attempts; each run
// after the first counts as a conflict (store.update.conflicts).
func (b *Backend) Update(ctx context.Context, keys []string, fn func(r store.Reader) ([]store.Op, error)) error {
	ctx, c := b.beginN(ctx, opUpdate, keys)
	attempts, nops := 0, 0
	counted := func(r store.Reader) ([]store.Op, error) {
		attempts++
		ops, err := fn(r)
		nops = len(ops)
		return ops, err
	}
	if fn == nil {
		counted = nil // the inner backend answers ErrInvalidArgument
	}
	err := b.inner.Update(ctx, keys, counted)
	if attempts > 1 {
		b.conflicts.Add(ctx, int64(attempts-1), b.conflictAt...)
	}
	if c.span.IsRecording() {
		c.span.SetAttributes(UpdateAttempts.Int(attempts), dbBatchSize.Int(nops))
	}
	b.end(ctx, c, err)
	return err
}

// Ping is store.Pinger, traced: store.Ping of the inner backend.
func (b *Backend) Ping(ctx context.Context) error {
	ctx, c := b.begin(ctx, opPing, 0)
	err := store.Ping(ctx, b.inner)
	b.end(ctx, c, err)
	return err
}

// Close closes the inner backend (no span).
func (b *Backend) Close() error { return b.inner.Close() }

// opKeys returns the keys of ops (nil ops skipped).
func opKeys(ops []store.Op) []string {
	keys := make([]string, 0, len(ops))
	for _, o := range ops {
		if o != nil {
			keys = append(keys, o.OpKey())
		}
	}
	return keys
}
