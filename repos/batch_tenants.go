package repos

// This file holds tenant leases: a worker takes a pending tenant of a
// service with ClaimTenant, drains its queues, and gives it up with
// ReleaseTenant. The pending set and the leases share a hash slot, so each
// step is one Update over both.

import (
	"context"
	"errors"
	"fmt"
	mrand "math/rand/v2"
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

	pending, leased string // keys
}

// ClaimTenant leases to the caller, for lease (positive), one tenant with
// pending batches for service: a tenant of the pending set that no live
// lease holds, or one whose lease ended without a ReleaseTenant (its
// worker died). It takes the tenant out of the pending set and records the
// lease in one atomic step; two workers never hold one tenant. ok is false
// when no tenant is free. Tenants are taken in random order, so that
// workers spread over them. opts may be nil; only its Prefix is used.
//
// An Enqueue for a tenant while it is leased marks it pending again: the
// worker's drain sees the item, or the tenant is claimed again once it is
// released, so an item pushed during a drain is never left unseen. Leases
// are by the workers' clocks: keep them in sync.
//
// Cost: 2 calls: a read of up to 64 random members of the pending set
// (not the whole set), then 1 Update over the leases of service (it
// watches the leases, not the pending set, so enqueues do not make claims
// retry).
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
	pending, leased := st.keys.pending(service), st.keys.leasedTenants(service)
	marked, err := b.SRandMember(ctx, pending, tenantSample)
	if err != nil {
		return TenantLease{}, false, fmt.Errorf("repos: claim tenant of %q: %w", clipID(service), err)
	}
	id := newClaimID()
	err = b.Update(ctx, []string{leased}, func(r store.Reader) ([]store.Op, error) {
		ok = false
		leases, err := r.HGetAll(ctx, leased)
		if err != nil {
			return nil, err
		}
		now := time.Now()
		free := make([]string, 0, len(marked)+len(leases))
		for _, tenant := range marked {
			if _, held := leases[tenant]; !held {
				free = append(free, tenant)
			}
		}
		for tenant, v := range leases {
			if until, _, valid := decodeTenantLease(v); !valid || !until.After(now) {
				free = append(free, tenant) // its worker died
			}
		}
		if len(free) == 0 {
			return nil, nil
		}
		ok = true
		l = TenantLease{Service: service, Tenant: free[mrand.IntN(len(free))], ID: id,
			Until: now.Add(lease), pending: pending, leased: leased}
		return []store.Op{
			&store.SRemOp{Key: pending, Members: []string{l.Tenant}},
			&store.HSetOp{Key: leased, Fields: map[string]string{l.Tenant: encodeTenantLease(l.Until, l.ID)}},
		}, nil
	})
	if err != nil {
		return TenantLease{}, false, fmt.Errorf("repos: claim tenant of %q: %w", clipID(service), err)
	}
	return l, ok, nil
}

// tenantSample is how many pending tenants ClaimTenant reads to pick
// one: enough that a few workers holding tenants rarely leave it none
// free while others are pending.
const tenantSample = 64

// ReleaseTenant ends lease once its worker drained the tenant's queues of
// the service, leaving no claim in flight. When claims are still in
// flight (Claim.InFlight > 0), let the lease end instead: the tenant then
// comes back to a worker, which reaps the claims whose worker died. It
// fails with an error wrapping ErrLeaseExpired when the
// lease ended and another worker may hold the tenant; that worker's lease
// is left alone. Cost: 1 Update.
func ReleaseTenant(ctx context.Context, b store.Backend, lease TenantLease) error {
	if lease.leased == "" {
		return fmt.Errorf("%w: release tenant: a lease not made by ClaimTenant", store.ErrInvalidArgument)
	}
	err := b.Update(ctx, []string{lease.leased}, func(r store.Reader) ([]store.Op, error) {
		v, err := r.HGet(ctx, lease.leased, lease.Tenant)
		if err != nil && !errors.Is(err, store.ErrNotFound) {
			return nil, err
		}
		until, id, _ := decodeTenantLease(v)
		if id != lease.ID || !until.After(time.Now()) {
			return nil, fmt.Errorf("%w: tenant lease %q ended at %v", ErrLeaseExpired, clipID(lease.ID), lease.Until)
		}
		return []store.Op{&store.HDelOp{Key: lease.leased, Fields: []string{lease.Tenant}}}, nil
	})
	if err != nil {
		return fmt.Errorf("repos: release tenant %q of %q: %w", clipID(lease.Tenant), clipID(lease.Service), err)
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
