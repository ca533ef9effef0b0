package repos

// This file holds the deliveries of due triggers: claim a shard's due
// triggers with a lease (one Update per claim, however many it takes),
// run the handler, then complete, fail or release each one.

import (
	"context"
	"errors"
	"fmt"
	"math"
	"runtime/debug"
	"strconv"
	"time"

	"github.com/mimeiapify/store"
)

// maxErrorLen caps the bytes of a handler error kept in a trigger record
// (a panic's error holds its stack).
const maxErrorLen = 4096

// maxBackoff caps the delay between two attempts.
const maxBackoff = time.Hour

// crashReason is the error of a trigger whose last attempt's listener
// stopped (or died) before it finished.
const crashReason = "the listener of the last attempt stopped before it finished"

// delivery is a trigger claimed by a listener.
type delivery struct {
	shard  int
	r      member
	key    string
	f      Fired
	due    string        // the record's due field at the claim: Set changes it
	end    time.Time     // lease end
	keep   time.Duration // the record's retention
	parent string        // the W3C traceparent of the span that set it
}

// claimed is one trigger a claim leased, before its record is checked.
type claimed struct {
	r    member
	read *store.HGetAllOp
}

// claim leases up to n due triggers of shard (of the listener's tenant)
// to the listener, as one Update watching the shard's schedule: it reads
// the due entries (ZRANGEBYSCORE -inf now LIMIT), then, for each, moves
// its score to the lease's end, counts the attempt and reads the record,
// all in one step. It returns the
// deliveries to run and whether more may be due. Entries whose record is
// gone, or that gave up, are settled here.
func (l *listener) claim(ctx context.Context, shard, n int) ([]*delivery, bool, error) {
	sched := l.k.schedule(shard)
	limit := n
	if l.tenant != "" {
		limit = max(n, collectFactor*l.o.Batch) // other tenants' entries are read and skipped
	}
	var got []claimed
	var now time.Time
	var more bool
	err := l.b.Update(ctx, []string{sched}, func(r store.Reader) ([]store.Op, error) {
		now, got, more = time.Now(), got[:0], false
		var ops []store.Op
		due, err := r.ZRangeByScore(ctx, sched, math.Inf(-1), unixMs(now), limit)
		if err != nil {
			return nil, err
		}
		more = len(due) == limit
		end := unixMs(now.Add(l.o.Lease))
		for _, z := range due {
			m, ok := parseMember(z.Member)
			if !ok || m.shard() != shard {
				ops = append(ops, &store.ZRemOp{Key: sched, Members: []string{z.Member}}) // not ours to make
				continue
			}
			if (l.tenant != "" && m.tenant != l.tenant) || len(got) == n {
				continue
			}
			key := l.k.trigger(m.tenant, m.ident, m.action)
			c := claimed{r: m, read: &store.HGetAllOp{Key: key}}
			got = append(got, c)
			ops = append(ops, &store.ZAddOp{Key: sched, XX: true, Members: []store.ZMember{{Member: z.Member, Score: end}}},
				// A record gone: the increment makes a bare one, which
				// checkClaim drops at once with its entry.
				&store.HIncrByOp{Key: key, Field: triggerAttempts, Delta: 1},
				c.read)
		}
		return ops, nil
	})
	if err != nil {
		return nil, false, fmt.Errorf("repos: trigger claim in shard %d: %w", shard, err)
	}
	var out []*delivery
	for _, c := range got {
		d, err := l.checkClaim(ctx, shard, c, now)
		if err != nil {
			l.report(err)
		}
		if d != nil {
			out = append(out, d)
		}
	}
	return out, more, nil
}

