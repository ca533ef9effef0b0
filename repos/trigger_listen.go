package repos

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"log/slog"
	mrand "math/rand/v2"
	"slices"
	"strconv"
	"sync"
	"time"

	"github.com/mimeiapify/store"
)

// Fired is one delivery of a due trigger to a Handler.
type Fired struct {
	// Tenant, Action and Identifier name the trigger.
	Tenant, Action, Identifier string
	// Payload is what Set stored with it.
	Payload string
	// Due is when it became due, by the writer's clock at Set.
	Due time.Time
	// Attempt counts deliveries of this trigger, from 1.
	Attempt int
}

// Handler handles a due trigger. Its context ends when the listener stops
// or when the delivery's lease ends, whichever comes first. Returning nil
// deletes the trigger; an error, or a panic (recovered, see
// ErrHandlerPanic), schedules another attempt after a backoff (see
// ListenOptions). A handler may run more than once for one trigger
// (at-least-once delivery), so it should be idempotent.
type Handler func(ctx context.Context, f Fired) error

// ListenOptions configure a listener. A nil *ListenOptions or a zero field
// gives the default.
type ListenOptions struct {
	// Interval is the pause between two polls of the schedule when the
	// last one found nothing to do. Default 100 ms.
	Interval time.Duration
	// Lease is how long a delivery may run before another listener may
	// take the trigger again. Default 30 s.
	Lease time.Duration
	// MaxAttempts bounds the deliveries of one trigger; after the last
	// failed one it goes to the dead letters (see DeadTriggers). Default 5.
	MaxAttempts int
	// Backoff is the delay before the second attempt; it doubles with
	// each further one, up to 1 hour. Default 1 s.
	Backoff time.Duration
	// Concurrency is how many handlers one listener runs at once.
	// Default 8.
	Concurrency int
	// Batch is how many due triggers one poll takes at most. Default 256.
	Batch int
	// OnError, if set, is told of backend errors; the listener goes on
	// and retries at its next poll. Default: ignore them.
	OnError func(error)
}

// withDefaults returns o with its zero fields set to the defaults.
func (o *ListenOptions) withDefaults() (ListenOptions, error) {
	var v ListenOptions
	if o != nil {
		v = *o
	}
	if v.Interval < 0 || v.Lease < 0 || v.Backoff < 0 || v.MaxAttempts < 0 || v.Concurrency < 0 || v.Batch < 0 {
		return v, fmt.Errorf("%w: negative listen option", ErrInvalidOption)
	}
	def := func(d *time.Duration, x time.Duration) {
		if *d == 0 {
			*d = x
		}
	}
	def(&v.Interval, 100*time.Millisecond)
	def(&v.Lease, 30*time.Second)
	def(&v.Backoff, time.Second)
	for _, p := range []struct {
		n *int
		x int
	}{{&v.MaxAttempts, 5}, {&v.Concurrency, 8}, {&v.Batch, 256}} {
		if *p.n == 0 {
			*p.n = p.x
		}
	}
	return v, nil
}

// listener is one running Listen.
type listener struct {
	b        store.Backend
	k        keyspace
	tenant   string // "" for every tenant
	id       string
	h        Handler
	o        ListenOptions
	memo     skipMemo
	finished refBatch
	tel      telemetry
	m        *triggerMetrics // nil: no metrics
}

// Listen delivers the due triggers of the repository's tenant to h until
// ctx is done, then returns nil once every handler it started returned;
// no goroutine outlives it. It fails at once, wrapping ErrInvalidOption,
// on bad options. See ListenTriggers for the guarantees. The schedule is
// shared by the application's tenants: Listen reads the due references of
// all of them and skips the others', so with many tenants run a few
// ListenTriggers rather than one Listen per tenant.
func (tr *Triggers) Listen(ctx context.Context, h Handler, opts *ListenOptions) error {
	return listen(ctx, tr.b, tr.s, tr.tenant, h, opts)
}

// ListenTriggers delivers the due triggers of every tenant of the
// application (the key prefix of opts, which may be nil) to h until ctx is
// done, then returns nil once every handler it started returned.
//
// Any number of listeners may run, in one process or several: each due
// trigger is handled by one of them at a time (it holds a lease on it).
// A trigger whose handler fails, or whose listener dies, is delivered
// again after a backoff or once the lease ends, at most
// ListenOptions.MaxAttempts times; then it is listed by DeadTriggers. A
// trigger that became due while no listener ran fires when one starts,
// if that is within Options.Retention of its due time. Listeners compare
// due times with their own clock: keep the clocks of writers and
// listeners in sync.
func ListenTriggers(ctx context.Context, b store.Backend, opts *Options, h Handler, lopts *ListenOptions) error {
	s, err := opts.resolve()
	if err != nil {
		return err
	}
	return listen(ctx, b, s, "", h, lopts)
}

