package repos

import (
	"context"
	"fmt"
	"time"

	"github.com/mimeiapify/store"
)

// Generic holds plain string values under one tenant's namespace, one key per
// name: counters, flags, cached answers. Create one with NewGeneric. It is safe
// for concurrent use.
type Generic struct {
	b      store.Backend
	s      settings
	tenant string
}

// NewGeneric returns the Generic repository (key-value helpers) of tenant. opts may be nil; its
// TTL is the default TTL of values written by Set and of counters created
// by Incr. It fails with ErrInvalidID when the tenant is empty or too
// long, and with ErrInvalidOption on bad options.
func NewGeneric(b store.Backend, tenant string, opts *Options) (*Generic, error) {
	if err := checkID("tenant", tenant); err != nil {
		return nil, err
	}
	s, err := opts.resolve()
	if err != nil {
		return nil, err
	}
	return &Generic{b: b, s: s, tenant: tenant}, nil
}

// key validates name and returns its key.
func (kv *Generic) key(name string) (string, error) {
	if err := checkID("key", name); err != nil {
		return "", err
	}
	return kv.s.keys.generic(kv.tenant, name), nil
}

// wrap names the key in an error.
func (kv *Generic) wrap(op, name string, err error) error {
	return fmt.Errorf("repos: kv %s %q of tenant %q: %w", op, clipID(name), clipID(kv.tenant), err)
}

// Get returns the value of name; a missing one gives an error wrapping
// store.ErrNotFound. Cost: 1 call.
func (kv *Generic) Get(ctx context.Context, name string) (_ string, err error) {
	ctx, span := kv.s.span(ctx, "Generic.Get", kv.tenant)
	defer span.end(&err)
	key, err := kv.key(name)
	if err != nil {
		return "", err
	}
	v, err := kv.b.Get(ctx, key)
	if err != nil {
		return "", kv.wrap("get", name, err)
	}
	return v, nil
}

// Set stores value at name, replacing what was there, with the
// repository's TTL (or WithTTL's; 0: no expiry, clearing any earlier TTL).
// Cost: 1 call.
func (kv *Generic) Set(ctx context.Context, name, value string, opts ...CallOption) (err error) {
	ctx, span := kv.s.span(ctx, "Generic.Set", kv.tenant)
	defer span.end(&err)
	key, err := kv.key(name)
	if err != nil {
		return err
	}
	ttl, err := ttlFor(kv.s.ttl, opts)
	if err != nil {
		return err
	}
	if err := kv.b.Set(ctx, key, value, ttl); err != nil {
		return kv.wrap("set", name, err)
	}
	return nil
}

// Delete deletes name and reports whether it existed. Cost: 1 call.
func (kv *Generic) Delete(ctx context.Context, name string) (_ bool, err error) {
	ctx, span := kv.s.span(ctx, "Generic.Delete", kv.tenant)
	defer span.end(&err)
	key, err := kv.key(name)
	if err != nil {
		return false, err
	}
	n, err := kv.b.Del(ctx, key)
	if err != nil {
		return false, kv.wrap("delete", name, err)
	}
	return n > 0, nil
}

// Exists reports whether name exists. Cost: 1 call.
func (kv *Generic) Exists(ctx context.Context, name string) (_ bool, err error) {
	ctx, span := kv.s.span(ctx, "Generic.Exists", kv.tenant)
	defer span.end(&err)
	key, err := kv.key(name)
	if err != nil {
		return false, err
	}
	n, err := kv.b.Exists(ctx, key)
	if err != nil {
		return false, kv.wrap("exists", name, err)
	}
	return n > 0, nil
}

// TTL returns the remaining time to live of name, store.NoExpiry when it
// has none, and an error wrapping store.ErrNotFound when it is missing.
// Cost: 1 call.
func (kv *Generic) TTL(ctx context.Context, name string) (_ time.Duration, err error) {
	ctx, span := kv.s.span(ctx, "Generic.TTL", kv.tenant)
	defer span.end(&err)
	key, err := kv.key(name)
	if err != nil {
		return 0, err
	}
	d, err := kv.b.TTL(ctx, key)
	if err != nil {
		return 0, kv.wrap("ttl", name, err)
	}
	return d, nil
}

