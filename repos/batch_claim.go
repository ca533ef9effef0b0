package repos

// This file holds the claim protocol of batch queues: Claim takes items
// with a lease, Ack releases them, and expired claims go back to the
// queue. Each claim has its own record and an entry in the queue's claims
// by lease end, in the queue's hash slot: an Ack touches only its own
// claim, and a Claim watches only the queue's head, so Acks, Enqueues and
// Claims never make one another retry, except two Claims taking the same
// head at once.

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/mimeiapify/store"
)

// Claim is what Batch.Claim took from a queue.
type Claim struct {
	// ID names the claim for Ack.
	ID string
	// Items are the payloads taken, oldest first; empty when the queue
	// was empty (and then ID is "").
	Items []string
	// Until is when the lease ends, by the worker's clock.
	Until time.Time
	// InFlight counts the other claims of the queue still leased (read
	// at the start of the Claim, up to 1024).
	InFlight int
}

// inflightRead is how many entries of a queue's claims a Claim reads:
// the live ones are counted in Claim.InFlight, the ended ones reaped.
const inflightRead = 1024

// reapMax is how many ended claims one Claim or Reap returns to the queue
// (each costs a read of its record); the next call takes the rest.
const reapMax = 8

// claimField is the field of a claim record that holds its lease end and
// items (see encodeClaim).
const claimField = "c"

// Claim atomically takes up to n (at least 1) payloads from queue q,
// leased to the caller for lease (positive), and records them as in
// flight under a new claim id. Claims whose lease ended are reaped first,
// in the same step: their items go back to the head of the queue, and
// this claim may take them. Two claims never hold the same item; an item
// of a claim never acknowledged is claimed again after the lease ends (so
// its processing may run twice). Leases are by the workers' clocks: keep
// them in sync.
//
// Cost: 1 read of the queue's claims (up to 1024 entries: one per claim
// in flight), then 1 Update watching only the queue's head version: its
// reads are the first n items (and the record of each ended claim it
// reaps), its writes the trimmed queue, the claim's record and its entry
// in the queue's claims. 3 round trips; Acks and Enqueues never make it
// retry, other Claims of the same queue may.
func (bt *Batch) Claim(ctx context.Context, q Queue, n int, lease time.Duration) (_ Claim, err error) {
	ctx, span := bt.s.span(ctx, "Batch.Claim", bt.tenant)
	defer span.end(&err)
	if n < 1 || lease <= 0 {
		return Claim{}, fmt.Errorf("%w: batch claim needs n >= 1 and a positive lease, got %d and %v", store.ErrInvalidArgument, n, lease)
	}
	c, reaped, err := bt.claim(ctx, q, n, lease)
	if err != nil {
		return Claim{}, bt.wrap("claim", q, err)
	}
	bt.s.tel.reaped(ctx, bt.tenant, q, reaped)
	return c, nil
}

// Reap returns the items of q's expired claims (up to 8 claims) to the
// head of the queue and reports how many it returned. Claim does it too,
// so a worker needs Reap only to put items back without taking any. Cost:
// as Claim's.
func (bt *Batch) Reap(ctx context.Context, q Queue) (_ int, err error) {
	ctx, span := bt.s.span(ctx, "Batch.Reap", bt.tenant)
	defer span.end(&err)
	_, n, err := bt.claim(ctx, q, 0, 0)
	if err != nil {
		return 0, bt.wrap("reap", q, err)
	}
	bt.s.tel.reaped(ctx, bt.tenant, q, n)
	return n, nil
}

// keysOf validates q and returns its keys.
func (bt *Batch) keysOf(q Queue) (queueKeys, error) {
	if err := checkIDs("service", q.Service, "batch", q.Batch, "action", q.Action); err != nil {
		return queueKeys{}, err
	}
	return bt.s.keys.queueKeys(bt.tenant, q.Service, q.Batch, q.Action), nil
}

