package repos

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/mimeiapify/store"
)

// Trigger is one trigger as stored: what Triggers.Get returns.
type Trigger struct {
	// Action and Identifier name the trigger.
	Action, Identifier string
	// Due is when the trigger fires, by the writer's clock at Set.
	Due time.Time
	// Payload is what Set stored with it ("" when none).
	Payload string
}

// Trigger record fields. due, payload, ref and keep are written by Set;
// the others by listeners (see listen.go).
const (
	triggerDue      = "due"      // RFC 3339 with nanoseconds
	triggerPayload  = "payload"  // as given to Set
	triggerRefField = "ref"      // the reference in the due bucket (triggerRef)
	triggerKeep     = "keep"     // retention in milliseconds
	triggerAttempts = "attempts" // deliveries started
	triggerOwner    = "owner"    // the listener holding the lease
	triggerLease    = "lease"    // Unix ms before which no listener claims it
	triggerError    = "error"    // the last handler error
	triggerDead     = "dead"     // "1" once the trigger gave up
)

// Triggers holds the triggers of one tenant, each named by an action and
// an identifier (a conversation, an order, ...) and due after the TTL it
// was set with. Listen (or ListenTriggers for every tenant) delivers each
// due trigger to a handler; see the "Triggers" section of the package
// documentation for the design, its latency and its cost.
//
// A trigger is a hash holding its due time (RFC 3339 with nanoseconds),
// payload and delivery state; it is kept until delivered, deleted, or
// Options.Retention after it is due. The triggers of one identifier share
// a hash slot with an index of their actions, so that DeleteAll needs no
// scan. Create one with NewTriggers. It is safe for concurrent use.
type Triggers struct {
	b      store.Backend
	s      settings
	tenant string
}

// NewTriggers returns the trigger repository of tenant. opts may be nil;
// its TTL is the default delay of triggers and its Retention how long a
// due trigger waits for a listener. It fails with ErrInvalidID when the
// tenant is empty or too long, and with ErrInvalidOption on bad options.
func NewTriggers(b store.Backend, tenant string, opts *Options) (*Triggers, error) {
	if err := checkID("tenant", tenant); err != nil {
		return nil, err
	}
	s, err := opts.resolve()
	if err != nil {
		return nil, err
	}
	return &Triggers{b: b, s: s, tenant: tenant}, nil
}

// key validates the names of a trigger and returns its key.
func (tr *Triggers) key(action, ident string) (string, error) {
	if err := checkIDs("action", action, "identifier", ident); err != nil {
		return "", err
	}
	return tr.s.keys.trigger(tr.tenant, ident, action), nil
}

// what names a trigger in errors.
func (tr *Triggers) what(op, action, ident string) string {
	return fmt.Sprintf("repos: trigger %s %q of %q of tenant %q", op, clipID(action), clipID(ident), clipID(tr.tenant))
}

// wrap names a trigger in an error.
func (tr *Triggers) wrap(op, action, ident string, err error) error {
	return fmt.Errorf("%s: %w", tr.what(op, action, ident), err)
}

