package repos

// This file holds the typed calls: generic functions (methods cannot have
// type parameters) that encode and decode through the one codec of
// codec.go, so that a record, a field, a batch payload and a trigger
// payload of one Go type are stored the same way everywhere.

import (
	"context"
	"fmt"
	"reflect"
	"time"
)

// EncodeValue encodes one value as the codec stores it in a field of a
// hash (see Encode's table): a string as it is, a number in decimal, a
// bool as "1" or "0", a time.Time as RFC 3339, a TextMarshaler as its text,
// a struct, map or slice as JSON. It is the codec of single values: of
// the fields read by GetFieldAs, of batch payloads (EnqueueAs) and of
// trigger payloads (SetTriggerAs). A nil value or one of a type the codec
// cannot store fails with an error wrapping ErrEncode.
func EncodeValue(v any) (string, error) {
	rv := reflect.ValueOf(v)
	if !rv.IsValid() {
		return "", fmt.Errorf("%w: nil value", ErrEncode)
	}
	c, err := convFor(rv.Type())
	if err != nil {
		return "", fmt.Errorf("%w: %w", ErrEncode, err)
	}
	s, present, err := encodeValue(c, rv)
	if err != nil {
		return "", fmt.Errorf("%w: %s: %w", ErrEncode, rv.Type(), err)
	}
	if !present {
		return "", fmt.Errorf("%w: nil %s", ErrEncode, rv.Type())
	}
	return s, nil
}

// DecodeValueAs decodes one stored value, as EncodeValue wrote it, into a
// new T. T is a type the codec stores in one field (see Encode's table);
// an interface type such as any reads JSON. A value that does not parse
// as a T fails with an error wrapping ErrDecode that names the type.
func DecodeValueAs[T any](s string) (T, error) {
	var v T
	t := reflect.TypeFor[T]()
	c, err := convFor(t)
	if err != nil {
		return v, fmt.Errorf("%w: %w", ErrDecode, err)
	}
	if err := decodeValue(c, s, reflect.ValueOf(&v).Elem()); err != nil {
		var zero T
		return zero, fmt.Errorf("%w: %s from %q: %w", ErrDecode, t, clip(s), err)
	}
	return v, nil
}

// GetStateAs returns the state of handler of h decoded as a T (see
// DecodeAs); a missing state gives an error wrapping store.ErrNotFound.
// Cost: 1 call.
func GetStateAs[T any](ctx context.Context, h *StateHandler, handler string) (T, error) {
	var v T
	if err := h.GetInto(ctx, handler, &v); err != nil {
		var zero T
		return zero, err
	}
	return v, nil
}

// UpsertStateAs merges the fields of v into the state of handler of h as
// StateHandler.Upsert does (one atomic step, TTL renewed) and returns the
// whole merged state decoded as a T. v may be a T, a struct holding only
// some fields (with omitempty) or a map. When the merged state does not
// decode as a T the write has happened and the error wraps ErrDecode.
// Cost: 1 call.
func UpsertStateAs[T any](ctx context.Context, h *StateHandler, handler string, v any, opts ...CallOption) (T, error) {
	fields, err := h.Upsert(ctx, handler, v, opts...)
	if err != nil {
		var zero T
		return zero, err
	}
	return DecodeAs[T](fields)
}

// GetFieldAs returns one field of the shared state name of ss decoded as
// a T (see DecodeValueAs); a missing state or field gives an error
// wrapping store.ErrNotFound. Cost: 1 call.
func GetFieldAs[T any](ctx context.Context, ss *SharedState, name, field string) (T, error) {
	s, err := ss.GetField(ctx, name, field)
	if err != nil {
		var zero T
		return zero, err
	}
	return decodeFieldAs[T](named("shared state %s %q field %q of user %q of tenant %q", "get field", name, field, ss.user, ss.tenant), s)
}

// GetField returns one field of the user's record as stored; a missing
// user or field gives an error wrapping store.ErrNotFound. Cost: 1 call.
func (u *User) GetField(ctx context.Context, field string) (string, error) {
	v, err := u.b.HGet(ctx, u.key, field)
	if err != nil {
		return "", fmt.Errorf("%s field %q: %w", u.what("get field"), clipID(field), err)
	}
	return v, nil
}

