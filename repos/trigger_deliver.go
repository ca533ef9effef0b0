package repos

// This file holds one delivery of a due trigger: claim its record with a
// lease, run the handler, then complete, fail or release it.

import (
	"context"
	"errors"
	"fmt"
	"runtime/debug"
	"strconv"
	"time"

	"github.com/mimeiapify/store"
)

// staleRecheck is how long a listener leaves alone a reference whose
// record it found missing while that may be a transient state.
const staleRecheck = time.Second

// staleGrace is how long past its due time a reference whose record is
// missing or holds another reference stays in its bucket: long enough for
// the Set that wrote the reference to write the record (its next call).
const staleGrace = time.Minute

// maxErrorLen caps the bytes of a handler error kept in a trigger record
// (a panic's error holds its stack).
const maxErrorLen = 4096

// maxBackoff caps the delay between two attempts.
const maxBackoff = time.Hour

// claimState is what a claim found.
type claimState int

const (
	claimSkip  claimState = iota // not due yet, or leased by another listener
	claimStale                   // the record is gone or holds another reference
	claimDead                    // the trigger gave up: move it to the dead letters
	claimTaken                   // leased to this listener
)

// delivery is a trigger claimed by a listener.
type delivery struct {
	key    string
	r      ref
	f      Fired
	end    time.Time     // lease end
	keep   time.Duration // the record's retention
	parent string        // the W3C traceparent of the span that set it
}

// deliver claims r and, if it got it, runs the handler and records the
// outcome. It reports whether it changed anything.
func (l *listener) deliver(ctx context.Context, r ref) (bool, error) {
	d := delivery{key: l.k.trigger(r.tenant, r.ident, r.action), r: r}
	st, err := l.claim(ctx, &d)
	if err != nil {
		return false, fmt.Errorf("repos: trigger claim %q: %w", clip(r.raw), err)
	}
	switch st {
	case claimSkip:
		return false, nil
	case claimStale:
		if time.Since(r.due) < staleGrace {
			// Completed by another listener that has not yet removed the
			// reference, or set and not yet written: look again later.
			l.memo.skip(r.raw, time.Now().Add(staleRecheck))
			return false, nil
		}
		l.finished.add(r.raw)
		return true, nil
	case claimDead:
		if d.f.Attempt > 0 { // this claim marked it dead
			l.dead(ctx, &d, "the listener of the last attempt stopped before it finished")
		}
		return true, bury(ctx, l.b, l.k, r)
	}
	return true, l.run(ctx, &d)
}

// claim leases d's record to the listener if it is due, not leased and
// matches d's reference, as one Update on the record, and fills in d.
func (l *listener) claim(ctx context.Context, d *delivery) (st claimState, err error) {
	err = l.b.Update(ctx, []string{d.key}, func(rd store.Reader) ([]store.Op, error) {
		fields, err := rd.HGetAll(ctx, d.key)
		if err != nil {
			return nil, err
		}
		st, d.f = claimSkip, Fired{}
		if len(fields) == 0 || fields[triggerRefField] != d.r.raw {
			st = claimStale
			return nil, nil
		}
		if fields[triggerDead] != "" {
			st = claimDead
			return nil, nil
		}
		now := time.Now()
		due, err := time.Parse(time.RFC3339Nano, fields[triggerDue])
		if err != nil {
			due = d.r.due
		}
		if lease := time.UnixMilli(atoi64(fields[triggerLease])); due.After(now) || lease.After(now) {
			l.memo.skip(d.r.raw, latest(due, lease))
			return nil, nil
		}
		d.keep = time.Duration(atoi64(fields[triggerKeep])) * time.Millisecond
		if d.keep <= 0 {
			d.keep = DefaultRetention
		}
		attempts := int(atoi64(fields[triggerAttempts]))
		if attempts >= l.o.MaxAttempts {
			st, d.f = claimDead, Fired{Tenant: d.r.tenant, Action: d.r.action, Identifier: d.r.ident, Attempt: attempts}
			return deadOps(d, "the listener of the last attempt stopped before it finished"), nil
		}
		st = claimTaken
		d.end = now.Add(l.o.Lease)
		d.f = Fired{Tenant: d.r.tenant, Action: d.r.action, Identifier: d.r.ident,
			Payload: fields[triggerPayload], Due: due, Attempt: attempts + 1}
		d.parent = fields[triggerTrace]
		return []store.Op{
			&store.HSetOp{Key: d.key, Fields: map[string]string{triggerOwner: l.id,
				triggerLease: strconv.FormatInt(d.end.UnixMilli(), 10), triggerAttempts: strconv.Itoa(d.f.Attempt)}},
			&store.ExpireOp{Key: d.key, TTL: l.o.Lease + d.keep},
		}, nil
	})
	return st, err
}