// Set creates or replaces the trigger (action, ident) with payload, due
// after the repository's TTL (or WithTTL's). The TTL is the delay before
// the trigger fires and must be positive: a trigger that is never due
// fails with ErrInvalidOption. Replacing a trigger resets its attempts and
// its due time; a delivery of the old one that is running is not stopped.
//
// Cost: 2 calls, 3 when replacing, in this order so that a record never
// lacks its schedule entry: 1 Apply adding the reference to its due
// bucket and the time index (the root's TTL extended in the same group),
// 1 Update writing the record and ident's index (it reads the old
// reference; the index's TTL is extended in its group), and, when
// replacing, 1 SRem of the old reference. On Redis and Valkey: 3 round
// trips, 4 when replacing.
func (tr *Triggers) Set(ctx context.Context, action, ident, payload string, opts ...CallOption) (err error) {
	ctx, span := tr.s.span(ctx, "Triggers.Set", tr.tenant)
	defer span.end(&err)
	key, err := tr.key(action, ident)
	if err != nil {
		return err
	}
	ttl, err := ttlFor(tr.s.ttl, opts)
	if err != nil {
		return err
	}
	if ttl == 0 {
		return fmt.Errorf("%w: trigger %q of %q needs a positive TTL", ErrInvalidOption, clipID(action), clipID(ident))
	}
	due := time.Now().Add(ttl)
	ref := triggerRef(tr.tenant, action, ident, due)
	if err := schedule(ctx, tr.b, tr.s.keys, ref, due, tr.s.retention); err != nil {
		return tr.wrap("set", action, ident, err)
	}
	fields := map[string]string{
		triggerDue: due.UTC().Format(time.RFC3339Nano), triggerPayload: payload,
		triggerRefField: ref, triggerKeep: strconv.FormatInt(tr.s.retention.Milliseconds(), 10),
	}
	addTraceParent(ctx, fields)
	old, err := tr.writeRecord(ctx, key, action, ident, fields, ttl+tr.s.retention)
	if err != nil {
		return tr.wrap("set", action, ident, err)
	}
	if old != "" && old != ref {
		if err := unschedule(ctx, tr.b, tr.s.keys, old); err != nil {
			return tr.wrap("set", action, ident, err)
		}
	}
	return nil
}

// writeRecord replaces the record at key with fields and TTL ttl, adds
// action to ident's index (extending the index's TTL to ttl, never
// shortening it), as one step, and returns the reference of the record it
// replaced ("" when none).
func (tr *Triggers) writeRecord(ctx context.Context, key, action, ident string, fields map[string]string, ttl time.Duration) (string, error) {
	index := tr.s.keys.identTriggers(tr.tenant, ident)
	var old string
	err := tr.b.Update(ctx, []string{key, index}, func(r store.Reader) ([]store.Op, error) {
		ref, err := r.HGet(ctx, key, triggerRefField)
		if err != nil && !errors.Is(err, store.ErrNotFound) {
			return nil, err
		}
		old = ref
		ops := []store.Op{&store.DelOp{Key: key}, &store.HSetOp{Key: key, Fields: fields},
			&store.ExpireOp{Key: key, TTL: ttl}, &store.SAddOp{Key: index, Members: []string{action}}}
		return append(ops, extendOps(index, ttl)...), nil
	})
	return old, err
}

// Get returns the trigger (action, ident) while it is not yet due; a
// missing, deleted or already due one gives an error wrapping
// store.ErrNotFound. Cost: 1 call.
func (tr *Triggers) Get(ctx context.Context, action, ident string) (_ Trigger, err error) {
	ctx, span := tr.s.span(ctx, "Triggers.Get", tr.tenant)
	defer span.end(&err)
	key, err := tr.key(action, ident)
	if err != nil {
		return Trigger{}, err
	}
	fields, err := getRecord(ctx, tr.b, key, named("trigger %s %q of %q of tenant %q", "get", action, ident, tr.tenant))
	if err != nil {
		return Trigger{}, err
	}
	due, err := time.Parse(time.RFC3339Nano, fields[triggerDue])
	if err != nil {
		return Trigger{}, tr.wrap("get", action, ident, fmt.Errorf("%w: due time %q", ErrDecode, clip(fields[triggerDue])))
	}
	if !due.After(time.Now()) {
		return Trigger{}, tr.wrap("get", action, ident, fmt.Errorf("already due: %w", store.ErrNotFound))
	}
	return Trigger{Action: action, Identifier: ident, Due: due, Payload: fields[triggerPayload]}, nil
}

// Exists reports whether the trigger (action, ident) is set and not yet
// due. Cost: 1 call.
func (tr *Triggers) Exists(ctx context.Context, action, ident string) (_ bool, err error) {
	ctx, span := tr.s.span(ctx, "Triggers.Exists", tr.tenant)
	defer span.end(&err)
	_, err = tr.Remaining(ctx, action, ident)
	if errors.Is(err, store.ErrNotFound) {
		return false, nil
	}
	return err == nil, err
}

