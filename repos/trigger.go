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

// Trigger record fields. due, payload and keep are written by Set, which
// also clears the others; attempts, error and dead by listeners (see
// trigger_deliver.go).
const (
	triggerDue      = "due"      // RFC 3339 with nanoseconds
	triggerPayload  = "payload"  // as given to Set
	triggerKeep     = "keep"     // retention in milliseconds
	triggerAttempts = "attempts" // deliveries started
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
// payload and delivery state, and a member of its shard's schedule (a
// sorted set scored by due time); it is kept until delivered, deleted, or
// Options.Retention after it is due. The triggers of one identifier share
// a shard, hence a hash slot, with an index of their actions, so that
// DeleteAll needs no scan and every call is one atomic step. Create one
// with NewTriggers. It is safe for concurrent use.
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
// its due time; a delivery of the old one that is running is not stopped,
// and its outcome is dropped.
//
// Cost: 1 Apply in the trigger's shard: its schedule entry (ZADD: a
// trigger set again only moves its score), its record with its TTL, its
// identifier's index with the index TTL rule, and, for a trigger due
// within wakeHorizon, the shard's wake mark. On Redis and Valkey: 1 round
// trip, 6 commands (7 with the wake mark).
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
	fields := map[string]string{
		triggerDue: due.UTC().Format(time.RFC3339Nano), triggerPayload: payload,
		triggerKeep:     strconv.FormatInt(tr.s.retention.Milliseconds(), 10),
		triggerAttempts: "0", triggerError: "", triggerDead: "", triggerTrace: "",
	}
	addTraceParent(ctx, fields)
	shard := triggerShard(tr.tenant, ident)
	index := tr.s.keys.identTriggers(tr.tenant, ident)
	ops := []store.Op{
		&store.ZAddOp{Key: tr.s.keys.schedule(shard), Members: []store.ZMember{{Member: triggerMember(tr.tenant, action, ident), Score: dueScore(due)}}},
		&store.HSetOp{Key: key, Fields: fields},
		&store.ExpireOp{Key: key, TTL: ttl + tr.s.retention},
		&store.SAddOp{Key: index, Members: []string{action}},
	}
	ops = append(ops, extendOps(index, ttl+tr.s.retention)...)
	ops = append(ops, wakeOps(tr.s.keys, shard, ttl)...)
	if err := tr.b.Apply(ctx, ops...); err != nil {
		return tr.wrap("set", action, ident, err)
	}
	return nil
}

// unixMs returns t in Unix milliseconds (rounded down), the score of a
// lease's or a backoff's end and the bound of a claim's read.
func unixMs(t time.Time) float64 {
	return float64(t.UnixMilli())
}

// dueScore returns the score of a trigger due at due: its Unix
// millisecond rounded up, so that no claim takes it before its due time.
func dueScore(due time.Time) float64 {
	ms := due.UnixMilli()
	if due.After(time.UnixMilli(ms)) {
		ms++
	}
	return float64(ms)
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

// Delete deletes the trigger (action, ident), its index entry, its
// schedule entry and its dead letter, as one atomic step, and reports
// whether it was stored (due and dead ones included). A trigger deleted
// before it is due never fires; a delivery already running is not
// stopped, and its outcome is dropped. Cost: 1 Apply.
func (tr *Triggers) Delete(ctx context.Context, action, ident string) (_ bool, err error) {
	ctx, span := tr.s.span(ctx, "Triggers.Delete", tr.tenant)
	defer span.end(&err)
	key, err := tr.key(action, ident)
	if err != nil {
		return false, err
	}
	shard := triggerShard(tr.tenant, ident)
	m := []string{triggerMember(tr.tenant, action, ident)}
	found := &store.HGetAllOp{Key: key}
	err = tr.b.Apply(ctx, found, &store.DelOp{Key: key},
		&store.SRemOp{Key: tr.s.keys.identTriggers(tr.tenant, ident), Members: []string{action}},
		&store.ZRemOp{Key: tr.s.keys.schedule(shard), Members: m},
		&store.SRemOp{Key: tr.s.keys.deadTriggers(shard), Members: m})
	if err != nil {
		return false, tr.wrap("delete", action, ident, err)
	}
	return len(found.Result) > 0, nil
}

// DeleteAll deletes every trigger of ident, its index, and their schedule
// entries and dead letters, as one atomic step, and returns the actions
// that had an entry in the index (due and expired ones included). Cost: 1
// Update, in proportion to ident's triggers only.
func (tr *Triggers) DeleteAll(ctx context.Context, ident string) (_ []string, err error) {
	ctx, span := tr.s.span(ctx, "Triggers.DeleteAll", tr.tenant)
	defer span.end(&err)
	if err := checkID("identifier", ident); err != nil {
		return nil, err
	}
	actions, err := tr.deleteAll(ctx, ident)
	if err != nil {
		return nil, fmt.Errorf("repos: trigger delete all of %q of tenant %q: %w", clipID(ident), clipID(tr.tenant), err)
	}
	return actions, nil
}

// deleteAll deletes ident's index, the records it names and their
// schedule entries and dead letters, as one step, and returns the actions.
func (tr *Triggers) deleteAll(ctx context.Context, ident string) (actions []string, err error) {
	index := tr.s.keys.identTriggers(tr.tenant, ident)
	shard := triggerShard(tr.tenant, ident)
	err = tr.b.Update(ctx, []string{index}, func(r store.Reader) ([]store.Op, error) {
		actions = nil
		m, err := r.SMembers(ctx, index)
		if err != nil || len(m) == 0 {
			return nil, err
		}
		actions = m
		ops := make([]store.Op, 0, len(m)+3)
		members := make([]string, len(m))
		for i, action := range m {
			ops = append(ops, &store.DelOp{Key: tr.s.keys.trigger(tr.tenant, ident, action)})
			members[i] = triggerMember(tr.tenant, action, ident)
		}
		return append(ops, &store.DelOp{Key: index},
			&store.ZRemOp{Key: tr.s.keys.schedule(shard), Members: members},
			&store.SRemOp{Key: tr.s.keys.deadTriggers(shard), Members: members}), nil
	})
	return actions, err
}
