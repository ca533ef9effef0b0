package repos

import (
	"context"
	"fmt"
	"sort"
	"time"

	"github.com/mimeiapify/store"
)

// SharedState is scratch space that the tools and agents serving one user
// of one tenant share: named hashes, plus an index of the names so that
// List and Clear never scan the keyspace. A user's states and index share
// the user's hash slot, so every write is one atomic step. Create one with
// NewSharedState; see WithSharedState to pass it along a request. It is
// safe for concurrent use.
//
// The index's TTL is extended, in the step that writes a state, to at
// least the state's (a state without TTL gives it indexForever, a hundred
// years), so it
// expires with the longest-lived state it names; names whose state
// expired while others live are removed by the next List, all at once.
type SharedState struct {
	b      store.Backend
	s      settings
	tenant string
	user   string
	index  string
}

// NewSharedState returns the shared states of user userID of tenant. opts
// may be nil. It fails with ErrInvalidID when an id is empty or too long,
// and with ErrInvalidOption on bad options.
func NewSharedState(b store.Backend, tenant, userID string, opts *Options) (*SharedState, error) {
	if err := checkIDs("tenant", tenant, "user id", userID); err != nil {
		return nil, err
	}
	s, err := opts.resolve()
	if err != nil {
		return nil, err
	}
	return &SharedState{b: b, s: s, tenant: tenant, user: userID, index: s.keys.sharedIndex(tenant, userID)}, nil
}

// Tenant returns the tenant the states belong to.
func (ss *SharedState) Tenant() string { return ss.tenant }

// UserID returns the id of the user the states belong to.
func (ss *SharedState) UserID() string { return ss.user }

// what names the user's shared states in errors.
func (ss *SharedState) what(op string) callName {
	return named("shared state %s of user %q of tenant %q", op, ss.user, ss.tenant)
}

// key validates name and returns its state's key and a name for errors.
func (ss *SharedState) key(op, name string) (string, callName, error) {
	what := named("shared state %s %q of user %q of tenant %q", op, name, ss.user, ss.tenant)
	if err := checkID("state name", name); err != nil {
		return "", what, fmt.Errorf("%s: %w", what, err)
	}
	return ss.s.keys.sharedState(ss.tenant, ss.user, name), what, nil
}

// Set replaces the state name with the fields of v (a struct or a map,
// see Encode), gives it the repository's TTL (or WithTTL's) and lists it
// in the index, as one atomic step. Cost: 1 call (an Apply that also
// extends the index's TTL, never shortening it: one round trip on Redis
// and Valkey).
func (ss *SharedState) Set(ctx context.Context, name string, v any, opts ...CallOption) (err error) {
	ctx, span := ss.s.span(ctx, "SharedState.Set", ss.tenant)
	defer span.end(&err)
	key, what, err := ss.key("set", name)
	if err != nil {
		return err
	}
	ttl, err := ttlFor(ss.s.ttl, opts)
	if err != nil {
		return err
	}
	fields, err := encodeRecord(what, v)
	if err != nil {
		return err
	}
	return ss.write(ctx, what, ttl, &store.DelOp{Key: key}, &store.HSetOp{Key: key, Fields: fields}, expiryOp(key, ttl),
		&store.SAddOp{Key: ss.index, Members: []string{name}})
}

// SetField sets one field of the state name to value (encoded as Encode
// would), creating the state if needed, renews its TTL and lists it in
// the index, as one atomic step. Cost: 1 call (as Set).
func (ss *SharedState) SetField(ctx context.Context, name, field string, value any, opts ...CallOption) (err error) {
	ctx, span := ss.s.span(ctx, "SharedState.SetField", ss.tenant)
	defer span.end(&err)
	key, what, err := ss.key("set field", name)
	if err != nil {
		return err
	}
	ttl, err := ttlFor(ss.s.ttl, opts)
	if err != nil {
		return err
	}
	s, err := encodeField(field, value)
	if err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	return ss.write(ctx, what, ttl, &store.HSetOp{Key: key, Fields: map[string]string{field: s}}, expiryOp(key, ttl),
		&store.SAddOp{Key: ss.index, Members: []string{name}})
}

// write applies ops, which write a state with ttl, with the index's TTL
// extended to cover it (see applyIndexed), wrapping an error with what.
func (ss *SharedState) write(ctx context.Context, what callName, ttl time.Duration, ops ...store.Op) error {
	if err := applyIndexed(ctx, ss.b, ss.index, ttl, ops...); err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	return nil
}

// Get returns the state name as stored; a missing state gives an error
// wrapping store.ErrNotFound. Cost: 1 call.
func (ss *SharedState) Get(ctx context.Context, name string) (_ map[string]string, err error) {
	ctx, span := ss.s.span(ctx, "SharedState.Get", ss.tenant)
	defer span.end(&err)
	key, what, err := ss.key("get", name)
	if err != nil {
		return nil, err
	}
	return getRecord(ctx, ss.b, key, what)
}

