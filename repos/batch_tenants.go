package repos

// This file holds tenant leases: a worker takes a pending tenant of a
// service with ClaimTenant, drains its queues, and gives it up with
// ReleaseTenant. A tenant's pending mark, its lease key and its shard's
// leases by expiry share the shard's hash slot, so a claim is one Update
// over the tenant's lease key.

import (
	"context"
	"errors"
	"fmt"
	"math"
	mrand "math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/mimeiapify/store"
)

// TenantLease is a tenant with pending batches that ClaimTenant leased to
// one worker.
type TenantLease struct {
	// Service and Tenant name what was leased.
	Service, Tenant string
	// ID names the lease for ReleaseTenant.
	ID string
	// Until is when the lease ends, by the worker's clock.
	Until time.Time

	key, leased string // the tenant's lease key and its shard's leases
}

// ClaimTenant leases to the caller, for lease (positive), one tenant with
// pending batches for service: a tenant marked pending that no live lease
// holds, or one whose lease ended without a ReleaseTenant (its worker
// died). It takes the tenant out of its pending shard and records the
// lease in one atomic step; two workers never hold one tenant. ok is false
// when no tenant is free. Shards and tenants are taken in random order, so
// that workers spread over them. opts may be nil; only its Prefix is used.
//
// An Enqueue for a tenant while it is leased marks it pending again: the
// worker's drain sees the item, or the tenant is claimed again once it is
// released, so an item pushed during a drain is never left unseen (see
// Batch). Leases are by the workers' clocks: keep them in sync.
//
// Cost, per shard tried (from a random one, until a tenant is leased): 1
// round trip reading up to 64 random members of the shard's pending set
// and up to 256 of its leases, ended ones first (two calls sent at the
// same time; never a whole pending set), then 1 Update over the lease key
// of a free candidate. With pending tenants in most shards that is 3
// round trips; a poll that finds nothing pending costs 2 x PendingShards
// calls (32), so idle workers should poll at a modest pace.
func ClaimTenant(ctx context.Context, b store.Backend, service string, lease time.Duration, opts *Options) (l TenantLease, ok bool, err error) {
	if lease <= 0 {
		return TenantLease{}, false, fmt.Errorf("%w: claim tenant needs a positive lease, got %v", store.ErrInvalidArgument, lease)
	}
	if err := checkID("service", service); err != nil {
		return TenantLease{}, false, err
	}
	st, err := opts.resolve()
	if err != nil {
		return TenantLease{}, false, err
	}
	ctx, span := st.span(ctx, "ClaimTenant", "")
	defer span.end(&err)
	start := mrand.IntN(PendingShards)
	for i := range PendingShards {
		l, ok, err = claimInShard(ctx, b, st.keys, service, (start+i)%PendingShards, lease)
		if err != nil {
			return TenantLease{}, false, fmt.Errorf("repos: claim tenant of %q: %w", clipID(service), err)
		}
		if ok {
			return l, true, nil
		}
	}
	return TenantLease{}, false, nil
}

// tenantSample is how many pending tenants ClaimTenant reads from a shard
// to pick one: enough that a few workers holding tenants rarely leave it
// none free while others are pending.
const tenantSample = 64

// leaseSample is how many leases of a shard ClaimTenant reads, ended ones
// first: about one per worker holding a tenant of the shard.
const leaseSample = 256

// tenantTries is how many candidates of a shard ClaimTenant tries to
// lease before it moves on to the next shard.
const tenantTries = 8

// claimInShard leases a free tenant of one shard, if it finds one.
func claimInShard(ctx context.Context, b store.Backend, k keyspace, service string, shard int, lease time.Duration) (TenantLease, bool, error) {
	pending, leased := k.pendingShard(service, shard), k.leasedShard(service, shard)
	var marked []string
	var leases []store.ZMember
	var err1, err2 error
	concurrently(
		func() { marked, err1 = b.SRandMember(ctx, pending, tenantSample) },
		func() { leases, err2 = b.ZRangeByScore(ctx, leased, math.Inf(-1), math.Inf(1), leaseSample) })
	if err := errors.Join(err1, err2); err != nil {
		return TenantLease{}, false, err
	}
	// Leases come by their end, ended first: those are free (their worker
	// died), the others held; a marked tenant past the sample's last
	// lease may be held too, and its Update then finds it so.
	now := float64(time.Now().UnixMilli())
	held := map[string]bool{}
	candidates := make([]string, 0, len(marked)+len(leases))
	for _, l := range leases {
		if l.Score > now {
			held[l.Member] = true
		} else {
			candidates = append(candidates, l.Member)
		}
	}
	free := len(candidates)
	for _, t := range marked {
		if !held[t] && !slices.Contains(candidates[:free], t) {
			candidates = append(candidates, t)
		}
	}
	mrand.Shuffle(len(candidates), func(i, j int) { candidates[i], candidates[j] = candidates[j], candidates[i] })
	for _, tenant := range candidates[:min(len(candidates), tenantTries)] {
		if checkID("tenant", tenant) != nil {
			continue // not written by Enqueue
		}
		l, ok, err := leaseTenant(ctx, b, k, service, tenant, pending, leased, lease)
		if err != nil || ok {
			return l, ok, err
		}
	}
	return TenantLease{}, false, nil
}

