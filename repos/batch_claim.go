package repos

// This file holds the claim protocol of batch queues: Claim takes items
// with a lease, Ack releases them, and expired claims go back to the
// queue. The queue and its claims share a hash slot, so each step is one
// Update over both.

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
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
	// InFlight counts the other claims of the queue still leased.
	InFlight int
}

// Claim atomically takes up to n (at least 1) payloads from queue q,
// leased to the caller for lease (positive), and records them as in
// flight under a new claim id. Claims whose lease ended are reaped first,
// in the same step: their items go back to the head of the queue, and
// this claim may take them. Two claims never hold the same item; an item
// of a claim never acknowledged is claimed again after the lease ends (so
// its processing may run twice). Leases are by the workers' clocks: keep
// them in sync. Cost: 1 Update (it reads the queue's claims and its first
// n items).
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

// Reap returns the items of q's expired claims to the head of the queue
// and reports how many it returned. Claim does it too, so a worker needs
// Reap only to put items back without taking any. Cost: 1 Update.
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

// claim reaps q's expired claims and takes up to n items with lease; it
// returns the claim and the number of items reaped.
func (bt *Batch) claim(ctx context.Context, q Queue, n int, lease time.Duration) (c Claim, reaped int, err error) {
	key, err := bt.key(q)
	if err != nil {
		return Claim{}, 0, err
	}
	inflight := bt.s.keys.inflight(bt.tenant, q.Service, q.Batch, q.Action)
	id := newClaimID()
	err = bt.b.Update(ctx, []string{key, inflight}, func(r store.Reader) ([]store.Op, error) {
		claims, err := r.HGetAll(ctx, inflight)
		if err != nil {
			return nil, err
		}
		now := time.Now()
		expired, back := expiredClaims(claims, now)
		c, reaped = Claim{InFlight: len(claims) - len(expired)}, len(back)
		var head []string
		if need := n - min(n, len(back)); need > 0 {
			if head, err = r.LRange(ctx, key, 0, int64(need-1)); err != nil {
				return nil, err
			}
		}
		fromBack := min(n, len(back))
		c.Items = append(back[:fromBack:fromBack], head...)
		ops := requeueOps(key, inflight, expired, back[fromBack:], len(head))
		if len(c.Items) > 0 {
			c.ID, c.Until = id, now.Add(lease)
			ops = append(ops, &store.HSetOp{Key: inflight, Fields: map[string]string{id: encodeClaim(c.Until, c.Items)}})
		}
		return ops, nil
	})
	return c, reaped, err
}

// requeueOps drops the claims expired, trims the taken items off the
// queue's head, and pushes back the reaped items not taken, in order.
func requeueOps(key, inflight string, expired, back []string, taken int) []store.Op {
	var ops []store.Op
	if len(expired) > 0 {
		ops = append(ops, &store.HDelOp{Key: inflight, Fields: expired})
	}
	if taken > 0 {
		ops = append(ops, &store.LTrimOp{Key: key, Start: int64(taken), Stop: -1})
	}
	if len(back) > 0 {
		rev := slices.Clone(back)
		slices.Reverse(rev)
		ops = append(ops, &store.LPushOp{Key: key, Values: rev})
	}
	return ops
}

// expiredClaims returns the ids of the claims whose lease ended by now
// (or that cannot be decoded), in id order, and their items.
func expiredClaims(claims map[string]string, now time.Time) (ids, items []string) {
	for id, v := range claims {
		if until, _, ok := decodeClaim(v); !ok || !until.After(now) {
			ids = append(ids, id)
		}
	}
	slices.Sort(ids)
	for _, id := range ids {
		_, its, _ := decodeClaim(claims[id])
		items = append(items, its...)
	}
	return ids, items
}

// Ack acknowledges claim id of queue q: its items are done and forgotten.
// It fails with an error wrapping ErrLeaseExpired when the claim's lease
// ended (its items are then put back in the queue, if no Claim or Reap did
// it already) or when there is no such claim. Cost: 1 Update.
func (bt *Batch) Ack(ctx context.Context, q Queue, claimID string) (err error) {
	ctx, span := bt.s.span(ctx, "Batch.Ack", bt.tenant)
	defer span.end(&err)
	key, err := bt.key(q)
	if err != nil {
		return err
	}
	inflight := bt.s.keys.inflight(bt.tenant, q.Service, q.Batch, q.Action)
	var late error
	err = bt.b.Update(ctx, []string{key, inflight}, func(r store.Reader) ([]store.Op, error) {
		late = nil
		v, err := r.HGet(ctx, inflight, claimID)
		if errors.Is(err, store.ErrNotFound) {
			return nil, fmt.Errorf("%w: claim %q is not in flight (reaped after its lease ended, or never made)", ErrLeaseExpired, clipID(claimID))
		}
		if err != nil {
			return nil, err
		}
		until, items, ok := decodeClaim(v)
		if ok && until.After(time.Now()) {
			return []store.Op{&store.HDelOp{Key: inflight, Fields: []string{claimID}}}, nil
		}
		late = fmt.Errorf("%w: claim %q ended at %v; its %d items went back to the queue", ErrLeaseExpired, clipID(claimID), until, len(items))
		return requeueOps(key, inflight, []string{claimID}, items, 0), nil
	})
	if err == nil {
		err = late
		bt.s.tel.claimLost(ctx, bt.tenant, q, late)
	}
	if err != nil {
		return bt.wrap("ack", q, err)
	}
	return nil
}

// MarkPending marks tenant pending for service, as Enqueue does: a worker
// that stops a drain early (after RemovePending, or before its queue is
// empty) calls it so that the rest is seen. opts may be nil; only its
// Prefix is used. Cost: 1 call.
func MarkPending(ctx context.Context, b store.Backend, service, tenant string, opts *Options) error {
	if err := checkID("tenant", tenant); err != nil {
		return err
	}
	key, err := pendingKey(service, opts)
	if err != nil {
		return err
	}
	if _, err := b.SAdd(ctx, key, tenant); err != nil {
		return fmt.Errorf("repos: mark pending tenant %q of %q: %w", clipID(tenant), clipID(service), err)
	}
	return nil
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
