package repos

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"log/slog"
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
	// Interval is the pause between two polls when the last one found
	// nothing to do. An idle listener makes one backend call per
	// Interval (see ListenTriggers). Default 100 ms.
	Interval time.Duration
	// Lease is how long a delivery may run before a listener may take
	// the trigger again. It also bounds how long the listener holds its
	// shards without renewing them: min(Lease, 15 s) (see
	// ListenTriggers). Default 30 s.
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
	// Batch is how many due triggers one claim takes at most (and never
	// more than the handlers free to run them). Default 256.
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
	tel      telemetry
	m        *triggerMetrics // nil: no metrics
	pace     *pace           // claimed deliveries not yet finished
	running  chan struct{}   // one per running handler
	wg       sync.WaitGroup  // the running handlers
	shards   shardPlan
	finished finishedEntries
	reg      registry // unused by a tenant's listener
}

// Listen delivers the due triggers of the repository's tenant to h until
// ctx is done, then returns nil once every handler it started returned;
// no goroutine outlives it. It fails at once, wrapping ErrInvalidOption,
// on bad options. See ListenTriggers for the guarantees. The schedule is
// shared by the application's tenants: Listen reads the due entries of
// every shard, of all tenants, and skips the others', and it does not
// divide the shards with other listeners: it polls all TriggerShards
// shards, and reads each of them at every poll while a wake mark is set
// (the marks are left for the listeners of every tenant). With many
// tenants run a few ListenTriggers rather than one Listen per tenant.
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
//
// Listeners divide the TriggerShards shards between them: each registers
// in the application's listener registry for min(Lease, 15 s), renewed
// every third of that, and polls only the shards that fall to it (shard k
// goes to the (k mod n)-th of the n registered listeners, by id), so they
// do not race for the same triggers. A listener that stops leaves the
// registry; one that dies is dropped once its registration ends, and the
// others take its shards at their next renewal. While the registry
// changes, two listeners may poll one shard for a moment: claims are
// atomic, so a trigger is still delivered once.
//
// Cost: an idle listener makes one backend call per Interval: the check
// of its shards' wake marks (one Del of up to TriggerShards keys), or
// instead a registry renewal, or a read of one shard's earliest entry
// (each shard at least once per wakeHorizon, or when its earliest entry
// falls due). A delivery costs its share of one claim (an Update per
// claim of up to Batch triggers of one shard) and of one completion (an
// Update per shard for the deliveries that succeeded within 20 ms of each
// other); a failed attempt costs one more Update. A listener claims ahead
// of its handlers: Concurrency more triggers than it runs, more while
// deliveries take under an eighth of the lease from claim to end, fewer
// when they take over a quarter (at most Batch); a claimed trigger's
// handler gets what is left of its lease, and one whose lease ended while
// it waited is not run.
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
	l := &listener{b: b, k: s.keys, tenant: tenant, id: hex.EncodeToString(id[:]), h: h, o: o, tel: s.tel, m: m,
		pace: newPace(), running: make(chan struct{}, o.Concurrency)}
	l.reg.lease = min(o.Lease, maxRegistration)
	if tenant != "" {
		l.shards.own(allShards(), time.Now())
	}
	l.finished.added = make(chan struct{}, 1)
	completed := make(chan struct{})
	go func() {
		defer close(completed)
		l.completer(ctx)
	}()
	defer l.leave()
	defer l.settleFinished(ctx)
	defer func() { <-completed }()
	defer l.wg.Wait()
	timer := time.NewTimer(0)
	defer timer.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-timer.C:
		}
		if l.tick(ctx) && ctx.Err() == nil {
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

// collectFactor bounds the entries a tenant's listener reads per claim, as
// a multiple of ListenOptions.Batch: it skips the other tenants' entries.
const collectFactor = 4

// tick runs one round: the registry renewal when it is due, then the
// polls of the shards whose time has come, or, when there is none, the
// check of the wake marks. It reports whether it claimed anything.
func (l *listener) tick(ctx context.Context) bool {
	now := time.Now()
	calls := 0
	if l.tenant == "" && !now.Before(l.reg.next) {
		l.report(l.heartbeat(ctx, now))
		calls++
	}
	due := l.shards.due(now)
	if len(due) == 0 && calls == 0 {
		woken, err := l.checkWake(ctx)
		l.report(err)
		if woken {
			due = l.shards.wakeAll(now)
		}
	}
	worked := false
	for _, shard := range due {
		if ctx.Err() != nil {
			break
		}
		worked = l.poll(ctx, shard) || worked
	}
	return worked
}

// checkWake checks the wake marks of the listener's shards in one call:
// a listener of every tenant deletes them (Del: a write after the call
// sets its mark again), a tenant's listener only looks (Exists: the marks
// are for the listeners of every tenant).
func (l *listener) checkWake(ctx context.Context) (bool, error) {
	owned := l.shards.owned()
	if len(owned) == 0 {
		return false, nil
	}
	keys := make([]string, len(owned))
	for i, shard := range owned {
		keys[i] = l.k.wake(shard)
	}
	var n int64
	var err error
	if l.tenant == "" {
		n, err = l.b.Del(ctx, keys...)
	} else {
		n, err = l.b.Exists(ctx, keys...)
	}
	if err != nil {
		return false, fmt.Errorf("repos: trigger listener: wake marks: %w", err)
	}
	return n > 0, nil
}

// poll reads shard's earliest entry (unless the last claim left more due
// ones) and, when it is due, claims due triggers and starts their
// handlers. It plans the shard's next poll and reports whether it claimed
// anything.
func (l *listener) poll(ctx context.Context, shard int) bool {
	now := time.Now()
	if !l.shards.busy(shard) {
		first, ok, err := head(ctx, l.b, l.k, shard)
		if err != nil {
			l.report(fmt.Errorf("repos: trigger listener: shard %d: %w", shard, err))
			l.shards.plan(shard, now.Add(l.o.Interval), false)
			return false
		}
		if !ok || scoreTime(first.Score).After(now) {
			next := time.Time{}
			if ok {
				next = scoreTime(first.Score)
			}
			l.shards.idle(shard, now, next)
			return false
		}
	}
	n := l.pace.acquire(ctx, l.o)
	if n == 0 {
		return false
	}
	ds, more, err := l.claim(ctx, shard, n)
	l.report(err)
	l.pace.release(n - len(ds))
	if len(ds) == 0 {
		l.shards.plan(shard, now.Add(l.o.Interval), false)
		return false
	}
	l.shards.plan(shard, now, more)
	for _, d := range ds {
		l.wg.Go(func() {
			defer l.pace.release(1)
			select {
			case l.running <- struct{}{}:
			case <-ctx.Done():
				l.report(l.giveBack(ctx, d))
				return
			}
			defer func() { <-l.running }()
			if !time.Now().Before(d.end) {
				return // its lease ended while it waited: it is due again
			}
			l.report(l.run(ctx, d))
			l.pace.took(l.o, time.Since(d.end.Add(-l.o.Lease)))
		})
	}
	return true
}
