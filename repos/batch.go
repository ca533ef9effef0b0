package repos

import (
	"context"
	"errors"
	"fmt"
	"sync"

	"github.com/mimeiapify/store"
)

// Queue names one batch queue of a tenant: the service that consumes it
// (a mailer, an indexer), the batch name and the action.
type Queue struct {
	Service, Batch, Action string
}

// Batch holds the batch queues of one tenant: lists of payloads that a
// worker of the queue's service reads in chunks. Each service has a set of
// its pending tenants, spread over PendingShards shards (see
// PendingTenants), so a worker finds the tenants with work without a scan.
// Create one with NewBatch. It is safe for concurrent use.
//
// Workers that must not lose work when they die use leases, on tenants
// and on items: ClaimTenant takes a pending tenant; the worker then
// Claims, processes and Acks its items until Claim returns none; then it
// calls ReleaseTenant, unless that last Claim reported claims still in
// flight (Claim.InFlight > 0): then it lets the tenant's lease end, and
// the tenant comes back to a worker, whose Claim reaps the claims of
// workers that died. A tenant thus leaves the pending set only while a
// worker holds it or once its queue is empty and no claim is in flight:
// the tenant of a worker that dies is claimed again when its lease ends,
// and so are the items of its unacknowledged claims. No two workers hold
// one tenant.
//
// An item pushed while a worker holds the tenant is never left unseen.
// Enqueue sends its push and its pending mark at the same time (two slots,
// one round trip of latency), so the mark may land first, be taken by a
// ClaimTenant, and the worker may find the queue empty before the push
// lands. The push therefore reports the queue's length: when the queue was
// empty before it, Enqueue marks the tenant again after the push (a second
// round trip); when the queue already held items, the worker that takes
// those items drains on to the new ones, which stand behind them. So once
// every Enqueue has returned, each acknowledged item is in its queue (or
// in a claim) and its tenant is pending or leased, or an item ahead of it
// is: a worker will see it. With a TTL, Enqueue pushes (with the TTL, in
// one atomic step), then marks: two round trips.
//
// Callers who drain by hand use Chunk and Trim: for each tenant of
// PendingTenants, first RemovePending, then drain the tenant's queues
// (Chunk, process, Trim, until Len is 0). An item pushed before the
// RemovePending is seen by the drain, and one pushed after marks the
// tenant again (by the rule above); but a worker that dies mid-drain
// leaves the rest of the queue unmarked until the tenant's next Enqueue.
//
// When Enqueue fails it says what it left: a failed push (the error is
// not ErrNotMarked) may leave a pending mark for a queue without the
// items, which is harmless (a worker finds nothing and moves on); a push
// that landed without its mark fails with ErrNotMarked after one more try
// to mark: enqueue again (the items are then queued twice, and processed
// at least once) or call MarkPending.
type Batch struct {
	b      store.Backend
	s      settings
	tenant string
}

// NewBatch returns the batch repository of tenant. opts may be nil; its
// TTL, when set, is given to a queue at each Enqueue (0: queues never
// expire). It fails with ErrInvalidID when the tenant is empty or too
// long, and with ErrInvalidOption on bad options.
func NewBatch(b store.Backend, tenant string, opts *Options) (*Batch, error) {
	if err := checkID("tenant", tenant); err != nil {
		return nil, err
	}
	s, err := opts.resolve()
	if err != nil {
		return nil, err
	}
	return &Batch{b: b, s: s, tenant: tenant}, nil
}

// key validates q and returns its key.
func (bt *Batch) key(q Queue) (string, error) {
	if err := checkIDs("service", q.Service, "batch", q.Batch, "action", q.Action); err != nil {
		return "", err
	}
	return bt.s.keys.batch(bt.tenant, q.Service, q.Batch, q.Action), nil
}

// wrap names a queue in an error.
func (bt *Batch) wrap(op string, q Queue, err error) error {
	return fmt.Errorf("repos: batch %s %q/%q/%q of tenant %q: %w",
		op, clipID(q.Service), clipID(q.Batch), clipID(q.Action), clipID(bt.tenant), err)
}

// ErrNotMarked is wrapped by the error of an Enqueue whose items are in
// their queue but whose tenant it could not mark pending: enqueue again or
// call MarkPending, else no worker finds them until the tenant's next
// Enqueue for the service.
var ErrNotMarked = errors.New("repos: batch items queued but their tenant is not marked pending")

// Enqueue appends payload to queue q and marks the tenant pending for q's
// service; see EnqueueAll.
func (bt *Batch) Enqueue(ctx context.Context, q Queue, payload string, opts ...CallOption) (err error) {
	ctx, span := bt.s.span(ctx, "Batch.Enqueue", bt.tenant)
	defer span.end(&err)
	return bt.EnqueueAll(ctx, q, []string{payload}, opts...)
}