// checkClaim turns a claimed entry into a delivery, or settles it: a
// record that is gone is dropped with its entry, and a trigger whose last
// attempt's listener stopped before it finished goes to the dead letters.
func (l *listener) checkClaim(ctx context.Context, shard int, c claimed, now time.Time) (*delivery, error) {
	fields := c.read.Result
	d := &delivery{shard: shard, r: c.r, key: c.read.Key, due: fields[triggerDue], end: now.Add(l.o.Lease)}
	attempts := int(atoi64(fields[triggerAttempts]))
	d.f = Fired{Tenant: c.r.tenant, Action: c.r.action, Identifier: c.r.ident, Payload: fields[triggerPayload], Attempt: attempts}
	d.keep = time.Duration(atoi64(fields[triggerKeep])) * time.Millisecond
	if d.keep <= 0 {
		d.keep = DefaultRetention
	}
	if d.due == "" || fields[triggerDead] != "" {
		return nil, l.dropGone(ctx, d)
	}
	due, err := time.Parse(time.RFC3339Nano, d.due)
	if err != nil {
		due = now
	}
	d.f.Due = due
	d.parent = fields[triggerTrace]
	if attempts > l.o.MaxAttempts {
		err := l.settle(ctx, d, func() []store.Op { return l.deadOps(d, l.o.MaxAttempts, crashReason) })
		if err == nil {
			d.f.Attempt = l.o.MaxAttempts
			l.dead(ctx, d, crashReason)
		}
		if err != nil && !errors.Is(err, errLeaseLost) {
			return nil, fmt.Errorf("repos: trigger bury %q: %w", clip(d.r.raw), err)
		}
		return nil, nil
	}
	return d, nil
}

// dropGone removes the schedule entry of a trigger whose record was gone
// (deleted without its entry, or expired after its retention: the claim's
// increment made a bare record) or dead, unless a Set wrote it anew
// meanwhile: one Update watching the record.
func (l *listener) dropGone(ctx context.Context, d *delivery) error {
	err := l.b.Update(ctx, []string{d.key}, func(r store.Reader) ([]store.Op, error) {
		fields, err := r.HGetAll(ctx, d.key)
		if err != nil {
			return nil, err
		}
		sched := l.k.schedule(d.shard)
		switch {
		case fields[triggerDead] != "":
			return []store.Op{&store.ZRemOp{Key: sched, Members: []string{d.r.raw}},
				&store.SAddOp{Key: l.k.deadTriggers(d.shard), Members: []string{d.r.raw}},
				&store.HIncrByOp{Key: d.key, Field: triggerAttempts, Delta: -1}}, nil
		case fields[triggerDue] != "":
			return nil, nil // set anew meanwhile
		}
		return []store.Op{&store.DelOp{Key: d.key}, &store.ZRemOp{Key: sched, Members: []string{d.r.raw}},
			&store.SRemOp{Key: l.k.identTriggers(d.r.tenant, d.r.ident), Members: []string{d.r.action}}}, nil
	})
	if err != nil {
		return fmt.Errorf("repos: trigger drop %q: %w", clip(d.r.raw), err)
	}
	return nil
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
	case herr == nil && time.Until(d.end) > l.o.Lease/2:
		// Completed soon with the others (see completer).
		l.finished.add(d.shard, l.finishEntry(d))
		return nil
	case herr == nil:
		// Past half its lease: completed now, before another listener
		// may take it again.
		return l.outcome(ctx, d, "complete", l.completeOps)
	case stopping:
		// Give the trigger back, due now, without counting the attempt.
		return l.outcome(ctx, d, "release", l.releaseOps)
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

// outcome settles d with ops; a lost lease is logged, not returned.
func (l *listener) outcome(ctx context.Context, d *delivery, what string, ops func(*delivery) []store.Op) error {
	err := l.settle(ctx, d, func() []store.Op { return ops(d) })
	if errors.Is(err, errLeaseLost) {
		l.leaseLost(ctx, d)
		return nil
	}
	if err != nil {
		return fmt.Errorf("repos: trigger %s %q: %w", what, clip(d.r.raw), err)
	}
	return nil
}

// completeOps delete d's record, its index entry and its schedule entry.
func (l *listener) completeOps(d *delivery) []store.Op {
	return []store.Op{&store.DelOp{Key: d.key},
		&store.SRemOp{Key: l.k.identTriggers(d.r.tenant, d.r.ident), Members: []string{d.r.action}},
		&store.ZRemOp{Key: l.k.schedule(d.shard), Members: []string{d.r.raw}}}
}

// giveBack releases d without running it: its listener stopped before a
// handler was free.
func (l *listener) giveBack(ctx context.Context, d *delivery) error {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), settleTimeout)
	defer cancel()
	return l.outcome(ctx, d, "release", l.releaseOps)
}

