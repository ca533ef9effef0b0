package repos

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"strconv"

	"github.com/mimeiapify/store"
)

// User is the record of one user of one tenant: a hash with one field per
// top-level field of the value stored (see Encode), plus an entry in its
// bucket of the tenant's users index and in the field indexes that
// Options.IndexedFields declares (see Users). Every write that creates or
// changes the record writes those entries in the same atomic step, so
// every user a write created is listed. Create one with NewUser. It is
// safe for concurrent use.
//
// Cost of a write: 1 call. It is an Apply when the repository has no
// indexed field (Incr, Upsert, Delete; one round trip on Redis and Valkey,
// with or without TTL: the index keys' TTLs are extended, never shortened,
// inside the group by ExpireOp NX and GT) and an optimistic Update
// otherwise (it reads the record for UpdateField and AppendToField, and
// the indexed values it replaces); with IndexedFields, one HMGet of the
// indexed values comes first.
type User struct {
	b      store.Backend
	s      settings
	tenant string
	id     string
	bucket int
	key    string // the record
	ids    string // the ids of the user's bucket
}

// NewUser returns the repository of user userID of tenant. opts may be
// nil. It fails with ErrInvalidID when an id is empty or too long, and
// with ErrInvalidOption on bad options.
func NewUser(b store.Backend, tenant, userID string, opts *Options) (*User, error) {
	if err := checkIDs("tenant", tenant, "user id", userID); err != nil {
		return nil, err
	}
	s, err := opts.resolve()
	if err != nil {
		return nil, err
	}
	bucket := userBucket(userID)
	return &User{
		b: b, s: s, tenant: tenant, id: userID, bucket: bucket,
		key: s.keys.user(tenant, userID),
		ids: s.keys.userIDs(tenant, bucket),
	}, nil
}

// ID returns the user's id.
func (u *User) ID() string { return u.id }

// what names the user in errors.
func (u *User) what(op string) callName {
	return named("user %s %q of tenant %q", op, u.id, u.tenant)
}

// Upsert merges the fields of v (a struct or a map, see Encode) into the
// user's record, creating it if needed, and gives the record the
// repository's TTL (or WithTTL's). Fields of the record that v does not
// hold are kept.
//
// The record, its TTL and its index entries are written in one atomic
// step (see User for the cost). Nothing is written when v cannot be
// encoded.
func (u *User) Upsert(ctx context.Context, v any, opts ...CallOption) (err error) {
	ctx, span := u.s.span(ctx, "User.Upsert", u.tenant)
	defer span.end(&err)
	ttl, err := ttlFor(u.s.ttl, opts)
	if err != nil {
		return err
	}
	fields, err := encodeRecord(u.what("upsert"), v)
	if err != nil {
		return err
	}
	return u.commit(ctx, userChange{what: u.what("upsert"), ttl: ttl,
		build: func(map[string]string) ([]store.Op, map[string]string, error) {
			return []store.Op{&store.HSetOp{Key: u.key, Fields: fields}}, fields, nil
		}})
}

// Get returns every field of the user's record as stored; a missing user
// gives an error wrapping store.ErrNotFound. Cost: 1 call.
func (u *User) Get(ctx context.Context) (_ map[string]string, err error) {
	ctx, span := u.s.span(ctx, "User.Get", u.tenant)
	defer span.end(&err)
	return getRecord(ctx, u.b, u.key, u.what("get"))
}

// GetInto decodes the user's record into dst (see Decode); a missing user
// gives an error wrapping store.ErrNotFound. Cost: 1 call.
func (u *User) GetInto(ctx context.Context, dst any) (err error) {
	ctx, span := u.s.span(ctx, "User.GetInto", u.tenant)
	defer span.end(&err)
	fields, err := u.Get(ctx)
	if err != nil {
		return err
	}
	return Decode(fields, dst)
}

// GetUserAs returns the record of u decoded as a T (see DecodeAs).
func GetUserAs[T any](ctx context.Context, u *User) (T, error) {
	var v T
	if err := u.GetInto(ctx, &v); err != nil {
		var zero T
		return zero, err
	}
	return v, nil
}

// UpdateField sets one field of an existing user's record to value
// (encoded as Encode would) and renews its TTL, as one atomic step with
// its index entries. It fails with store.ErrNotFound, writing nothing,
// when the user does not exist. Cost: one optimistic Update.
func (u *User) UpdateField(ctx context.Context, field string, value any, opts ...CallOption) (err error) {
	ctx, span := u.s.span(ctx, "User.UpdateField", u.tenant)
	defer span.end(&err)
	ttl, err := ttlFor(u.s.ttl, opts)
	if err != nil {
		return err
	}
	s, err := encodeField(field, value)
	if err != nil {
		return fmt.Errorf("%s: %w", u.what("update field"), err)
	}
	set := map[string]string{field: s}
	return u.commit(ctx, userChange{what: u.what("update field"), ttl: ttl, mustExist: true,
		build: func(map[string]string) ([]store.Op, map[string]string, error) {
			return []store.Op{&store.HSetOp{Key: u.key, Fields: set}}, set, nil
		}})
}