// run runs the handler on d and records its outcome. The outcome is
// recorded even when ctx ended meanwhile (with up to settleTimeout), so
// that a handler that succeeded as its listener stopped is not run again.
func (l *listener) run(ctx context.Context, d *delivery) (err error) {
	ctx, span := l.tel.deliverySpan(ctx, d)
	defer span.end(&err)
	hctx, cancel := context.WithDeadline(ctx, d.end)
	l.m.started(ctx, d.f)
	herr := l.call(hctx, d.f)
	l.handled(ctx, d, herr)
	cancel()
	stopping := ctx.Err() != nil
	ctx, cancel = context.WithTimeout(context.WithoutCancel(ctx), settleTimeout)
	defer cancel()
	switch {
	case herr == nil:
		return l.complete(ctx, d)
	case stopping:
		// Give the trigger back without counting the attempt.
		err := l.settle(ctx, d, func() []store.Op {
			return []store.Op{&store.HDelOp{Key: d.key, Fields: []string{triggerOwner, triggerLease}},
				&store.HSetOp{Key: d.key, Fields: map[string]string{triggerAttempts: strconv.Itoa(d.f.Attempt - 1)}}}
		})
		if errors.Is(err, errLeaseLost) {
			l.leaseLost(ctx, d)
			return nil
		}
		return err
	}
	return l.fail(ctx, d, herr)
}

// call runs the handler, turning a panic into an error (ErrHandlerPanic
// with the panic value and stack) so that it counts as a failed attempt
// instead of crashing the listener's process.
func (l *listener) call(ctx context.Context, f Fired) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("%w: %v\n%s", ErrHandlerPanic, p, debug.Stack())
		}
	}()
	return l.h(ctx, f)
}

// settleTimeout bounds recording a delivery's outcome once its listener
// is stopping.
const settleTimeout = 5 * time.Second

// complete deletes d's record and index entry; the poll removes its
// reference with the others it finished (see refBatch).
func (l *listener) complete(ctx context.Context, d *delivery) error {
	index := l.k.identTriggers(d.r.tenant, d.r.ident)
	err := l.settle(ctx, d, func() []store.Op {
		return []store.Op{&store.DelOp{Key: d.key}, &store.SRemOp{Key: index, Members: []string{d.r.action}}}
	})
	if errors.Is(err, errLeaseLost) {
		l.leaseLost(ctx, d)
		return nil
	}
	if err != nil {
		return fmt.Errorf("repos: trigger complete %q: %w", clip(d.r.raw), err)
	}
	l.finished.add(d.r.raw)
	return nil
}

// fail records a failed attempt: a backoff before the next one, or after
// the last one the move to the dead letters.
func (l *listener) fail(ctx context.Context, d *delivery, herr error) error {
	last := d.f.Attempt >= l.o.MaxAttempts
	reason := herr.Error()
	if len(reason) > maxErrorLen {
		reason = reason[:maxErrorLen]
	}
	err := l.settle(ctx, d, func() []store.Op {
		if last {
			return deadOps(d, reason)
		}
		next := time.Now().Add(backoff(l.o.Backoff, d.f.Attempt))
		return []store.Op{&store.HDelOp{Key: d.key, Fields: []string{triggerOwner}},
			&store.HSetOp{Key: d.key, Fields: map[string]string{
				triggerLease: strconv.FormatInt(next.UnixMilli(), 10), triggerError: reason}},
			&store.ExpireOp{Key: d.key, TTL: time.Until(next) + d.keep}}
	})
	if errors.Is(err, errLeaseLost) {
		l.leaseLost(ctx, d)
		return nil
	}
	if err == nil {
		l.failed(ctx, d, herr, last)
	}
	if err == nil && last {
		err = bury(ctx, l.b, l.k, d.r)
	}
	if err != nil {
		return fmt.Errorf("repos: trigger fail %q: %w", clip(d.r.raw), err)
	}
	return nil
}

// errLeaseLost: the record is no longer leased to this delivery (deleted,
// replaced, or taken by another listener after the lease ended).
var errLeaseLost = errors.New("repos: trigger lease lost")

// settle applies ops() to d's record only if the record is still leased
// to this delivery; else it fails with errLeaseLost.
func (l *listener) settle(ctx context.Context, d *delivery, ops func() []store.Op) error {
	return l.b.Update(ctx, []string{d.key}, func(rd store.Reader) ([]store.Op, error) {
		got, err := rd.HGetAll(ctx, d.key)
		if err != nil {
			return nil, err
		}
		if got[triggerRefField] != d.r.raw || got[triggerOwner] != l.id || got[triggerAttempts] != strconv.Itoa(d.f.Attempt) {
			return nil, errLeaseLost
		}
		return ops(), nil
	})
}

// deadOps marks d's record dead with the reason, kept for its retention.
func deadOps(d *delivery, reason string) []store.Op {
	return []store.Op{
		&store.HDelOp{Key: d.key, Fields: []string{triggerOwner, triggerLease}},
		&store.HSetOp{Key: d.key, Fields: map[string]string{triggerDead: "1", triggerError: reason}},
		&store.ExpireOp{Key: d.key, TTL: d.keep},
	}
}

// backoff returns the delay after failed attempt n (from 1): base doubled
// n-1 times, at most maxBackoff.
func backoff(base time.Duration, n int) time.Duration {
	d := base
	for i := 1; i < n && d < maxBackoff; i++ {
		d *= 2
	}
	return min(d, maxBackoff)
}

// latest returns the later of a and b.
func latest(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

// atoi64 parses a decimal integer field; a missing or malformed one is 0.
func atoi64(s string) int64 {
	n, _ := strconv.ParseInt(s, 10, 64)
	return n
}

// isDone reports whether err comes from a context that ended.
func isDone(err error) bool {
	return errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded)
}