// releaseOps give d back, due now, uncounting its attempt.
func (l *listener) releaseOps(d *delivery) []store.Op {
	ops := []store.Op{&store.HSetOp{Key: d.key, Fields: map[string]string{triggerAttempts: strconv.Itoa(d.f.Attempt - 1)}},
		&store.ZAddOp{Key: l.k.schedule(d.shard), XX: true, Members: []store.ZMember{{Member: d.r.raw, Score: unixMs(time.Now())}}}}
	return append(ops, wakeOps(l.k, d.shard, 0)...)
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
			return l.deadOps(d, d.f.Attempt, reason)
		}
		wait := backoff(l.o.Backoff, d.f.Attempt)
		next := time.Now().Add(wait)
		ops := []store.Op{&store.HSetOp{Key: d.key, Fields: map[string]string{triggerError: reason}},
			&store.ExpireOp{Key: d.key, TTL: wait + d.keep},
			&store.ZAddOp{Key: l.k.schedule(d.shard), XX: true, Members: []store.ZMember{{Member: d.r.raw, Score: unixMs(next)}}}}
		return append(ops, wakeOps(l.k, d.shard, wait)...)
	})
	if errors.Is(err, errLeaseLost) {
		l.leaseLost(ctx, d)
		return nil
	}
	if err != nil {
		return fmt.Errorf("repos: trigger fail %q: %w", clip(d.r.raw), err)
	}
	l.failed(ctx, d, herr, last)
	return nil
}

// errLeaseLost: the record is no longer leased to this delivery (deleted,
// replaced, or taken by another listener after the lease ended).
var errLeaseLost = errors.New("repos: trigger lease lost")

// settle applies ops() to d's record only if it is still the trigger d
// claimed (same due time: not replaced) at d's attempt (not claimed again
// since), as one Update watching the record; else it fails with
// errLeaseLost.
func (l *listener) settle(ctx context.Context, d *delivery, ops func() []store.Op) error {
	return l.b.Update(ctx, []string{d.key}, func(rd store.Reader) ([]store.Op, error) {
		got, err := rd.HGetAll(ctx, d.key)
		if err != nil {
			return nil, err
		}
		if got[triggerDue] != d.due || got[triggerAttempts] != strconv.Itoa(d.f.Attempt) {
			return nil, errLeaseLost
		}
		return ops(), nil
	})
}

// deadOps mark d's record dead after attempts with the reason, kept for
// its retention, and move its entry from the schedule to the dead
// letters.
func (l *listener) deadOps(d *delivery, attempts int, reason string) []store.Op {
	return []store.Op{
		&store.HSetOp{Key: d.key, Fields: map[string]string{triggerDead: "1", triggerError: reason,
			triggerAttempts: strconv.Itoa(attempts)}},
		&store.ExpireOp{Key: d.key, TTL: d.keep},
		&store.ZRemOp{Key: l.k.schedule(d.shard), Members: []string{d.r.raw}},
		&store.SAddOp{Key: l.k.deadTriggers(d.shard), Members: []string{d.r.raw}},
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

// atoi64 parses a decimal integer field; a missing or malformed one is 0.
func atoi64(s string) int64 {
	n, _ := strconv.ParseInt(s, 10, 64)
	return n
}

// isDone reports whether err comes from a context that ended.
func isDone(err error) bool {
	return errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded)
}