// claim reaps q's expired claims and takes up to n items with lease; it
// returns the claim and the number of items reaped.
func (bt *Batch) claim(ctx context.Context, q Queue, n int, lease time.Duration) (c Claim, reaped int, err error) {
	qk, err := bt.keysOf(q)
	if err != nil {
		return Claim{}, 0, err
	}
	entries, err := bt.b.ZRangeByScore(ctx, qk.claims, math.Inf(-1), math.Inf(1), inflightRead)
	if err != nil {
		return Claim{}, 0, err
	}
	start := time.Now()
	var ended []string
	for _, e := range entries {
		if e.Score <= float64(start.UnixMilli()) && len(ended) < reapMax {
			ended = append(ended, e.Member)
		}
	}
	live := 0
	for _, e := range entries {
		if e.Score > float64(start.UnixMilli()) {
			live++
		}
	}
	// The claim's id and lease end are made once, before the step (the
	// lease counts from a moment earlier than the step, never later), so
	// that its record's key is known to the Update: nobody else writes it,
	// and a backend that locks the keys it is given takes it at once.
	until := time.Now().Add(lease)
	id := newItemClaimID(until)
	watch := []string{qk.head, qk.record(id)}
	for _, id := range ended {
		watch = append(watch, qk.record(id))
	}
	err = bt.b.Update(ctx, watch, func(r store.Reader) ([]store.Op, error) {
		now := time.Now()
		c, reaped = Claim{InFlight: live}, 0
		var ops []store.Op
		var back, gone []string
		for _, id := range ended {
			rec, err := r.HGetAll(ctx, qk.record(id))
			if err != nil {
				return nil, err
			}
			until, items, ok := decodeClaim(rec[claimField])
			if len(rec) > 0 && ok && until.After(now) {
				continue // not ended after all (a clock moved)
			}
			gone = append(gone, id)
			if len(rec) > 0 {
				ops = append(ops, &store.DelOp{Key: qk.record(id)})
				back = append(back, items...)
			}
		}
		if len(gone) > 0 {
			ops = append(ops, &store.ZRemOp{Key: qk.claims, Members: gone})
		}
		reaped = len(back)
		fromBack := min(n, len(back))
		var head []string
		if need := n - fromBack; need > 0 {
			var err error
			if head, err = r.LRange(ctx, qk.queue, 0, int64(need-1)); err != nil {
				return nil, err
			}
		}
		c.Items = append(back[:fromBack:fromBack], head...)
		ops = append(ops, headOps(qk, len(head), back[fromBack:])...)
		if len(c.Items) > 0 {
			c.Until, c.ID = until, id
			ops = append(ops,
				&store.HSetOp{Key: qk.record(c.ID), Fields: map[string]string{claimField: encodeClaim(c.Until, c.Items)}},
				&store.ZAddOp{Key: qk.claims, Members: []store.ZMember{{Member: c.ID, Score: float64(c.Until.UnixMilli())}}})
		}
		return ops, nil
	})
	return c, reaped, err
}

// headOps trims the taken items off the queue's head and pushes back the
// reaped items not taken, in order; when either changes the head, they
// write and delete the head version key, so that a concurrent Claim that
// read the old head retries.
func headOps(qk queueKeys, taken int, back []string) []store.Op {
	var ops []store.Op
	if taken > 0 {
		ops = append(ops, &store.LTrimOp{Key: qk.queue, Start: int64(taken), Stop: -1})
	}
	if len(back) > 0 {
		rev := slices.Clone(back)
		slices.Reverse(rev)
		ops = append(ops, &store.LPushOp{Key: qk.queue, Values: rev})
	}
	if len(ops) > 0 {
		ops = append(ops, touchOps(qk.head)...)
	}
	return ops
}

// touchOps write and delete key: watchers of key see a change, and the
// key does not persist.
func touchOps(key string) []store.Op {
	return []store.Op{&store.SetOp{Key: key, Value: "1"}, &store.DelOp{Key: key}}
}

// Ack acknowledges claim id of queue q: its items are done and forgotten.
// It fails with an error wrapping ErrLeaseExpired when the claim's lease
// ended (its items are then put back in the queue, if no Claim or Reap did
// it already) or when there is no such claim. Cost: 1 Apply over the
// claim's own keys (its record and its entry in the queue's claims), which
// no other Ack or Claim watches; after the lease's end (the id carries
// it), 1 Update that puts the items back.
func (bt *Batch) Ack(ctx context.Context, q Queue, claimID string) (err error) {
	ctx, span := bt.s.span(ctx, "Batch.Ack", bt.tenant)
	defer span.end(&err)
	qk, err := bt.keysOf(q)
	if err != nil {
		return err
	}
	until, valid := claimIDUntil(claimID)
	switch {
	case !valid:
		err = notInFlight(claimID)
	case time.Now().Before(until):
		rec := qk.record(claimID)
		read := &store.HGetAllOp{Key: rec}
		err = bt.b.Apply(ctx, read, &store.DelOp{Key: rec}, &store.ZRemOp{Key: qk.claims, Members: []string{claimID}})
		if err == nil && len(read.Result) == 0 {
			err = notInFlight(claimID)
		}
	default:
		err = bt.lateAck(ctx, q, qk, claimID)
	}
	if err != nil {
		return bt.wrap("ack", q, err)
	}
	return nil
}