// leaseTenant leases tenant unless a live lease holds it: one Update over
// the tenant's lease key that sets the key, unmarks the tenant and records
// the lease's end in the shard's leases.
func leaseTenant(ctx context.Context, b store.Backend, k keyspace, service, tenant, pending, leased string, lease time.Duration) (TenantLease, bool, error) {
	key := k.tenantLease(service, tenant)
	id := newClaimID()
	var l TenantLease
	ok := false
	err := b.Update(ctx, []string{key}, func(r store.Reader) ([]store.Op, error) {
		ok = false
		v, err := r.Get(ctx, key)
		if err != nil && !errors.Is(err, store.ErrNotFound) {
			return nil, err
		}
		now := time.Now()
		if until, _, valid := decodeTenantLease(v); err == nil && valid && until.After(now) {
			return nil, nil // held
		}
		ok = true
		l = TenantLease{Service: service, Tenant: tenant, ID: id, Until: now.Add(lease), key: key, leased: leased}
		return []store.Op{
			// The key's TTL only collects the keys of dead workers; the
			// lease ends by the workers' clocks, at Until.
			&store.SetOp{Key: key, Value: encodeTenantLease(l.Until, id), TTL: lease + tenantLeaseSlack},
			&store.SRemOp{Key: pending, Members: []string{tenant}},
			&store.ZAddOp{Key: leased, Members: []store.ZMember{{Member: tenant, Score: float64(l.Until.UnixMilli())}}},
		}, nil
	})
	if err != nil || !ok {
		return TenantLease{}, false, err
	}
	return l, true, nil
}

// tenantLeaseSlack is how much longer than its lease a tenant's lease key
// lives, so that the server drops it only after every worker's clock
// says the lease ended.
const tenantLeaseSlack = time.Minute

// ReleaseTenant ends lease once its worker drained the tenant's queues of
// the service, leaving no claim in flight. When claims are still in
// flight (Claim.InFlight > 0), let the lease end instead: the tenant then
// comes back to a worker, which reaps the claims whose worker died. It
// fails with an error wrapping ErrLeaseExpired when the
// lease ended and another worker may hold the tenant; that worker's lease
// is left alone. Cost: 1 Update over the tenant's lease key.
func ReleaseTenant(ctx context.Context, b store.Backend, lease TenantLease) error {
	if lease.key == "" {
		return fmt.Errorf("%w: release tenant: a lease not made by ClaimTenant", store.ErrInvalidArgument)
	}
	err := b.Update(ctx, []string{lease.key}, func(r store.Reader) ([]store.Op, error) {
		v, err := r.Get(ctx, lease.key)
		if err != nil && !errors.Is(err, store.ErrNotFound) {
			return nil, err
		}
		_, id, _ := decodeTenantLease(v)
		if err != nil || id != lease.ID || !lease.Until.After(time.Now()) {
			return nil, fmt.Errorf("%w: tenant lease %q ended at %v", ErrLeaseExpired, clipID(lease.ID), lease.Until)
		}
		return []store.Op{
			&store.DelOp{Key: lease.key},
			&store.ZRemOp{Key: lease.leased, Members: []string{lease.Tenant}},
		}, nil
	})
	if err != nil {
		return fmt.Errorf("repos: release tenant %q of %q: %w", clipID(lease.Tenant), clipID(lease.Service), err)
	}
	return nil
}

// MarkPending marks tenant pending for service, as Enqueue does: a worker
// that stops a drain early (after RemovePending, or before its queue is
// empty) calls it so that the rest is seen, and so does the caller of an
// Enqueue that failed with ErrNotMarked. opts may be nil; only its Prefix
// is used. Cost: 1 call.
func MarkPending(ctx context.Context, b store.Backend, service, tenant string, opts *Options) error {
	if err := checkID("tenant", tenant); err != nil {
		return err
	}
	k, err := pendingKeys(service, opts)
	if err != nil {
		return err
	}
	if _, err := b.SAdd(ctx, k.pending(service, tenant), tenant); err != nil {
		return fmt.Errorf("repos: mark pending tenant %q of %q: %w", clipID(tenant), clipID(service), err)
	}
	return nil
}

// encodeTenantLease encodes a lease's end (Unix milliseconds) and id.
func encodeTenantLease(until time.Time, id string) string {
	return strconv.FormatInt(until.UnixMilli(), 10) + " " + id
}

// decodeTenantLease reverses encodeTenantLease; ok is false for a
// malformed value.
func decodeTenantLease(v string) (until time.Time, id string, ok bool) {
	head, id, found := strings.Cut(v, " ")
	ms, err := strconv.ParseInt(head, 10, 64)
	if !found || err != nil {
		return time.Time{}, "", false
	}
	return time.UnixMilli(ms), id, true
}