// Delete deletes the user's record and its index entries, as one atomic
// step, and reports whether the record existed. Cost: 1 call (an Apply;
// with IndexedFields an Update after an HMGet).
func (u *User) Delete(ctx context.Context) (_ bool, err error) {
	ctx, span := u.s.span(ctx, "User.Delete", u.tenant)
	defer span.end(&err)
	found := &store.HGetAllOp{Key: u.key}
	existed := false
	err = u.commit(ctx, userChange{what: u.what("delete"), del: true,
		build: func(old map[string]string) ([]store.Op, map[string]string, error) {
			existed = len(old) > 0
			return []store.Op{found, &store.DelOp{Key: u.key}}, nil, nil
		}})
	if err != nil {
		return false, err
	}
	return existed || len(found.Result) > 0, nil
}

// Exists reports whether the user's record exists. Cost: 1 call.
func (u *User) Exists(ctx context.Context) (_ bool, err error) {
	ctx, span := u.s.span(ctx, "User.Exists", u.tenant)
	defer span.end(&err)
	n, err := u.b.Exists(ctx, u.key)
	if err != nil {
		return false, fmt.Errorf("%s: %w", u.what("exists"), err)
	}
	return n > 0, nil
}

// Incr adds delta to the integer field of the user's record (a missing
// field counts as 0), renews the record's TTL and returns the new value,
// as one atomic step with its index entries: concurrent increments lose
// nothing. Like Redis' HINCRBY it creates a missing record, which is
// listed like any other. Errors wrap store.ErrNotInteger when the field is
// not an integer and store.ErrOverflow on overflow. Cost: 1 call (see
// User).
func (u *User) Incr(ctx context.Context, field string, delta int64, opts ...CallOption) (_ int64, err error) {
	ctx, span := u.s.span(ctx, "User.Incr", u.tenant)
	defer span.end(&err)
	ttl, err := ttlFor(u.s.ttl, opts)
	if err != nil {
		return 0, err
	}
	if field == "" {
		return 0, fmt.Errorf("%s: %w: field name is empty", u.what("incr"), store.ErrInvalidArgument)
	}
	var op *store.HIncrByOp
	err = u.commit(ctx, userChange{what: named("user %s field %q of %q of tenant %q", "incr", field, u.id, u.tenant), ttl: ttl,
		build: func(old map[string]string) ([]store.Op, map[string]string, error) {
			op = &store.HIncrByOp{Key: u.key, Field: field, Delta: delta}
			return []store.Op{op}, predictIncr(old, field, delta), nil
		}})
	if err != nil {
		return 0, err
	}
	return op.Result, nil
}

// predictIncr returns the value field holds after adding delta to it in
// old, or nothing when old was not read or the increment will fail (then
// nothing is written anyway).
func predictIncr(old map[string]string, field string, delta int64) map[string]string {
	if old == nil {
		return nil
	}
	var n int64
	if s, ok := old[field]; ok {
		v, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			return nil
		}
		n = v
	}
	if (delta > 0 && n > math.MaxInt64-delta) || (delta < 0 && n < math.MinInt64-delta) {
		return nil
	}
	return map[string]string{field: strconv.FormatInt(n+delta, 10)}
}

// AppendToField appends value to the list held by field of an existing
// user's record, stored as a JSON array (a missing field counts as an
// empty list), and renews the record's TTL. It runs as an optimistic
// Update, so concurrent appends lose nothing. It fails with
// store.ErrNotFound when the user does not exist and with ErrDecode when
// the field does not hold a JSON array. Cost: one optimistic Update.
func (u *User) AppendToField(ctx context.Context, field string, value any, opts ...CallOption) (err error) {
	ctx, span := u.s.span(ctx, "User.AppendToField", u.tenant)
	defer span.end(&err)
	ttl, err := ttlFor(u.s.ttl, opts)
	if err != nil {
		return err
	}
	if field == "" {
		return fmt.Errorf("%s: %w: field name is empty", u.what("append"), store.ErrInvalidArgument)
	}
	item, err := json.Marshal(value)
	if err != nil {
		return fmt.Errorf("%s: %w: field %q: %v", u.what("append"), ErrEncode, clipID(field), err)
	}
	return u.commit(ctx, userChange{what: u.what("append"), ttl: ttl, read: true, mustExist: true,
		build: func(old map[string]string) ([]store.Op, map[string]string, error) {
			return u.appendOps(old, field, item)
		}})
}

// appendOps returns the ops that store field of the record fields with
// item appended, and the field's new value.
func (u *User) appendOps(fields map[string]string, field string, item []byte) ([]store.Op, map[string]string, error) {
	var list []json.RawMessage
	if old, ok := fields[field]; ok {
		if err := json.Unmarshal([]byte(old), &list); err != nil {
			return nil, nil, fmt.Errorf("%w: field %q does not hold a JSON array: %v", ErrDecode, clipID(field), err)
		}
	}
	out, err := json.Marshal(append(list, item))
	if err != nil {
		return nil, nil, fmt.Errorf("%w: field %q: %v", ErrEncode, clipID(field), err)
	}
	set := map[string]string{field: string(out)}
	return []store.Op{&store.HSetOp{Key: u.key, Fields: set}}, set, nil
}
