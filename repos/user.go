package repos

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/mimeiapify/store"
)

// User is the record of one user of one tenant: a hash with one field per
// top-level field of the value stored (see Encode), plus an entry in the
// tenant's users index (see Users). Create one with NewUser. It is safe for
// concurrent use.
type User struct {
	b      store.Backend
	s      settings
	tenant string
	id     string
	key    string // the record
	index  string // the tenant's users index
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
	return &User{
		b: b, s: s, tenant: tenant, id: userID,
		key:   s.keys.user(tenant, userID),
		index: s.keys.tenantUsers(tenant),
	}, nil
}

// ID returns the user's id.
func (u *User) ID() string { return u.id }

// what names the user in errors.
func (u *User) what(op string) string {
	return fmt.Sprintf("repos: user %s %q of tenant %q", op, clipID(u.id), clipID(u.tenant))
}

// Upsert merges the fields of v (a struct or a map, see Encode) into the
// user's record, creating it if needed, and gives the record the
// repository's TTL (or WithTTL's). Fields of the record that v does not
// hold are kept.
//
// Cost: 2 calls. The user is first added to the tenant's users index,
// which lives in another hash slot, then the record and its TTL are
// written in one atomic step. Nothing is written when v cannot be
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
	if _, err := u.b.SAdd(ctx, u.index, u.id); err != nil {
		return fmt.Errorf("%s: %w", u.what("upsert"), err)
	}
	err = u.b.Apply(ctx, &store.HSetOp{Key: u.key, Fields: fields}, expiryOp(u.key, ttl))
	if err != nil {
		return fmt.Errorf("%s: %w", u.what("upsert"), err)
	}
	return nil
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
// (encoded as Encode would) and renews its TTL, as one atomic step. It
// fails with store.ErrNotFound, writing nothing, when the user does not
// exist. Cost: one optimistic Update.
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
	return updateExisting(ctx, u.b, u.key, u.what("update field"), map[string]string{field: s}, ttl)
}

// Delete deletes the user's record, removes the user from the tenant's
// users index and reports whether the record existed. Cost: 2 calls (the
// record first, so that a failure between them leaves only a stale index
// entry, which readers tolerate).
func (u *User) Delete(ctx context.Context) (_ bool, err error) {
	ctx, span := u.s.span(ctx, "User.Delete", u.tenant)
	defer span.end(&err)
	n, err := u.b.Del(ctx, u.key)
	if err != nil {
		return false, fmt.Errorf("%s: %w", u.what("delete"), err)
	}
	if _, err := u.b.SRem(ctx, u.index, u.id); err != nil {
		return false, fmt.Errorf("%s: %w", u.what("delete"), err)
	}
	return n > 0, nil
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
// as one atomic step: concurrent increments lose nothing. Like Redis'
// HINCRBY it creates a missing record; such a record joins the tenant's
// users index only at the next Upsert. Errors wrap store.ErrNotInteger
// when the field is not an integer and store.ErrOverflow on overflow.
// Cost: 1 call.
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
	op := &store.HIncrByOp{Key: u.key, Field: field, Delta: delta}
	if err := u.b.Apply(ctx, op, expiryOp(u.key, ttl)); err != nil {
		return 0, fmt.Errorf("%s field %q: %w", u.what("incr"), clipID(field), err)
	}
	return op.Result, nil
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
	err = u.b.Update(ctx, []string{u.key}, func(r store.Reader) ([]store.Op, error) {
		return u.appendOps(ctx, r, field, item, ttl)
	})
	if err != nil {
		return fmt.Errorf("%s: %w", u.what("append"), err)
	}
	return nil
}

// appendOps reads field through r and returns the ops that store it with
// item appended.
func (u *User) appendOps(ctx context.Context, r store.Reader, field string, item []byte, ttl time.Duration) ([]store.Op, error) {
	fields, err := r.HGetAll(ctx, u.key)
	if err != nil {
		return nil, err
	}
	if len(fields) == 0 {
		return nil, store.ErrNotFound
	}
	var list []json.RawMessage
	if old, ok := fields[field]; ok {
		if err := json.Unmarshal([]byte(old), &list); err != nil {
			return nil, fmt.Errorf("%w: field %q does not hold a JSON array: %v", ErrDecode, clipID(field), err)
		}
	}
	out, err := json.Marshal(append(list, item))
	if err != nil {
		return nil, fmt.Errorf("%w: field %q: %v", ErrEncode, clipID(field), err)
	}
	set := &store.HSetOp{Key: u.key, Fields: map[string]string{field: string(out)}}
	return []store.Op{set, expiryOp(u.key, ttl)}, nil
}
