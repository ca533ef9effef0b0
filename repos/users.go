package repos

import (
	"context"
	"fmt"
	"sort"

	"github.com/mimeiapify/store"
)

// Users are the users of one tenant, found through the tenant's users
// index (the set of the ids of the users written by User.Upsert). Create
// one with NewUsers. It is safe for concurrent use.
type Users struct {
	b      store.Backend
	s      settings
	opts   Options
	tenant string
	index  string
}

// NewUsers returns the users of tenant. opts may be nil; it must be the
// Options the tenant's User repositories use (same prefix).
func NewUsers(b store.Backend, tenant string, opts *Options) (*Users, error) {
	if err := checkID("tenant", tenant); err != nil {
		return nil, err
	}
	s, err := opts.resolve()
	if err != nil {
		return nil, err
	}
	us := &Users{b: b, s: s, tenant: tenant, index: s.keys.tenantUsers(tenant)}
	if opts != nil {
		us.opts = *opts
	}
	return us, nil
}

// User returns the repository of one user of the tenant.
func (us *Users) User(userID string) (*User, error) {
	return NewUser(us.b, us.tenant, userID, &us.opts)
}

// FindBy returns the ids, sorted, of the tenant's users whose record holds
// field with value (encoded as Encode would: FindBy("active", true)
// matches "1"). Users whose record expired or was deleted are skipped and
// removed from the index. Cost: 1 call for the index plus 1 per user of
// the tenant, never a scan of the keyspace.
func (us *Users) FindBy(ctx context.Context, field string, value any) (_ []string, err error) {
	ctx, span := us.s.span(ctx, "Users.FindBy", us.tenant)
	defer span.end(&err)
	what := fmt.Sprintf("repos: users of tenant %q: find by %q", clipID(us.tenant), clipID(field))
	want, err := encodeField(field, value)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", what, err)
	}
	ids, err := us.b.SMembers(ctx, us.index)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", what, err)
	}
	var found, stale []string
	for _, id := range ids {
		fields, err := us.b.HGetAll(ctx, us.s.keys.user(us.tenant, id))
		if err != nil {
			return nil, fmt.Errorf("%s: user %q: %w", what, clipID(id), err)
		}
		if len(fields) == 0 {
			stale = append(stale, id)
		} else if v, ok := fields[field]; ok && v == want {
			found = append(found, id)
		}
	}
	if err := us.clean(ctx, stale); err != nil {
		return nil, fmt.Errorf("%s: %w", what, err)
	}
	sort.Strings(found)
	return found, nil
}

// List returns the ids, sorted, of the tenant's users whose record
// exists, removing from the index those whose record expired. Cost: 1
// call for the index plus 1 per user.
func (us *Users) List(ctx context.Context) (_ []string, err error) {
	ctx, span := us.s.span(ctx, "Users.List", us.tenant)
	defer span.end(&err)
	what := fmt.Sprintf("repos: users of tenant %q: list", clipID(us.tenant))
	ids, err := us.b.SMembers(ctx, us.index)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", what, err)
	}
	var live, stale []string
	for _, id := range ids {
		n, err := us.b.Exists(ctx, us.s.keys.user(us.tenant, id))
		if err != nil {
			return nil, fmt.Errorf("%s: %w", what, err)
		}
		if n == 0 {
			stale = append(stale, id)
		} else {
			live = append(live, id)
		}
	}
	if err := us.clean(ctx, stale); err != nil {
		return nil, fmt.Errorf("%s: %w", what, err)
	}
	sort.Strings(live)
	return live, nil
}

// clean removes stale ids from the index, then adds back those whose
// record a concurrent Upsert wrote meanwhile (the index and the records
// live in different hash slots, so this cannot be one atomic step; the
// window left is a few round trips wide, and the next Upsert of such a
// user repairs it).
func (us *Users) clean(ctx context.Context, stale []string) error {
	if len(stale) == 0 {
		return nil
	}
	if _, err := us.b.SRem(ctx, us.index, stale...); err != nil {
		return err
	}
	for _, id := range stale {
		n, err := us.b.Exists(ctx, us.s.keys.user(us.tenant, id))
		if err != nil {
			return err
		}
		if n > 0 {
			if _, err := us.b.SAdd(ctx, us.index, id); err != nil {
				return err
			}
		}
	}
	return nil
}
