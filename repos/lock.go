package repos

// This file holds lease locks: a string key holding the holder's random
// token, with the lease as the key's TTL on the server.

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	mrand "math/rand/v2"
	"time"

	"github.com/mimeiapify/store"
)

// ErrLocked is returned by Locks.TryLock when another holder has the
// lock.
var ErrLocked = errors.New("repos: lock is held by another holder")

// ErrLockLost is returned by Lock.Unlock and Lock.Refresh when the handle
// no longer holds its lock: its lease ended (and another holder may have
// taken the lock since) or it was already unlocked. Nothing is changed
// then, so a late holder never releases or extends another's lock.
var ErrLockLost = errors.New("repos: lock not held (lease ended or unlocked)")

// Lock acquisition backoff: a waiting Lock retries after a random pause
// (full jitter) in [0, d), d doubling from lockMinBackoff up to
// lockMaxBackoff.
const (
	lockMinBackoff = 2 * time.Millisecond
	lockMaxBackoff = 100 * time.Millisecond
)

// Locks are the lease locks of one tenant, each named by the caller (a
// user id to serialise the messages of one user, a job name). A lock is
// held for a lease: it is freed when its holder calls Unlock, or when the
// lease ends if the holder died or stopped calling Refresh. The lease is
// the TTL of the lock's key on the server, so the holders' clocks do not
// matter. Create one with NewLocks. It is safe for concurrent use.
//
// Guarantee: while a lease lasts no other caller gets the lock. Like every
// lease lock it cannot stop a holder that stalls past its lease (a long GC
// pause, a partitioned network) from going on while a new holder runs:
// keep leases well above the work they cover, Refresh long work, and make
// the work safe to overlap when that matters (a fencing check on write).
// On a Redis replica set or cluster, a failover that loses the lock's key
// frees the lock early (replication is asynchronous).
type Locks struct {
	b      store.Backend
	s      settings
	tenant string
}

// NewLocks returns the lease locks of tenant. opts may be nil; only its
// Prefix is used (a lock's lease is given per call). It fails with
// ErrInvalidID when the tenant is empty or too long, and with
// ErrInvalidOption on bad options.
func NewLocks(b store.Backend, tenant string, opts *Options) (*Locks, error) {
	if err := checkID("tenant", tenant); err != nil {
		return nil, err
	}
	s, err := opts.resolve()
	if err != nil {
		return nil, err
	}
	return &Locks{b: b, s: s, tenant: tenant}, nil
}

// Lock is one holding of a lease lock, returned by Locks.Lock and
// Locks.TryLock. Only this handle can Unlock or Refresh it: the lock's key
// holds a random token that both calls compare in the same atomic step as
// their write. It is safe for concurrent use.
type Lock struct {
	l     *Locks
	name  string
	key   string
	token string
}

// Name returns the lock's name.
func (lk *Lock) Name() string { return lk.name }

// wrap names a lock in an error.
func (l *Locks) wrap(op, name string, err error) error {
	return fmt.Errorf("repos: lock %s %q of tenant %q: %w", op, clipID(name), clipID(l.tenant), err)
}

// prepare validates a lock call and returns a new handle for it.
func (l *Locks) prepare(op, name string, ttl time.Duration) (*Lock, error) {
	if err := checkID("lock name", name); err != nil {
		return nil, l.wrap(op, name, err)
	}
	if ttl <= 0 {
		return nil, l.wrap(op, name, fmt.Errorf("%w: lease %v is not positive", ErrInvalidOption, ttl))
	}
	return &Lock{l: l, name: name, key: l.s.keys.lock(l.tenant, name), token: newLockToken()}, nil
}

