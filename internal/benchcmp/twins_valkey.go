package main

import (
	"context"
	"strconv"
	"time"

	"github.com/valkey-io/valkey-go"
)

// valkeyTwins are the raw twins on valkey-go, on the very client the
// valkey backend sends its commands on. A job that writes several keys of
// one slot is one MULTI ... EXEC sent with DoMulti (one round trip on one
// connection); one that writes two slots is one DoMulti pipeline.
type valkeyTwins struct {
	c   valkey.Client
	own ownKeys
	ttl time.Duration
}

// multi sends cmds inside MULTI/EXEC in one round trip and returns the
// replies of EXEC; a command that failed (queued, or inside EXEC) is the
// error.
func (t valkeyTwins) multi(ctx context.Context, cmds ...valkey.Completed) ([]valkey.ValkeyMessage, error) {
	all := make([]valkey.Completed, 0, len(cmds)+2)
	all = append(all, t.c.B().Multi().Build())
	all = append(all, cmds...)
	all = append(all, t.c.B().Exec().Build())
	res := t.c.DoMulti(ctx, all...)
	for _, r := range res[:len(res)-1] {
		if err := r.Error(); err != nil {
			return nil, err
		}
	}
	replies, err := res[len(res)-1].ToArray()
	if err != nil {
		return nil, err
	}
	for _, m := range replies {
		if err := m.Error(); err != nil {
			return nil, err
		}
	}
	return replies, nil
}

// pipeline sends cmds in one round trip and returns the first error.
func (t valkeyTwins) pipeline(ctx context.Context, cmds ...valkey.Completed) error {
	for _, r := range t.c.DoMulti(ctx, cmds...) {
		if err := r.Error(); err != nil {
			return err
		}
	}
	return nil
}

// hset builds HSET key with r's fields.
func (t valkeyTwins) hset(key string, r record) valkey.Completed {
	return t.c.B().Hset().Key(key).FieldValue().FieldValue("Name", r.Name).
		FieldValue("Age", strconv.Itoa(r.Age)).FieldValue("Email", r.Email).Build()
}

// pexpire builds PEXPIRE key ttl.
func (t valkeyTwins) pexpire(key string, ttl time.Duration) valkey.Completed {
	return t.c.B().Pexpire().Key(key).Milliseconds(ttl.Milliseconds()).Build()
}

// getUser: HGETALL, then decodeRecord.
func (t valkeyTwins) getUser(ctx context.Context, k twinKeys) (record, error) {
	m, err := t.c.Do(ctx, t.c.B().Hgetall().Key(k.Hash).Build()).AsStrMap()
	if err != nil {
		return record{}, err
	}
	return decodeRecord(m)
}

// upsertUser: MULTI HSET record, PEXPIRE record, SADD bucket ids,
// PEXPIRE bucket ids EXEC.
func (t valkeyTwins) upsertUser(ctx context.Context, k twinKeys, user string, r record) error {
	_, err := t.multi(ctx, t.hset(k.Hash, r), t.pexpire(k.Hash, t.ttl),
		t.c.B().Sadd().Key(k.Set).Member(user).Build(), t.pexpire(k.Set, t.ttl))
	return err
}

// upsertState: MULTI HSET, PEXPIRE, HGETALL EXEC.
func (t valkeyTwins) upsertState(ctx context.Context, k twinKeys, r record) (map[string]string, error) {
	res, err := t.multi(ctx, t.hset(k.Hash, r), t.pexpire(k.Hash, t.ttl), t.c.B().Hgetall().Key(k.Hash).Build())
	if err != nil {
		return nil, err
	}
	return res[2].AsStrMap()
}

// setSharedField: MULTI HSET field, PEXPIRE state, SADD index, PEXPIRE
// index EXEC.
func (t valkeyTwins) setSharedField(ctx context.Context, k twinKeys, i int) error {
	_, err := t.multi(ctx, t.c.B().Hset().Key(k.Hash).FieldValue().FieldValue(sharedField, strconv.Itoa(i)).Build(),
		t.pexpire(k.Hash, t.ttl), t.c.B().Sadd().Key(k.Set).Member(sharedName).Build(), t.pexpire(k.Set, t.ttl))
	return err
}

// incr: INCR.
func (t valkeyTwins) incr(ctx context.Context, k twinKeys) error {
	return t.c.Do(ctx, t.c.B().Incr().Key(k.String).Build()).Error()
}

// incrTTL: MULTI INCR, PEXPIRE NX EXEC.
func (t valkeyTwins) incrTTL(ctx context.Context, k twinKeys) error {
	_, err := t.multi(ctx, t.c.B().Incr().Key(k.String).Build(),
		t.c.B().Pexpire().Key(k.String).Milliseconds(t.ttl.Milliseconds()).Nx().Build())
	return err
}

// enqueue: one pipeline (two slots) of RPUSH, PEXPIRE queue, SADD
// pending, PEXPIRE pending.
func (t valkeyTwins) enqueue(ctx context.Context, k twinKeys) error {
	return t.pipeline(ctx, t.c.B().Rpush().Key(k.List).Element(payload).Build(), t.pexpire(k.List, t.ttl),
		t.c.B().Sadd().Key(k.Set).Member(tenantRaw).Build(), t.pexpire(k.Set, t.ttl))
}

// setRow: MULTI DEL row, HSET row, PEXPIRE row, SADD tables, PEXPIRE
// tables EXEC.
func (t valkeyTwins) setRow(ctx context.Context, k twinKeys, r record) error {
	_, err := t.multi(ctx, t.c.B().Del().Key(k.Hash).Build(), t.hset(k.Hash, r), t.pexpire(k.Hash, t.ttl),
		t.c.B().Sadd().Key(k.Set).Member(tableName).Build(), t.pexpire(k.Set, t.ttl))
	return err
}

// setTrigger: MULTI ZADD schedule (score: due Unix ms), HSET record (due,
// payload, ref), PEXPIRE record EXEC, as goredisTwins.setTrigger.
func (t valkeyTwins) setTrigger(ctx context.Context, ident string) error {
	due := time.Now().Add(t.ttl)
	ref := triggerRef(ident)
	key := t.own.trigger(ident, triggerAct)
	f := triggerFields(due, ref)
	_, err := t.multi(ctx,
		t.c.B().Zadd().Key(t.own.schedule()).ScoreMember().ScoreMember(float64(due.UnixMilli()), ref).Build(),
		t.c.B().Hset().Key(key).FieldValue().FieldValue("due", f["due"]).FieldValue("payload", f["payload"]).
			FieldValue("ref", f["ref"]).Build(),
		t.pexpire(key, t.ttl+retention))
	return err
}

// claimAck: LMOVE queue processing LEFT RIGHT, then LREM processing 1
// item, as goredisTwins.claimAck.
func (t valkeyTwins) claimAck(ctx context.Context, _ string) (bool, error) {
	proc := t.own.processing()
	item, err := t.c.Do(ctx, t.c.B().Lmove().Source(t.own.queue()).Destination(proc).Left().Right().Build()).ToString()
	if valkey.IsValkeyNil(err) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	return true, t.c.Do(ctx, t.c.B().Lrem().Key(proc).Count(1).Element(item).Build()).Error()
}

// refill pushes refillItems onto the claimed queue.
func (t valkeyTwins) refill(ctx context.Context) error {
	return t.c.Do(ctx, t.c.B().Rpush().Key(t.own.queue()).Element(refillItems()...).Build()).Error()
}
