package repos

// This file holds the helpers that the hash-record repositories (User,
// StateHandler, SharedState) share.

import (
	"context"
	"fmt"
	"time"

	"github.com/mimeiapify/store"
)

// encodeRecord encodes v with Encode and fails, wrapping ErrEncode, when
// it gives no field (a hash cannot be empty).
func encodeRecord(what callName, v any) (map[string]string, error) {
	fields, err := Encode(v)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", what, err)
	}
	if len(fields) == 0 {
		return nil, fmt.Errorf("%w: %s: the value has no field to store", ErrEncode, what)
	}
	return fields, nil
}

// encodeField encodes one value as the codec would store it in field.
func encodeField(field string, v any) (string, error) {
	if field == "" {
		return "", fmt.Errorf("%w: field name is empty", store.ErrInvalidArgument)
	}
	fields, err := Encode(map[string]any{field: v})
	if err != nil {
		return "", err
	}
	s, ok := fields[field]
	if !ok {
		return "", fmt.Errorf("%w: field %q: nil value", ErrEncode, clipID(field))
	}
	return s, nil
}

// getRecord returns the whole hash at key, or an error wrapping
// store.ErrNotFound naming what when it is missing.
func getRecord(ctx context.Context, b store.Backend, key string, what callName) (map[string]string, error) {
	fields, err := b.HGetAll(ctx, key)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", what, err)
	}
	if len(fields) == 0 {
		return nil, fmt.Errorf("%s: %w", what, store.ErrNotFound)
	}
	return fields, nil
}

// updateExisting sets fields of the hash at key and gives it ttl, as one
// step, only if the hash exists; else it fails with store.ErrNotFound.
func updateExisting(ctx context.Context, b store.Backend, key string, what callName, fields map[string]string, ttl time.Duration) error {
	err := b.Update(ctx, []string{key}, func(r store.Reader) ([]store.Op, error) {
		t, err := r.Type(ctx, key)
		if err != nil {
			return nil, err
		}
		if t == store.TypeNone {
			return nil, store.ErrNotFound
		}
		return []store.Op{&store.HSetOp{Key: key, Fields: fields}, expiryOp(key, ttl)}, nil
	})
	if err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	return nil
}
