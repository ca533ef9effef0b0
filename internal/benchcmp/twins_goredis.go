package main

import (
	"context"
	"errors"
	"time"

	goredis "github.com/redis/go-redis/v9"
)

// goredisTwins are the raw twins on go-redis v9, on the very client the
// redis backend sends its commands on (same pool, same options). A job
// that writes several keys of one slot is one MULTI/EXEC (TxPipelined);
// one that writes two slots is one pipeline (Pipelined).
type goredisTwins struct {
	c   goredis.UniversalClient
	own ownKeys
	ttl time.Duration
}

// getUser: HGETALL, then decodeRecord.
func (t goredisTwins) getUser(ctx context.Context, k twinKeys) (record, error) {
	m, err := t.c.HGetAll(ctx, k.Hash).Result()
	if err != nil {
		return record{}, err
	}
	return decodeRecord(m)
}

// upsertUser: MULTI HSET record, PEXPIRE record, SADD bucket ids,
// PEXPIRE bucket ids EXEC (record and ids share a slot).
func (t goredisTwins) upsertUser(ctx context.Context, k twinKeys, user string, r record) error {
	_, err := t.c.TxPipelined(ctx, func(p goredis.Pipeliner) error {
		p.HSet(ctx, k.Hash, "Name", r.Name, "Age", r.Age, "Email", r.Email)
		p.PExpire(ctx, k.Hash, t.ttl)
		p.SAdd(ctx, k.Set, user)
		p.PExpire(ctx, k.Set, t.ttl)
		return nil
	})
	return err
}

// upsertState: MULTI HSET, PEXPIRE, HGETALL EXEC.
func (t goredisTwins) upsertState(ctx context.Context, k twinKeys, r record) (map[string]string, error) {
	var all *goredis.MapStringStringCmd
	_, err := t.c.TxPipelined(ctx, func(p goredis.Pipeliner) error {
		p.HSet(ctx, k.Hash, "Name", r.Name, "Age", r.Age, "Email", r.Email)
		p.PExpire(ctx, k.Hash, t.ttl)
		all = p.HGetAll(ctx, k.Hash)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return all.Val(), nil
}

// setSharedField: MULTI HSET field, PEXPIRE state, SADD index, PEXPIRE
// index EXEC.
func (t goredisTwins) setSharedField(ctx context.Context, k twinKeys, i int) error {
	_, err := t.c.TxPipelined(ctx, func(p goredis.Pipeliner) error {
		p.HSet(ctx, k.Hash, sharedField, i)
		p.PExpire(ctx, k.Hash, t.ttl)
		p.SAdd(ctx, k.Set, sharedName)
		p.PExpire(ctx, k.Set, t.ttl)
		return nil
	})
	return err
}

// incr: INCR.
func (t goredisTwins) incr(ctx context.Context, k twinKeys) error {
	return t.c.Incr(ctx, k.String).Err()
}

// incrTTL: MULTI INCR, PEXPIRE NX EXEC (the TTL only for a new counter).
func (t goredisTwins) incrTTL(ctx context.Context, k twinKeys) error {
	_, err := t.c.TxPipelined(ctx, func(p goredis.Pipeliner) error {
		p.Incr(ctx, k.String)
		p.Do(ctx, "PEXPIRE", k.String, t.ttl.Milliseconds(), "NX")
		return nil
	})
	return err
}

// enqueue: one pipeline (no MULTI: two slots) of RPUSH, PEXPIRE queue,
// SADD pending, PEXPIRE pending.
func (t goredisTwins) enqueue(ctx context.Context, k twinKeys) error {
	_, err := t.c.Pipelined(ctx, func(p goredis.Pipeliner) error {
		p.RPush(ctx, k.List, payload)
		p.PExpire(ctx, k.List, t.ttl)
		p.SAdd(ctx, k.Set, tenantRaw)
		p.PExpire(ctx, k.Set, t.ttl)
		return nil
	})
	return err
}

// setRow: MULTI DEL row, HSET row, PEXPIRE row, SADD tables, PEXPIRE
// tables EXEC.
func (t goredisTwins) setRow(ctx context.Context, k twinKeys, r record) error {
	_, err := t.c.TxPipelined(ctx, func(p goredis.Pipeliner) error {
		p.Del(ctx, k.Hash)
		p.HSet(ctx, k.Hash, "Name", r.Name, "Age", r.Age, "Email", r.Email)
		p.PExpire(ctx, k.Hash, t.ttl)
		p.SAdd(ctx, k.Set, tableName)
		p.PExpire(ctx, k.Set, t.ttl)
		return nil
	})
	return err
}

// setTrigger: MULTI ZADD schedule (score: due Unix ms), HSET record (due,
// payload, ref), PEXPIRE record EXEC: a scheduler with one sorted set
// whose member is the trigger (so a replaced trigger only moves).
func (t goredisTwins) setTrigger(ctx context.Context, ident string) error {
	due := time.Now().Add(t.ttl)
	ref := triggerRef(ident)
	key := t.own.trigger(ident, triggerAct)
	_, err := t.c.TxPipelined(ctx, func(p goredis.Pipeliner) error {
		p.ZAdd(ctx, t.own.schedule(), goredis.Z{Score: float64(due.UnixMilli()), Member: ref})
		p.HSet(ctx, key, triggerFields(due, ref))
		p.PExpire(ctx, key, t.ttl+retention)
		return nil
	})
	return err
}

// claimAck: the reliable queue: LMOVE queue processing LEFT RIGHT (the
// item is never lost: it sits in the processing list until acked), then
// LREM processing 1 item (the ack). Two round trips, no lease.
func (t goredisTwins) claimAck(ctx context.Context, _ string) (bool, error) {
	item, err := t.c.LMove(ctx, t.own.queue(), t.own.processing(), "LEFT", "RIGHT").Result()
	if errors.Is(err, goredis.Nil) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	return true, t.c.LRem(ctx, t.own.processing(), 1, item).Err()
}

// refill pushes refillItems onto the claimed queue.
func (t goredisTwins) refill(ctx context.Context) error {
	items := refillItems()
	args := make([]any, len(items))
	for i, it := range items {
		args[i] = it
	}
	return t.c.RPush(ctx, t.own.queue(), args...).Err()
}
