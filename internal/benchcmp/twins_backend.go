package main

import (
	"context"
	"strconv"
	"time"

	"github.com/mimeiapify/store"
)

// backendTwins are the raw twins on memory and bolt, which have no client
// of their own: the direct store.Backend calls the job needs, as few as
// possible (one Apply where the repository's call writes several keys).
type backendTwins struct {
	b   store.Backend
	own ownKeys
	ttl time.Duration
}

// getUser: HGetAll of the record, then decodeRecord.
func (t backendTwins) getUser(ctx context.Context, k twinKeys) (record, error) {
	m, err := t.b.HGetAll(ctx, k.Hash)
	if err != nil {
		return record{}, err
	}
	return decodeRecord(m)
}

// upsertUser: one Apply of HSet record, Expire record, SAdd bucket ids,
// Expire bucket ids.
func (t backendTwins) upsertUser(ctx context.Context, k twinKeys, user string, r record) error {
	return t.b.Apply(ctx, &store.HSetOp{Key: k.Hash, Fields: r.fields()}, &store.ExpireOp{Key: k.Hash, TTL: t.ttl},
		&store.SAddOp{Key: k.Set, Members: []string{user}}, &store.ExpireOp{Key: k.Set, TTL: t.ttl})
}

// upsertState: one Apply of HSet, Expire and HGetAll of the state.
func (t backendTwins) upsertState(ctx context.Context, k twinKeys, r record) (map[string]string, error) {
	read := &store.HGetAllOp{Key: k.Hash}
	err := t.b.Apply(ctx, &store.HSetOp{Key: k.Hash, Fields: r.fields()}, &store.ExpireOp{Key: k.Hash, TTL: t.ttl}, read)
	return read.Result, err
}

// setSharedField: one Apply of HSet field, Expire state, SAdd index,
// Expire index.
func (t backendTwins) setSharedField(ctx context.Context, k twinKeys, i int) error {
	return t.b.Apply(ctx, &store.HSetOp{Key: k.Hash, Fields: map[string]string{sharedField: strconv.Itoa(i)}},
		&store.ExpireOp{Key: k.Hash, TTL: t.ttl}, &store.SAddOp{Key: k.Set, Members: []string{sharedName}},
		&store.ExpireOp{Key: k.Set, TTL: t.ttl})
}

// incr: IncrBy 1.
func (t backendTwins) incr(ctx context.Context, k twinKeys) error {
	_, err := t.b.IncrBy(ctx, k.String, 1)
	return err
}

// incrTTL: one Apply of IncrBy 1 and Expire NX.
func (t backendTwins) incrTTL(ctx context.Context, k twinKeys) error {
	return t.b.Apply(ctx, &store.IncrByOp{Key: k.String, Delta: 1}, &store.ExpireOp{Key: k.String, TTL: t.ttl, NX: true})
}

// enqueue: one Apply of RPush, Expire queue, SAdd pending, Expire
// pending (a local backend has no slots to keep apart).
func (t backendTwins) enqueue(ctx context.Context, k twinKeys) error {
	return t.b.Apply(ctx, &store.RPushOp{Key: k.List, Values: []string{payload}}, &store.ExpireOp{Key: k.List, TTL: t.ttl},
		&store.SAddOp{Key: k.Set, Members: []string{tenantRaw}}, &store.ExpireOp{Key: k.Set, TTL: t.ttl})
}

// setRow: one Apply of Del row, HSet row, Expire row, SAdd tables,
// Expire tables.
func (t backendTwins) setRow(ctx context.Context, k twinKeys, r record) error {
	return t.b.Apply(ctx, &store.DelOp{Key: k.Hash}, &store.HSetOp{Key: k.Hash, Fields: r.fields()},
		&store.ExpireOp{Key: k.Hash, TTL: t.ttl}, &store.SAddOp{Key: k.Set, Members: []string{tableName}},
		&store.ExpireOp{Key: k.Set, TTL: t.ttl})
}

// setTrigger: one Apply of ZAdd trigger to the schedule (score: due Unix
// ms), HSet record (due, payload, ref), Expire record, as the Redis
// twins' MULTI. Replacing a trigger is the same call.
func (t backendTwins) setTrigger(ctx context.Context, ident string) error {
	due := time.Now().Add(t.ttl)
	ref := triggerRef(ident)
	key := t.own.trigger(ident, triggerAct)
	return t.b.Apply(ctx, &store.ZAddOp{Key: t.own.schedule(), Members: []store.ZMember{{Member: ref, Score: float64(due.UnixMilli())}}},
		&store.HSetOp{Key: key, Fields: triggerFields(due, ref)}, &store.ExpireOp{Key: key, TTL: t.ttl + retention})
}

// claimAck: one Update of the queue and its claims hash (read the head
// item; trim it off and record it in flight), then HDel of the claim:
// an atomic claim, as the repository's, with no lease to check.
func (t backendTwins) claimAck(ctx context.Context, id string) (bool, error) {
	q, inflight := t.own.queue(), t.own.processing()
	took := false
	err := t.b.Update(ctx, []string{q, inflight}, func(r store.Reader) ([]store.Op, error) {
		head, err := r.LRange(ctx, q, 0, 0)
		if took = err == nil && len(head) > 0; !took {
			return nil, err
		}
		return []store.Op{&store.LTrimOp{Key: q, Start: 1, Stop: -1},
			&store.HSetOp{Key: inflight, Fields: map[string]string{id: head[0]}}}, nil
	})
	if err != nil || !took {
		return false, err
	}
	_, err = t.b.HDel(ctx, inflight, id)
	return true, err
}

// refill pushes refillItems onto the claimed queue.
func (t backendTwins) refill(ctx context.Context) error {
	_, err := t.b.RPush(ctx, t.own.queue(), refillItems()...)
	return err
}

// triggerRef is the raw scheduler's reference of a trigger, T:A:I: the
// same for every due time, so that setting a trigger again moves its
// entry in the schedule (ZADD) instead of adding one.
func triggerRef(ident string) string {
	return tenantRaw + ":" + triggerAct + ":" + ident
}

// triggerFields are the fields of a raw trigger record.
func triggerFields(due time.Time, ref string) map[string]string {
	return map[string]string{"due": due.UTC().Format(time.RFC3339Nano), "payload": payload, "ref": ref}
}