// Remaining returns the time left before the trigger (action, ident) is
// due, by this machine's clock against the due time the writer stored,
// truncated to the millisecond; a missing, deleted or already due trigger
// gives an error wrapping store.ErrNotFound. Cost: 1 call.
func (tr *Triggers) Remaining(ctx context.Context, action, ident string) (_ time.Duration, err error) {
	ctx, span := tr.s.span(ctx, "Triggers.Remaining", tr.tenant)
	defer span.end(&err)
	key, err := tr.key(action, ident)
	if err != nil {
		return 0, err
	}
	s, err := tr.b.HGet(ctx, key, triggerDue)
	if err != nil {
		return 0, tr.wrap("remaining", action, ident, err)
	}
	due, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return 0, tr.wrap("remaining", action, ident, fmt.Errorf("%w: due time %q", ErrDecode, clip(s)))
	}
	left := time.Until(due).Truncate(time.Millisecond)
	if left <= 0 {
		return 0, tr.wrap("remaining", action, ident, fmt.Errorf("already due: %w", store.ErrNotFound))
	}
	return left, nil
}

// Delete deletes the trigger (action, ident) and its index entry, as one
// atomic step, then its schedule entry, and reports whether it was stored
// (due and dead ones included). A trigger deleted before it is due never
// fires; a delivery already running is not stopped, and its outcome is
// dropped. Cost: 2 calls (1 Apply on the record, 1 on the schedule).
func (tr *Triggers) Delete(ctx context.Context, action, ident string) (_ bool, err error) {
	ctx, span := tr.s.span(ctx, "Triggers.Delete", tr.tenant)
	defer span.end(&err)
	key, err := tr.key(action, ident)
	if err != nil {
		return false, err
	}
	index := tr.s.keys.identTriggers(tr.tenant, ident)
	found := &store.HGetAllOp{Key: key}
	err = tr.b.Apply(ctx, found, &store.DelOp{Key: key}, &store.SRemOp{Key: index, Members: []string{action}})
	if err != nil {
		return false, tr.wrap("delete", action, ident, err)
	}
	if ref := found.Result[triggerRefField]; ref != "" {
		if err := unschedule(ctx, tr.b, tr.s.keys, ref); err != nil {
			return true, tr.wrap("delete", action, ident, err)
		}
	}
	return len(found.Result) > 0, nil
}

// DeleteAll deletes every trigger of ident and its index, as one atomic
// step, then their schedule entries, and returns the actions that had an
// entry in the index (due and expired ones included). Cost: 1 Update, in
// proportion to ident's triggers only, plus 1 Apply on the schedule.
func (tr *Triggers) DeleteAll(ctx context.Context, ident string) (_ []string, err error) {
	ctx, span := tr.s.span(ctx, "Triggers.DeleteAll", tr.tenant)
	defer span.end(&err)
	if err := checkID("identifier", ident); err != nil {
		return nil, err
	}
	actions, refs, err := tr.deleteAll(ctx, ident)
	if err == nil && len(refs) > 0 {
		err = unschedule(ctx, tr.b, tr.s.keys, refs...)
	}
	if err != nil {
		return nil, fmt.Errorf("repos: trigger delete all of %q of tenant %q: %w", clipID(ident), clipID(tr.tenant), err)
	}
	return actions, nil
}

// deleteAll deletes ident's index and the records it names as one step,
// and returns the actions and the references of the records.
func (tr *Triggers) deleteAll(ctx context.Context, ident string) (actions, refs []string, err error) {
	index := tr.s.keys.identTriggers(tr.tenant, ident)
	err = tr.b.Update(ctx, []string{index}, func(r store.Reader) ([]store.Op, error) {
		actions, refs = nil, nil
		m, err := r.SMembers(ctx, index)
		if err != nil || len(m) == 0 {
			return nil, err
		}
		actions = m
		ops := make([]store.Op, 0, len(m)+1)
		for _, action := range m {
			key := tr.s.keys.trigger(tr.tenant, ident, action)
			// Not guarded: a reference missed here is left stale, and
			// listeners drop a stale reference (its record is gone).
			ref, err := r.HGet(ctx, key, triggerRefField)
			if err == nil {
				refs = append(refs, ref)
			}
			ops = append(ops, &store.DelOp{Key: key})
		}
		return append(ops, &store.DelOp{Key: index}), nil
	})
	return actions, refs, err
}