// EnqueueAll appends payloads (at least one), in order, to queue q as one
// step, and marks the tenant pending for q's service. With a TTL (the
// repository's or WithTTL's) the queue gets it in the same atomic step as
// the push.
//
// Cost: 2 calls (the queue and the pending shard live in different hash
// slots). Without a TTL they are sent at the same time: one round trip of
// latency when the queue already held items; when it was empty, a third
// call marks the tenant again after the push (see Batch). With a TTL, the
// push, then the mark: two round trips. On failure see Batch and
// ErrNotMarked.
func (bt *Batch) EnqueueAll(ctx context.Context, q Queue, payloads []string, opts ...CallOption) (err error) {
	ctx, span := bt.s.span(ctx, "Batch.EnqueueAll", bt.tenant)
	defer span.end(&err)
	key, err := bt.key(q)
	if err != nil {
		return err
	}
	if len(payloads) == 0 {
		return fmt.Errorf("%w: batch enqueue: no payload given", store.ErrInvalidArgument)
	}
	ttl, err := ttlFor(bt.s.ttl, opts)
	if err != nil {
		return err
	}
	// The pending shard's TTL covers the queue's (see applyIndexed), so the
	// set never outlives the queues that made it.
	pending := bt.s.keys.pending(q.Service, bt.tenant)
	mark := func() error {
		return applyIndexed(ctx, bt.b, pending, ttl, &store.SAddOp{Key: pending, Members: []string{bt.tenant}})
	}
	var pushErr, markErr error
	var again bool // mark (again) after the push
	if ttl == 0 {
		var n int64
		concurrently(func() { n, pushErr = bt.b.RPush(ctx, key, payloads...) }, func() { markErr = mark() })
		again = markErr != nil || n == int64(len(payloads))
	} else {
		pushErr = bt.b.Apply(ctx, &store.RPushOp{Key: key, Values: payloads}, &store.ExpireOp{Key: key, TTL: ttl})
		if pushErr == nil {
			again = mark() != nil
		}
	}
	if pushErr != nil {
		return bt.wrap("enqueue", q, pushErr)
	}
	if again {
		if err := mark(); err != nil {
			return bt.wrap("enqueue", q, fmt.Errorf("%w: %w", ErrNotMarked, err))
		}
	}
	return nil
}

// concurrently runs f and g at the same time and returns when both have.
func concurrently(f, g func()) {
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		f()
	}()
	g()
	wg.Wait()
}

// Chunk returns the payloads of q from index start to stop, both
// included; negative indexes count from the end (-1 is the last), and the
// range is clamped to the queue as Redis' LRANGE does. A missing queue
// gives none. Cost: 1 call.
func (bt *Batch) Chunk(ctx context.Context, q Queue, start, stop int64) (_ []string, err error) {
	ctx, span := bt.s.span(ctx, "Batch.Chunk", bt.tenant)
	defer span.end(&err)
	key, err := bt.key(q)
	if err != nil {
		return nil, err
	}
	items, err := bt.b.LRange(ctx, key, start, stop)
	if err != nil {
		return nil, bt.wrap("chunk", q, err)
	}
	return items, nil
}

// Trim keeps only the payloads of q from start to stop, both included (as
// Redis' LTRIM; Trim(ctx, q, n, -1) drops the first n). A range that keeps
// nothing deletes the queue. It is for callers who drain by hand: it does
// not coordinate with Claim, so do not Trim a queue that workers Claim
// from. Cost: 1 call.
func (bt *Batch) Trim(ctx context.Context, q Queue, start, stop int64) (err error) {
	ctx, span := bt.s.span(ctx, "Batch.Trim", bt.tenant)
	defer span.end(&err)
	key, err := bt.key(q)
	if err != nil {
		return err
	}
	if err := bt.b.LTrim(ctx, key, start, stop); err != nil {
		return bt.wrap("trim", q, err)
	}
	return nil
}

// Len returns the number of payloads in q; 0 for a missing queue. Cost: 1
// call.
func (bt *Batch) Len(ctx context.Context, q Queue) (_ int64, err error) {
	ctx, span := bt.s.span(ctx, "Batch.Len", bt.tenant)
	defer span.end(&err)
	key, err := bt.key(q)
	if err != nil {
		return 0, err
	}
	n, err := bt.b.LLen(ctx, key)
	if err != nil {
		return 0, bt.wrap("len", q, err)
	}
	return n, nil
}

// PendingTenants returns the tenants marked pending for service by
// Enqueue, in no particular order; tenants leased by ClaimTenant are not
// listed until they are marked again or their lease ends and another
// ClaimTenant takes them. opts may be nil; only its Prefix is
// used. Cost: PendingShards calls (one per shard, each reading the whole
// shard).
func PendingTenants(ctx context.Context, b store.Backend, service string, opts *Options) ([]string, error) {
	k, err := pendingKeys(service, opts)
	if err != nil {
		return nil, err
	}
	var tenants []string
	for shard := range PendingShards {
		some, err := b.SMembers(ctx, k.pendingShard(service, shard))
		if err != nil {
			return nil, fmt.Errorf("repos: pending tenants of %q: %w", clipID(service), err)
		}
		tenants = append(tenants, some...)
	}
	return tenants, nil
}

// RemovePending unmarks tenant as pending for service, and reports
// whether it was marked. A worker draining by hand calls it before
// draining the tenant's queues (see Batch); ClaimTenant does it for
// workers that use leases. opts may be nil; only its Prefix is used. Cost: 1
// call.
func RemovePending(ctx context.Context, b store.Backend, service, tenant string, opts *Options) (bool, error) {
	if err := checkID("tenant", tenant); err != nil {
		return false, err
	}
	k, err := pendingKeys(service, opts)
	if err != nil {
		return false, err
	}
	n, err := b.SRem(ctx, k.pending(service, tenant), tenant)
	if err != nil {
		return false, fmt.Errorf("repos: remove pending tenant %q of %q: %w", clipID(tenant), clipID(service), err)
	}
	return n > 0, nil
}

// pendingKeys validates service and opts and returns the keyspace.
func pendingKeys(service string, opts *Options) (keyspace, error) {
	if err := checkID("service", service); err != nil {
		return keyspace{}, err
	}
	s, err := opts.resolve()
	if err != nil {
		return keyspace{}, err
	}
	return s.keys, nil
}