// GetInto decodes the state name into dst (see Decode); a missing state
// gives an error wrapping store.ErrNotFound. Cost: 1 call.
func (ss *SharedState) GetInto(ctx context.Context, name string, dst any) (err error) {
	ctx, span := ss.s.span(ctx, "SharedState.GetInto", ss.tenant)
	defer span.end(&err)
	fields, err := ss.Get(ctx, name)
	if err != nil {
		return err
	}
	return Decode(fields, dst)
}

// GetField returns one field of the state name as stored; a missing state
// or field gives an error wrapping store.ErrNotFound. Cost: 1 call.
func (ss *SharedState) GetField(ctx context.Context, name, field string) (_ string, err error) {
	ctx, span := ss.s.span(ctx, "SharedState.GetField", ss.tenant)
	defer span.end(&err)
	key, what, err := ss.key("get field", name)
	if err != nil {
		return "", err
	}
	v, err := ss.b.HGet(ctx, key, field)
	if err != nil {
		return "", fmt.Errorf("%s field %q: %w", what, clipID(field), err)
	}
	return v, nil
}

// Delete deletes the state name and its index entry, as one atomic step.
// Deleting a missing state is not an error. Cost: 1 call.
func (ss *SharedState) Delete(ctx context.Context, name string) (err error) {
	ctx, span := ss.s.span(ctx, "SharedState.Delete", ss.tenant)
	defer span.end(&err)
	key, what, err := ss.key("delete", name)
	if err != nil {
		return err
	}
	err = ss.b.Apply(ctx, &store.DelOp{Key: key}, &store.SRemOp{Key: ss.index, Members: []string{name}})
	return wrapIf(what, err)
}

// List returns the names, sorted, of the user's states that exist. Names
// whose state expired are removed from the index, all in one step. Cost:
// 2 calls (the index, then one Exists over all its states); when some
// expired, one Apply per 500 names that reads them and one that removes
// the expired ones, never a call per name.
func (ss *SharedState) List(ctx context.Context) (_ []string, err error) {
	ctx, span := ss.s.span(ctx, "SharedState.List", ss.tenant)
	defer span.end(&err)
	names, err := ss.b.SMembers(ctx, ss.index)
	if err != nil || len(names) == 0 {
		return nil, wrapIf(ss.what("list"), err)
	}
	keys := make([]string, len(names))
	for i, n := range names {
		keys[i] = ss.s.keys.sharedState(ss.tenant, ss.user, n)
	}
	n, err := ss.b.Exists(ctx, keys...)
	if err != nil {
		return nil, wrapIf(ss.what("list"), err)
	}
	if int(n) != len(names) {
		if names, err = ss.dropExpired(ctx, names, keys); err != nil {
			return nil, wrapIf(ss.what("list"), err)
		}
	}
	sort.Strings(names)
	return names, nil
}

// dropExpired returns the names whose state exists and removes the
// others from the index (see pruneSet: a state set meanwhile keeps its
// entry).
func (ss *SharedState) dropExpired(ctx context.Context, names, keys []string) ([]string, error) {
	recs, err := readRecords(ctx, ss.b, keys)
	if err != nil {
		return nil, err
	}
	var live, stale []string
	for i, rec := range recs {
		if len(rec) > 0 {
			live = append(live, names[i])
		} else {
			stale = append(stale, names[i])
		}
	}
	record := func(name string) string { return ss.s.keys.sharedState(ss.tenant, ss.user, name) }
	return live, pruneSet(ctx, ss.b, ss.index, stale, record, nonEmpty)
}

// Clear deletes every state of the user and the index, as one atomic step
// (the index is read and guarded inside an optimistic Update, so a state
// set meanwhile is either deleted or kept with its entry). Only this
// user's keys are touched. Cost: one optimistic Update.
func (ss *SharedState) Clear(ctx context.Context) (err error) {
	ctx, span := ss.s.span(ctx, "SharedState.Clear", ss.tenant)
	defer span.end(&err)
	err = ss.b.Update(ctx, []string{ss.index}, func(r store.Reader) ([]store.Op, error) {
		names, err := r.SMembers(ctx, ss.index)
		if err != nil || len(names) == 0 {
			return nil, err
		}
		ops := make([]store.Op, 0, len(names)+1)
		for _, n := range names {
			ops = append(ops, &store.DelOp{Key: ss.s.keys.sharedState(ss.tenant, ss.user, n)})
		}
		return append(ops, &store.DelOp{Key: ss.index}), nil
	})
	return wrapIf(ss.what("clear"), err)
}

// wrapIf wraps a non-nil err with what.
func wrapIf(what callName, err error) error {
	if err == nil {
		return nil
	}
	return fmt.Errorf("%s: %w", what, err)
}
