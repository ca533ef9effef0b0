package repos

import (
	"context"
	"fmt"
	"time"

	"github.com/mimeiapify/store"
)

// Trigger is one expiration trigger as stored: what Triggers.Get returns.
type Trigger struct {
	// Action and Identifier name the trigger.
	Action, Identifier string
	// Due is when the trigger expires, by the writer's clock at Set.
	Due time.Time
	// Payload is what Set stored with it ("" when none).
	Payload string
}

// Trigger record fields.
const (
	triggerDue     = "due"
	triggerPayload = "payload"
)

// Triggers holds the expiration triggers of one tenant, each named by an
// action and an identifier (a conversation, an order, ...) and expiring
// with its TTL. A trigger is a hash holding its due time (RFC 3339 with
// nanoseconds) and payload, so that a later listener or poller can act on
// it; the triggers of one identifier share a hash slot with an index of
// their actions, so that DeleteAll needs no scan. Delivering expirations is
// not done here. Create one with NewTriggers. It is safe for concurrent
// use.
type Triggers struct {
	b      store.Backend
	s      settings
	tenant string
}

// NewTriggers returns the trigger repository of tenant. opts may be nil;
// its TTL is the default TTL of triggers. It fails with ErrInvalidID when
// the tenant is empty or too long, and with ErrInvalidOption on bad
// options.
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
// after the repository's TTL (or WithTTL's), and records it in ident's
// index, as one atomic step. The TTL must be positive: a trigger that
// never expires fails with ErrInvalidOption. Cost: 1 Update (it reads the
// index's TTL so as to extend it, never shorten it).
func (tr *Triggers) Set(ctx context.Context, action, ident, payload string, opts ...CallOption) error {
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
	due := time.Now().Add(ttl).UTC().Format(time.RFC3339Nano)
	index := tr.s.keys.identTriggers(tr.tenant, ident)
	err = applyIndexed(ctx, tr.b, index, ttl,
		&store.DelOp{Key: key},
		&store.HSetOp{Key: key, Fields: map[string]string{triggerDue: due, triggerPayload: payload}},
		&store.ExpireOp{Key: key, TTL: ttl},
		&store.SAddOp{Key: index, Members: []string{action}})
	if err != nil {
		return tr.wrap("set", action, ident, err)
	}
	return nil
}

// Get returns the trigger (action, ident); a missing or expired one gives
// an error wrapping store.ErrNotFound. Cost: 1 call.
func (tr *Triggers) Get(ctx context.Context, action, ident string) (Trigger, error) {
	key, err := tr.key(action, ident)
	if err != nil {
		return Trigger{}, err
	}
	fields, err := getRecord(ctx, tr.b, key, tr.what("get", action, ident))
	if err != nil {
		return Trigger{}, err
	}
	due, err := time.Parse(time.RFC3339Nano, fields[triggerDue])
	if err != nil {
		return Trigger{}, tr.wrap("get", action, ident, fmt.Errorf("%w: due time %q", ErrDecode, clip(fields[triggerDue])))
	}
	return Trigger{Action: action, Identifier: ident, Due: due, Payload: fields[triggerPayload]}, nil
}

// Exists reports whether the trigger (action, ident) is set and not yet
// expired. Cost: 1 call.
func (tr *Triggers) Exists(ctx context.Context, action, ident string) (bool, error) {
	key, err := tr.key(action, ident)
	if err != nil {
		return false, err
	}
	n, err := tr.b.Exists(ctx, key)
	if err != nil {
		return false, tr.wrap("exists", action, ident, err)
	}
	return n > 0, nil
}

// Remaining returns the time left before the trigger (action, ident)
// expires, read from the backend's TTL (millisecond precision); a missing
// or expired trigger gives an error wrapping store.ErrNotFound. Cost: 1
// call.
func (tr *Triggers) Remaining(ctx context.Context, action, ident string) (time.Duration, error) {
	key, err := tr.key(action, ident)
	if err != nil {
		return 0, err
	}
	d, err := tr.b.TTL(ctx, key)
	if err != nil {
		return 0, tr.wrap("remaining", action, ident, err)
	}
	return d, nil
}

// Delete deletes the trigger (action, ident) and its index entry, as one
// atomic step, and reports whether it was set. Cost: 1 Apply.
func (tr *Triggers) Delete(ctx context.Context, action, ident string) (bool, error) {
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
	return len(found.Result) > 0, nil
}

// DeleteAll deletes every trigger of ident and its index, as one atomic
// step, and returns the actions that had an entry in the index (expired
// ones included). Cost: 1 Update, in proportion to ident's triggers only.
func (tr *Triggers) DeleteAll(ctx context.Context, ident string) ([]string, error) {
	if err := checkID("identifier", ident); err != nil {
		return nil, err
	}
	index := tr.s.keys.identTriggers(tr.tenant, ident)
	actions, err := deleteIndexed(ctx, tr.b, index, func(action string) string {
		return tr.s.keys.trigger(tr.tenant, ident, action)
	})
	if err != nil {
		return nil, fmt.Errorf("repos: trigger delete all of %q of tenant %q: %w", clipID(ident), clipID(tr.tenant), err)
	}
	return actions, nil
}