// GetUserFieldAs returns one field of the record of u decoded as a T (see
// DecodeValueAs); a missing user or field gives an error wrapping
// store.ErrNotFound. Cost: 1 call.
func GetUserFieldAs[T any](ctx context.Context, u *User, field string) (T, error) {
	s, err := u.GetField(ctx, field)
	if err != nil {
		var zero T
		return zero, err
	}
	return decodeFieldAs[T](named("user %s field %q of %q of tenant %q", "get", field, u.id, u.tenant), s)
}

// decodeFieldAs decodes s as a T, naming what in an error.
func decodeFieldAs[T any](what callName, s string) (T, error) {
	v, err := DecodeValueAs[T](s)
	if err != nil {
		return v, fmt.Errorf("%s: %w", what, err)
	}
	return v, nil
}

// EnqueueAs encodes payload with EncodeValue and enqueues it as
// Batch.Enqueue does. Nothing is written when it cannot be encoded.
func EnqueueAs[T any](ctx context.Context, bt *Batch, q Queue, payload T, opts ...CallOption) error {
	return EnqueueAllAs(ctx, bt, q, []T{payload}, opts...)
}

// EnqueueAllAs encodes payloads with EncodeValue and enqueues them as
// Batch.EnqueueAll does. Nothing is written when one cannot be encoded.
func EnqueueAllAs[T any](ctx context.Context, bt *Batch, q Queue, payloads []T, opts ...CallOption) error {
	raw := make([]string, len(payloads))
	for i, p := range payloads {
		s, err := EncodeValue(p)
		if err != nil {
			return bt.wrap("enqueue", q, fmt.Errorf("payload %d: %w", i, err))
		}
		raw[i] = s
	}
	return bt.EnqueueAll(ctx, q, raw, opts...)
}

// ClaimOf is a Claim whose items are decoded as T.
type ClaimOf[T any] struct {
	Claim
	// Values are Claim.Items decoded, in the same order.
	Values []T
}

// ClaimAs claims items of q as Batch.Claim does and decodes them as T
// (see DecodeValueAs). When an item does not decode the items are claimed
// all the same: the error wraps ErrDecode and the ClaimOf returned holds
// the Claim (its ID, for Ack, and the raw Items) with Values nil.
func ClaimAs[T any](ctx context.Context, bt *Batch, q Queue, n int, lease time.Duration) (ClaimOf[T], error) {
	c, err := bt.Claim(ctx, q, n, lease)
	if err != nil {
		return ClaimOf[T]{}, err
	}
	vs, err := decodeAll[T](c.Items)
	if err != nil {
		return ClaimOf[T]{Claim: c}, bt.wrap("claim", q, err)
	}
	return ClaimOf[T]{Claim: c, Values: vs}, nil
}

// ChunkAs returns the payloads of q from start to stop as Batch.Chunk
// does, decoded as T (see DecodeValueAs).
func ChunkAs[T any](ctx context.Context, bt *Batch, q Queue, start, stop int64) ([]T, error) {
	items, err := bt.Chunk(ctx, q, start, stop)
	if err != nil {
		return nil, err
	}
	vs, err := decodeAll[T](items)
	if err != nil {
		return nil, bt.wrap("chunk", q, err)
	}
	return vs, nil
}

// decodeAll decodes every item as a T.
func decodeAll[T any](items []string) ([]T, error) {
	if len(items) == 0 {
		return nil, nil
	}
	vs := make([]T, len(items))
	for i, s := range items {
		v, err := DecodeValueAs[T](s)
		if err != nil {
			return nil, fmt.Errorf("item %d: %w", i, err)
		}
		vs[i] = v
	}
	return vs, nil
}

// SetTriggerAs encodes payload with EncodeValue and sets the trigger
// (action, ident) with it as Triggers.Set does. Nothing is written when
// it cannot be encoded.
func SetTriggerAs[T any](ctx context.Context, tr *Triggers, action, ident string, payload T, opts ...CallOption) error {
	s, err := EncodeValue(payload)
	if err != nil {
		return tr.wrap("set", action, ident, fmt.Errorf("payload: %w", err))
	}
	return tr.Set(ctx, action, ident, s, opts...)
}

// PayloadAs returns the payload of a delivered (or dead) trigger decoded
// as a T (see DecodeValueAs); the payload is what SetTriggerAs stored. An
// error wraps ErrDecode and names the trigger.
func PayloadAs[T any](f Fired) (T, error) {
	v, err := DecodeValueAs[T](f.Payload)
	if err != nil {
		return v, fmt.Errorf("repos: trigger %q of %q of tenant %q: payload: %w",
			clipID(f.Action), clipID(f.Identifier), clipID(f.Tenant), err)
	}
	return v, nil
}