// Incr adds delta to the integer at name and returns the new value. An
// existing value keeps its TTL (a counter with a window does not slide);
// a missing one counts as 0 and is created with the repository's TTL (or
// WithTTL's) in the same atomic step, so a counter never exists without
// the TTL it was meant to have. A value that has no TTL gets that TTL too,
// unless the call says WithTTL(0), which leaves the TTL as it is. It fails with store.ErrNotInteger or
// store.ErrOverflow as Strings.IncrBy does.
//
// Cost: 1 call either way: IncrBy when the TTL is 0 (a new key then has
// no TTL), else one Apply of IncrByOp and ExpireOp with NX (Redis'
// PEXPIRE NX), which never conflicts however many callers share the key.
func (kv *Generic) Incr(ctx context.Context, name string, delta int64, opts ...CallOption) (_ int64, err error) {
	ctx, span := kv.s.span(ctx, "Generic.Incr", kv.tenant)
	defer span.end(&err)
	key, err := kv.key(name)
	if err != nil {
		return 0, err
	}
	ttl, err := ttlFor(kv.s.ttl, opts)
	if err != nil {
		return 0, err
	}
	if ttl == 0 {
		n, err := kv.b.IncrBy(ctx, key, delta)
		if err != nil {
			return 0, kv.wrap("incr", name, err)
		}
		return n, nil
	}
	// One atomic step: the increment, and the TTL only if the key has
	// none yet (a new counter), so a running window is never extended.
	incr := &store.IncrByOp{Key: key, Delta: delta}
	if err := kv.b.Apply(ctx, incr, &store.ExpireOp{Key: key, TTL: ttl, NX: true}); err != nil {
		return 0, kv.wrap("incr", name, err)
	}
	return incr.Result, nil
}

// SetNX stores value at name only if name does not exist, with the
// repository's TTL (or WithTTL's; 0: no expiry), and reports whether it
// stored it. The check and the write are one atomic step (Redis' SET NX),
// so of several callers racing for one name exactly one wins. Cost: 1
// call.
func (kv *Generic) SetNX(ctx context.Context, name, value string, opts ...CallOption) (_ bool, err error) {
	ctx, span := kv.s.span(ctx, "Generic.SetNX", kv.tenant)
	defer span.end(&err)
	key, err := kv.key(name)
	if err != nil {
		return false, err
	}
	ttl, err := ttlFor(kv.s.ttl, opts)
	if err != nil {
		return false, err
	}
	ok, err := kv.b.SetNX(ctx, key, value, ttl)
	if err != nil {
		return false, kv.wrap("setnx", name, err)
	}
	return ok, nil
}

// Expire gives name the time to live ttl (0: no expiry, removing any TTL
// it had) and reports whether name exists; a missing name is not an
// error and is not created. A negative ttl fails with ErrInvalidOption.
// Cost: 1 call; 2 for ttl 0 (Exists, then Persist, which reports only
// whether a TTL was removed).
func (kv *Generic) Expire(ctx context.Context, name string, ttl time.Duration) (_ bool, err error) {
	ctx, span := kv.s.span(ctx, "Generic.Expire", kv.tenant)
	defer span.end(&err)
	key, err := kv.key(name)
	if err != nil {
		return false, err
	}
	if ttl < 0 {
		return false, kv.wrap("expire", name, fmt.Errorf("%w: TTL %v is negative", ErrInvalidOption, ttl))
	}
	if ttl == 0 {
		n, err := kv.b.Exists(ctx, key)
		if err != nil || n == 0 {
			return false, wrapIf(named("kv %s %q of tenant %q", "expire", name, kv.tenant), err)
		}
		if _, err := kv.b.Persist(ctx, key); err != nil {
			return false, kv.wrap("expire", name, err)
		}
		return true, nil
	}
	ok, err := kv.b.Expire(ctx, key, ttl)
	if err != nil {
		return false, kv.wrap("expire", name, err)
	}
	return ok, nil
}
