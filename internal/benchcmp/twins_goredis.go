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
	l   layout
	ttl time.Duration
}

// getUser: HGETALL, then decodeRecord.
func (t goredisTwins) getUser(ctx context.Context, g int) (record, error) {
	m, err := t.c.HGetAll(ctx, t.l.user(tenantRaw, userID(g))).Result()
	if err != nil {
		return record{}, err
	}
	return decodeRecord(m)
}

// upsertUser: MULTI HSET record, PEXPIRE record, SADD bucket ids,
// PEXPIRE bucket ids EXEC (record and ids share a slot).
func (t goredisTwins) upsertUser(ctx context.Context, g int, r record) error {
	u := userID(g)
	key, ids := t.l.user(tenantRaw, u), t.l.userIDs(tenantRaw, u)
	_, err := t.c.TxPipelined(ctx, func(p goredis.Pipeliner) error {
		p.HSet(ctx, key, "Name", r.Name, "Age", r.Age, "Email", r.Email)
		p.PExpire(ctx, key, t.ttl)
		p.SAdd(ctx, ids, u)
		p.PExpire(ctx, ids, t.ttl)
		return nil
	})
	return err
}

// upsertState: MULTI HSET, PEXPIRE, HGETALL EXEC.
func (t goredisTwins) upsertState(ctx context.Context, g int, r record) (map[string]string, error) {
	key := t.l.handlerState(tenantRaw, userID(g), handlerName)
	var all *goredis.MapStringStringCmd
	_, err := t.c.TxPipelined(ctx, func(p goredis.Pipeliner) error {
		p.HSet(ctx, key, "Name", r.Name, "Age", r.Age, "Email", r.Email)
		p.PExpire(ctx, key, t.ttl)
		all = p.HGetAll(ctx, key)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return all.Val(), nil
}

// setSharedField: MULTI HSET field, PEXPIRE state, SADD index, PEXPIRE
// index EXEC.
func (t goredisTwins) setSharedField(ctx context.Context, g, i int) error {
	u := userID(g)
	key, idx := t.l.sharedState(tenantRaw, u, sharedName), t.l.sharedIndex(tenantRaw, u)
	_, err := t.c.TxPipelined(ctx, func(p goredis.Pipeliner) error {
		p.HSet(ctx, key, sharedField, i)
		p.PExpire(ctx, key, t.ttl)
		p.SAdd(ctx, idx, sharedName)
		p.PExpire(ctx, idx, t.ttl)
		return nil
	})
	return err
}

// incr: INCR.
func (t goredisTwins) incr(ctx context.Context, g int) error {
	return t.c.Incr(ctx, t.l.generic(tenantRaw, counterName(g))).Err()
}

// incrTTL: MULTI INCR, PEXPIRE NX EXEC (the TTL only for a new counter).
func (t goredisTwins) incrTTL(ctx context.Context, g int) error {
	key := t.l.generic(tenantRaw, counterName(g))
	_, err := t.c.TxPipelined(ctx, func(p goredis.Pipeliner) error {
		p.Incr(ctx, key)
		p.Do(ctx, "PEXPIRE", key, t.ttl.Milliseconds(), "NX")
		return nil
	})
	return err
}

// enqueue: one pipeline (no MULTI: two slots) of RPUSH, PEXPIRE queue,
// SADD pending, PEXPIRE pending.
func (t goredisTwins) enqueue(ctx context.Context) error {
	q, pend := t.l.queue(tenantRaw, service, batchName, action), t.l.pending(service)
	_, err := t.c.Pipelined(ctx, func(p goredis.Pipeliner) error {
		p.RPush(ctx, q, payload)
		p.PExpire(ctx, q, t.ttl)
		p.SAdd(ctx, pend, tenantRaw)
		p.PExpire(ctx, pend, t.ttl)
		return nil
	})
	return err
}

// setRow: MULTI DEL row, HSET row, PEXPIRE row, SADD tables, PEXPIRE
// tables EXEC.
func (t goredisTwins) setRow(ctx context.Context, g int, r record) error {
	row, idx := t.l.row(tenantRaw, tableName, rowKey(g)), t.l.pkTables(tenantRaw, rowKey(g))
	_, err := t.c.TxPipelined(ctx, func(p goredis.Pipeliner) error {
		p.Del(ctx, row)
		p.HSet(ctx, row, "Name", r.Name, "Age", r.Age, "Email", r.Email)
		p.PExpire(ctx, row, t.ttl)
		p.SAdd(ctx, idx, tableName)
		p.PExpire(ctx, idx, t.ttl)
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
	key := t.l.rawTrigger(tenantRaw, ident, triggerAct)
	_, err := t.c.TxPipelined(ctx, func(p goredis.Pipeliner) error {
		p.ZAdd(ctx, t.l.rawSchedule(), goredis.Z{Score: float64(due.UnixMilli()), Member: ref})
		p.HSet(ctx, key, triggerFields(due, ref))
		p.PExpire(ctx, key, t.ttl+retention)
		return nil
	})
	return err
}

// claimAck: the reliable queue: LMOVE queue processing LEFT RIGHT (the
// item is never lost: it sits in the processing list until acked), then
// LREM processing 1 item (the ack). Two round trips, no lease.
func (t goredisTwins) claimAck(ctx context.Context, g, i int) (bool, error) {
	q := t.l.queue(tenantRaw, service, claimBatch, action)
	proc := t.l.rawProcessing(tenantRaw, service, claimBatch, action)
	item, err := t.c.LMove(ctx, q, proc, "LEFT", "RIGHT").Result()
	if errors.Is(err, goredis.Nil) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	return true, t.c.LRem(ctx, proc, 1, item).Err()
}

// refill pushes refillItems onto the claimed queue.
func (t goredisTwins) refill(ctx context.Context) error {
	items := refillItems()
	args := make([]any, len(items))
	for i, it := range items {
		args[i] = it
	}
	return t.c.RPush(ctx, t.l.queue(tenantRaw, service, claimBatch, action), args...).Err()
}