// TryLock takes the lock name for the lease ttl (positive) if it is free,
// and fails at once with an error wrapping ErrLocked if another holder has
// it. Cost: 1 call (SET NX with the lease as TTL).
func (l *Locks) TryLock(ctx context.Context, name string, ttl time.Duration) (_ *Lock, err error) {
	ctx, span := l.s.span(ctx, "Locks.TryLock", l.tenant)
	defer span.end(&err)
	lk, err := l.prepare("try", name, ttl)
	if err != nil {
		return nil, err
	}
	ok, err := l.b.SetNX(ctx, lk.key, lk.token, ttl)
	if err != nil {
		return nil, l.wrap("try", name, err)
	}
	if !ok {
		return nil, l.wrap("try", name, ErrLocked)
	}
	return lk, nil
}

// Lock takes the lock name for the lease ttl (positive), waiting while
// another holder has it, until ctx is done (then it fails with an error
// wrapping ctx.Err()). A waiter retries after a random pause that doubles
// from 2 ms up to 100 ms (full jitter, so waiters spread out); it is not
// fair: a newcomer may get the lock before an older waiter. Cost: 1 call
// per attempt.
func (l *Locks) Lock(ctx context.Context, name string, ttl time.Duration) (_ *Lock, err error) {
	ctx, span := l.s.span(ctx, "Locks.Lock", l.tenant)
	defer span.end(&err)
	lk, err := l.prepare("lock", name, ttl)
	if err != nil {
		return nil, err
	}
	var timer *time.Timer
	for backoff := lockMinBackoff; ; backoff = min(2*backoff, lockMaxBackoff) {
		ok, err := l.b.SetNX(ctx, lk.key, lk.token, ttl)
		if err != nil {
			return nil, l.wrap("lock", name, err)
		}
		if ok {
			return lk, nil
		}
		pause := time.Duration(mrand.Int64N(int64(backoff))) + time.Millisecond/2
		if timer == nil {
			timer = time.NewTimer(pause)
			defer timer.Stop()
		} else {
			timer.Reset(pause)
		}
		select {
		case <-ctx.Done():
			return nil, l.wrap("lock", name, ctx.Err())
		case <-timer.C:
		}
	}
}

// Unlock frees the lock if this handle still holds it; else it fails with
// an error wrapping ErrLockLost and changes nothing. The token check and
// the delete are one atomic step. Cost: one optimistic Update.
func (lk *Lock) Unlock(ctx context.Context) (err error) {
	ctx, span := lk.l.s.span(ctx, "Lock.Unlock", lk.l.tenant)
	defer span.end(&err)
	return lk.guarded(ctx, "unlock", &store.DelOp{Key: lk.key})
}

// Refresh starts a new lease of ttl (positive) from now if this handle
// still holds the lock; else it fails with an error wrapping ErrLockLost
// and changes nothing. Holders of long work call it well before the lease
// ends. Cost: one optimistic Update.
func (lk *Lock) Refresh(ctx context.Context, ttl time.Duration) (err error) {
	ctx, span := lk.l.s.span(ctx, "Lock.Refresh", lk.l.tenant)
	defer span.end(&err)
	if ttl <= 0 {
		return lk.l.wrap("refresh", lk.name, fmt.Errorf("%w: lease %v is not positive", ErrInvalidOption, ttl))
	}
	return lk.guarded(ctx, "refresh", &store.ExpireOp{Key: lk.key, TTL: ttl})
}

// guarded applies op only if the lock's key holds this handle's token, as
// one atomic step.
func (lk *Lock) guarded(ctx context.Context, what string, op store.Op) error {
	err := lk.l.b.Update(ctx, []string{lk.key}, func(r store.Reader) ([]store.Op, error) {
		v, err := r.Get(ctx, lk.key)
		if errors.Is(err, store.ErrNotFound) || (err == nil && v != lk.token) {
			return nil, ErrLockLost
		}
		if err != nil {
			return nil, err
		}
		return []store.Op{op}, nil
	})
	if err != nil {
		return lk.l.wrap(what, lk.name, err)
	}
	return nil
}

// newLockToken returns 128 random bits in hex: no two holders share one.
func newLockToken() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}