// notInFlight is Ack's error for a claim that is gone.
func notInFlight(claimID string) error {
	return fmt.Errorf("%w: claim %q is not in flight (reaped after its lease ended, or never made)", ErrLeaseExpired, clipID(claimID))
}

// lateAck drops a claim whose lease ended and puts its items back at the
// head of the queue, unless a Claim or Reap did; it returns an error
// wrapping ErrLeaseExpired (notInFlight when the claim is gone).
func (bt *Batch) lateAck(ctx context.Context, q Queue, qk queueKeys, claimID string) error {
	rec := qk.record(claimID)
	var late error
	err := bt.b.Update(ctx, []string{qk.head, rec}, func(r store.Reader) ([]store.Op, error) {
		v, err := r.HGetAll(ctx, rec)
		if err != nil {
			return nil, err
		}
		if len(v) == 0 {
			return nil, notInFlight(claimID)
		}
		until, items, _ := decodeClaim(v[claimField])
		late = fmt.Errorf("%w: claim %q ended at %v; its %d items went back to the queue", ErrLeaseExpired, clipID(claimID), until, len(items))
		ops := []store.Op{&store.DelOp{Key: rec}, &store.ZRemOp{Key: qk.claims, Members: []string{claimID}}}
		return append(ops, headOps(qk, 0, items)...), nil
	})
	if err != nil {
		return err
	}
	bt.s.tel.claimLost(ctx, bt.tenant, q, late)
	return late
}

// newItemClaimID returns a new id for a claim of items leased until
// until: 16 random hex digits, '-' and until in decimal Unix
// milliseconds, so that Ack knows, before any call, whether the lease
// ended.
func newItemClaimID(until time.Time) string {
	var b [8]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:]) + "-" + strconv.FormatInt(until.UnixMilli(), 10)
}

// claimIDUntil returns the lease end an id of newItemClaimID carries; ok
// is false for an id it did not make.
func claimIDUntil(id string) (time.Time, bool) {
	random, ms, found := strings.Cut(id, "-")
	if !found || len(random) != 16 {
		return time.Time{}, false
	}
	if _, err := hex.DecodeString(random); err != nil {
		return time.Time{}, false
	}
	v, err := strconv.ParseInt(ms, 10, 64)
	if err != nil || strconv.FormatInt(v, 10) != ms {
		return time.Time{}, false
	}
	return time.UnixMilli(v), true
}

// newClaimID returns a random claim id.
func newClaimID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// encodeClaim encodes a claim's lease end and items: the end in Unix
// milliseconds, then each item as its length, ':' and its bytes.
func encodeClaim(until time.Time, items []string) string {
	var b strings.Builder
	b.WriteString(strconv.FormatInt(until.UnixMilli(), 10))
	for _, it := range items {
		b.WriteByte(' ')
		b.WriteString(strconv.Itoa(len(it)))
		b.WriteByte(':')
		b.WriteString(it)
	}
	return b.String()
}

// decodeClaim reverses encodeClaim; ok is false for a malformed value.
func decodeClaim(v string) (until time.Time, items []string, ok bool) {
	head, rest, _ := strings.Cut(v, " ")
	ms, err := strconv.ParseInt(head, 10, 64)
	if err != nil {
		return time.Time{}, nil, false
	}
	for rest != "" {
		ns, tail, found := strings.Cut(rest, ":")
		n, err := strconv.Atoi(ns)
		if !found || err != nil || n < 0 || n > len(tail) {
			return time.UnixMilli(ms), items, false
		}
		items = append(items, tail[:n])
		rest = strings.TrimPrefix(tail[n:], " ")
	}
	return time.UnixMilli(ms), items, true
}