// listen runs a listener until ctx is done.
func listen(ctx context.Context, b store.Backend, s settings, tenant string, h Handler, opts *ListenOptions) error {
	if h == nil {
		return fmt.Errorf("%w: nil trigger handler", ErrInvalidOption)
	}
	o, err := opts.withDefaults()
	if err != nil {
		return err
	}
	m, err := newTriggerMetrics(s.tel.meter)
	if err != nil {
		return err
	}
	var id [12]byte
	_, _ = rand.Read(id[:])
	l := &listener{b: b, k: s.keys, tenant: tenant, id: hex.EncodeToString(id[:]), h: h, o: o, tel: s.tel, m: m}
	timer := time.NewTimer(0)
	defer timer.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-timer.C:
		}
		n, err := l.poll(ctx)
		l.report(err)
		if n > 0 && ctx.Err() == nil {
			timer.Reset(0)
		} else {
			timer.Reset(o.Interval)
		}
	}
}

// report passes a backend error to OnError.
func (l *listener) report(err error) {
	if err != nil && !isDone(err) {
		l.tel.logf(context.Background(), slog.LevelError, "repos: trigger listener error", slog.Any("error", err))
	}
	if err != nil && l.o.OnError != nil && !isDone(err) {
		l.o.OnError(err)
	}
}

// poll runs one round: it reads the due buckets, oldest first, until it
// has up to collectFactor*Batch due references that its memo does not
// skip, takes up to Batch of them in random order (so that listeners
// spread over them) and delivers them with up to Concurrency handlers at
// once. It returns how many references it took.
func (l *listener) poll(ctx context.Context) (int, error) {
	l.memo.prune(time.Now())
	refs, err := l.dueRefs(ctx)
	if err != nil || len(refs) == 0 {
		return 0, err
	}
	mrand.Shuffle(len(refs), func(i, j int) { refs[i], refs[j] = refs[j], refs[i] })
	refs = refs[:min(len(refs), l.o.Batch)]
	sem := make(chan struct{}, l.o.Concurrency)
	var wg sync.WaitGroup
	worked := 0
	var mu sync.Mutex
	for _, r := range refs {
		if ctx.Err() != nil {
			break
		}
		sem <- struct{}{}
		wg.Go(func() {
			defer func() { <-sem }()
			did, err := l.deliver(ctx, r)
			l.report(err)
			if did {
				mu.Lock()
				worked++
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	return worked, l.unscheduleFinished(ctx)
}

// unscheduleFinished removes the references of the triggers the poll
// finished from the schedule, in one call, even when ctx ended (within
// settleTimeout). On failure they stay as stale references, which a later
// claim finds without a record and removes after staleGrace.
func (l *listener) unscheduleFinished(ctx context.Context) error {
	refs := l.finished.take()
	if len(refs) == 0 {
		return nil
	}
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), settleTimeout)
	defer cancel()
	if err := unschedule(ctx, l.b, l.k, refs...); err != nil {
		return fmt.Errorf("repos: trigger listener: remove %d finished references: %w", len(refs), err)
	}
	return nil
}

// collectFactor bounds the references one poll collects, as a multiple
// of ListenOptions.Batch: enough for listeners to spread over, few enough
// that a backlog is not read whole at each poll.
const collectFactor = 4

// dueRefs walks the time index from its root, oldest spans first, and
// returns up to collectFactor*Batch references of the buckets whose second
// has begun, for the listener's tenant, that the memo does not skip. It
// drops the ids of the empty sets whose span has ended.
func (l *listener) dueRefs(ctx context.Context) ([]ref, error) {
	w := walk{now: time.Now(), limit: collectFactor * l.o.Batch}
	if _, err := l.collect(ctx, &w, l.k.dueDays(), 0); err != nil {
		return w.refs, fmt.Errorf("repos: trigger listener: %w", err)
	}
	return w.refs, nil
}

// walk is the state of one walk of the time index.
type walk struct {
	now   time.Time
	limit int
	refs  []ref
}

// collect reads the set at key, at the given depth of the time index
// (len(scheduleLevels) for a due bucket), appends to w.refs the due
// references below it, and reports whether the set was empty.
func (l *listener) collect(ctx context.Context, w *walk, key string, depth int) (empty bool, err error) {
	members, err := l.b.SMembers(ctx, key)
	if err != nil {
		return false, err
	}
	if depth == len(scheduleLevels) {
		for _, m := range members {
			r, ok := parseRef(m)
			if ok && (l.tenant == "" || r.tenant == l.tenant) && !l.memo.skipped(m, w.now) {
				w.refs = append(w.refs, r)
			}
		}
		return len(members) == 0, nil
	}
	lv := scheduleLevels[depth]
	now := w.now.Unix()
	ids := make([]int64, 0, len(members))
	for _, m := range members {
		id, err := strconv.ParseInt(m, 10, 64)
		if err == nil && id*lv.width <= now { // a span id, of a span begun
			ids = append(ids, id)
		}
	}
	slices.Sort(ids)
	for _, id := range ids {
		if len(w.refs) >= w.limit {
			break
		}
		child := lv.child(l.k, id)
		empty, err := l.collect(ctx, w, child, depth+1)
		if err != nil {
			return false, err
		}
		if empty && (id+1)*lv.width <= now {
			// Dropping is housekeeping: a failure (a conflict with a
			// writer, say) leaves the id for the next poll.
			if err := dropChild(ctx, l.b, child, key, strconv.FormatInt(id, 10)); err != nil {
				l.report(fmt.Errorf("repos: trigger listener: %w", err))
			}
		}
	}
	return len(members) == 0, nil
}
