package repos

import (
	"context"
	"fmt"

	"github.com/mimeiapify/store"
)

// StateHandler keeps the conversational state of one user of one tenant,
// one hash per handler name (a bot's dialog, a form in progress, an
// agent's plan). All of a user's states share the user's hash slot.
// Create one with NewStateHandler. It is safe for concurrent use.
type StateHandler struct {
	b      store.Backend
	s      settings
	tenant string
	user   string
}

// NewStateHandler returns the handler states of user userID of tenant.
// opts may be nil. It fails with ErrInvalidID when an id is empty or too
// long, and with ErrInvalidOption on bad options.
func NewStateHandler(b store.Backend, tenant, userID string, opts *Options) (*StateHandler, error) {
	if err := checkIDs("tenant", tenant, "user id", userID); err != nil {
		return nil, err
	}
	s, err := opts.resolve()
	if err != nil {
		return nil, err
	}
	return &StateHandler{b: b, s: s, tenant: tenant, user: userID}, nil
}

// key validates handler and returns its state's key and a name for errors.
func (h *StateHandler) key(op, handler string) (string, callName, error) {
	what := named("handler state %s %q of user %q of tenant %q", op, handler, h.user, h.tenant)
	if err := checkID("handler", handler); err != nil {
		return "", what, fmt.Errorf("%s: %w", what, err)
	}
	return h.s.keys.handlerState(h.tenant, h.user, handler), what, nil
}

// Set replaces the handler's state with the fields of v (a struct or a
// map, see Encode) and gives it the repository's TTL (or WithTTL's), as
// one atomic step. Cost: 1 call.
func (h *StateHandler) Set(ctx context.Context, handler string, v any, opts ...CallOption) (err error) {
	ctx, span := h.s.span(ctx, "StateHandler.Set", h.tenant)
	defer span.end(&err)
	key, what, err := h.key("set", handler)
	if err != nil {
		return err
	}
	ttl, err := ttlFor(h.s.ttl, opts)
	if err != nil {
		return err
	}
	fields, err := encodeRecord(what, v)
	if err != nil {
		return err
	}
	ops := []store.Op{&store.DelOp{Key: key}, &store.HSetOp{Key: key, Fields: fields}, expiryOp(key, ttl)}
	if err := h.b.Apply(ctx, ops...); err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	return nil
}

// Get returns the handler's state as stored; a missing state gives an
// error wrapping store.ErrNotFound. Cost: 1 call.
func (h *StateHandler) Get(ctx context.Context, handler string) (_ map[string]string, err error) {
	ctx, span := h.s.span(ctx, "StateHandler.Get", h.tenant)
	defer span.end(&err)
	key, what, err := h.key("get", handler)
	if err != nil {
		return nil, err
	}
	return getRecord(ctx, h.b, key, what)
}

// GetInto decodes the handler's state into dst (see Decode); a missing
// state gives an error wrapping store.ErrNotFound. Cost: 1 call.
func (h *StateHandler) GetInto(ctx context.Context, handler string, dst any) (err error) {
	ctx, span := h.s.span(ctx, "StateHandler.GetInto", h.tenant)
	defer span.end(&err)
	fields, err := h.Get(ctx, handler)
	if err != nil {
		return err
	}
	return Decode(fields, dst)
}

// UpdateField sets one field of an existing handler state to value
// (encoded as Encode would) and renews its TTL, as one atomic step. It
// fails with store.ErrNotFound, writing nothing, when the state does not
// exist. Cost: one optimistic Update.
func (h *StateHandler) UpdateField(ctx context.Context, handler, field string, value any, opts ...CallOption) (err error) {
	ctx, span := h.s.span(ctx, "StateHandler.UpdateField", h.tenant)
	defer span.end(&err)
	key, what, err := h.key("update field", handler)
	if err != nil {
		return err
	}
	ttl, err := ttlFor(h.s.ttl, opts)
	if err != nil {
		return err
	}
	s, err := encodeField(field, value)
	if err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	return updateExisting(ctx, h.b, key, what, map[string]string{field: s}, ttl)
}

// Upsert merges the fields of v into the handler's state (creating it if
// needed), renews its TTL and returns the whole merged state, as one
// atomic step: concurrent Upserts of different fields lose nothing.
// Cost: 1 call.
func (h *StateHandler) Upsert(ctx context.Context, handler string, v any, opts ...CallOption) (_ map[string]string, err error) {
	ctx, span := h.s.span(ctx, "StateHandler.Upsert", h.tenant)
	defer span.end(&err)
	key, what, err := h.key("upsert", handler)
	if err != nil {
		return nil, err
	}
	ttl, err := ttlFor(h.s.ttl, opts)
	if err != nil {
		return nil, err
	}
	fields, err := encodeRecord(what, v)
	if err != nil {
		return nil, err
	}
	read := &store.HGetAllOp{Key: key}
	if err := h.b.Apply(ctx, &store.HSetOp{Key: key, Fields: fields}, expiryOp(key, ttl), read); err != nil {
		return nil, fmt.Errorf("%s: %w", what, err)
	}
	return read.Result, nil
}

// Delete deletes the handler's state and reports whether it existed.
// Cost: 1 call.
func (h *StateHandler) Delete(ctx context.Context, handler string) (_ bool, err error) {
	ctx, span := h.s.span(ctx, "StateHandler.Delete", h.tenant)
	defer span.end(&err)
	key, what, err := h.key("delete", handler)
	if err != nil {
		return false, err
	}
	n, err := h.b.Del(ctx, key)
	if err != nil {
		return false, fmt.Errorf("%s: %w", what, err)
	}
	return n > 0, nil
}

// Exists reports whether the handler's state exists. Cost: 1 call.
func (h *StateHandler) Exists(ctx context.Context, handler string) (_ bool, err error) {
	ctx, span := h.s.span(ctx, "StateHandler.Exists", h.tenant)
	defer span.end(&err)
	key, what, err := h.key("exists", handler)
	if err != nil {
		return false, err
	}
	n, err := h.b.Exists(ctx, key)
	if err != nil {
		return false, fmt.Errorf("%s: %w", what, err)
	}
	return n > 0, nil
}
