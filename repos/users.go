package repos

import (
	"context"
	"fmt"
	"iter"
	"slices"

	"github.com/mimeiapify/store"
)

// Users are the users of one tenant, found through the tenant's users
// index: UserBuckets buckets, each a hash slot holding the records of its
// users (by a hash of the user id), the set of their ids and, for each
// field of Options.IndexedFields, one set of ids per value. Create one
// with NewUsers. It is safe for concurrent use.
//
// Every write of a User writes its index entries in the same atomic step,
// so the index is exact except for records that expired: readers skip
// those and remove them from the set they met them in, all of one set in
// one step, and the index keys expire with the longest-lived record they
// name.
type Users struct {
	b      store.Backend
	s      settings
	opts   Options
	tenant string
}

// NewUsers returns the users of tenant. opts may be nil; it must be the
// Options the tenant's User repositories use (same Prefix and
// IndexedFields).
func NewUsers(b store.Backend, tenant string, opts *Options) (*Users, error) {
	if err := checkID("tenant", tenant); err != nil {
		return nil, err
	}
	s, err := opts.resolve()
	if err != nil {
		return nil, err
	}
	us := &Users{b: b, s: s, tenant: tenant}
	if opts != nil {
		us.opts = *opts
	}
	return us, nil
}

// User returns the repository of one user of the tenant.
func (us *Users) User(userID string) (*User, error) {
	return NewUser(us.b, us.tenant, userID, &us.opts)
}

// what names the tenant's users in errors.
func (us *Users) what(op string) callName {
	return named("users of tenant %[2]q: %[1]s", op, us.tenant)
}

// listPage is how many ids List checks in one call.
const listPage = 2000

// List yields the ids of the tenant's users whose record exists, bucket
// by bucket, in no particular order; ids whose record expired are skipped
// and removed from their bucket. On failure it yields one error and
// stops; stopping the loop early is fine.
//
// Cost: one SMembers per bucket (UserBuckets) plus one Exists per 2,000
// ids (on a cluster, one pipeline of one EXISTS per slot); a page that
// holds expired ids costs one Exists per bucket of the page, one Apply per
// 500 ids of the buckets that hold some, and one Apply to remove them.
// Over 100,000 users: 171 calls, 1 per 584 users (TestUsersAtScaleCost).
func (us *Users) List(ctx context.Context) iter.Seq2[string, error] {
	return func(yield func(string, error) bool) {
		var page []string
		for b := range UserBuckets {
			ids, err := us.b.SMembers(ctx, us.s.keys.userIDs(us.tenant, b))
			if err != nil {
				yield("", fmt.Errorf("%s: %w", us.what("list"), err))
				return
			}
			page = append(page, ids...)
			if len(page) < listPage && b < UserBuckets-1 {
				continue
			}
			live, err := us.live(ctx, page)
			if err != nil {
				yield("", fmt.Errorf("%s: %w", us.what("list"), err))
				return
			}
			for _, id := range live {
				if !yield(id, nil) {
					return
				}
			}
			page = nil
		}
	}
}

// ListAll returns the ids of every user of List, sorted.
func (us *Users) ListAll(ctx context.Context) (_ []string, err error) {
	ctx, span := us.s.span(ctx, "Users.ListAll", us.tenant)
	defer span.end(&err)
	var ids []string
	for id, err := range us.List(ctx) {
		if err != nil {
			return nil, err
		}
		ids = append(ids, id)
	}
	slices.Sort(ids)
	return ids, nil
}

// live returns the ids whose record exists, removing the others from
// their bucket's ids.
func (us *Users) live(ctx context.Context, ids []string) ([]string, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	keys := make([]string, len(ids))
	for i, id := range ids {
		keys[i] = us.s.keys.user(us.tenant, id)
	}
	n, err := us.b.Exists(ctx, keys...)
	if err != nil || int(n) == len(ids) {
		return ids, err
	}
	var out []string
	for b, group := range byBucket(ids) {
		got, err := us.liveInBucket(ctx, b, group)
		if err != nil {
			return nil, err
		}
		out = append(out, got...)
	}
	return out, nil
}

// byBucket groups ids by bucket.
func byBucket(ids []string) map[int][]string {
	out := map[int][]string{}
	for _, id := range ids {
		b := userBucket(id)
		out[b] = append(out[b], id)
	}
	return out
}

// liveInBucket returns the ids of one bucket whose record exists and
// removes the others from the bucket's ids.
func (us *Users) liveInBucket(ctx context.Context, b int, ids []string) ([]string, error) {
	keys := make([]string, len(ids))
	for i, id := range ids {
		keys[i] = us.s.keys.user(us.tenant, id)
	}
	n, err := us.b.Exists(ctx, keys...)
	if err != nil || int(n) == len(ids) {
		return ids, err
	}
	recs, err := readRecords(ctx, us.b, keys)
	if err != nil {
		return nil, err
	}
	var live, stale []string
	for i, rec := range recs {
		if len(rec) > 0 {
			live = append(live, ids[i])
		} else {
			stale = append(stale, ids[i])
		}
	}
	return live, pruneSet(ctx, us.b, us.s.keys.userIDs(us.tenant, b), stale, us.record, nonEmpty)
}

// record returns the key of a user's record.
func (us *Users) record(id string) string { return us.s.keys.user(us.tenant, id) }

// FindBy returns the ids, sorted, of the tenant's users whose record holds
// field with value (encoded as Encode would: FindBy("active", true)
// matches "1"). Users whose record expired are skipped and removed from
// the index. Cost: for a field of Options.IndexedFields, one SMembers per
// bucket plus one Apply per bucket holding a match (O(matches)); for
// another field, per bucket one SMembers and one Apply per 500 users
// (every record is read, 2 calls per bucket up to 64,000 users). Never a
// scan of the keyspace.
func (us *Users) FindBy(ctx context.Context, field string, value any) (_ []string, err error) {
	ctx, span := us.s.span(ctx, "Users.FindBy", us.tenant)
	defer span.end(&err)
	var ids []string
	err = us.find(ctx, field, value, func(id string, _ map[string]string) error {
		ids = append(ids, id)
		return nil
	})
	if err != nil {
		return nil, err
	}
	slices.Sort(ids)
	return ids, nil
}

// FoundUser is one user that FindUsersBy found: its id and its record.
type FoundUser[T any] struct {
	ID     string
	Record T
}

// FindUsersBy returns the users of us, sorted by id, whose record holds
// field with value, each with its record decoded as a T (see Decode). Its
// cost is FindBy's: the records are read in the same calls.
func FindUsersBy[T any](ctx context.Context, us *Users, field string, value any) (_ []FoundUser[T], err error) {
	ctx, span := us.s.span(ctx, "Users.FindUsersBy", us.tenant)
	defer span.end(&err)
	var out []FoundUser[T]
	err = us.find(ctx, field, value, func(id string, rec map[string]string) error {
		var v T
		if err := Decode(rec, &v); err != nil {
			return fmt.Errorf("%s: user %q: %w", us.what("find by"), clipID(id), err)
		}
		out = append(out, FoundUser[T]{ID: id, Record: v})
		return nil
	})
	if err != nil {
		return nil, err
	}
	slices.SortFunc(out, func(a, b FoundUser[T]) int {
		switch {
		case a.ID < b.ID:
			return -1
		case a.ID > b.ID:
			return 1
		}
		return 0
	})
	return out, nil
}

// find calls fn for each user whose record holds field with value, bucket
// by bucket, reading candidates from the field's index when it has one,
// else from the bucket's ids.
func (us *Users) find(ctx context.Context, field string, value any, fn func(id string, rec map[string]string) error) error {
	what := named("users of tenant %[2]q: %[1]s %[3]q", "find by", us.tenant, field)
	want, err := encodeField(field, value)
	if err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	indexed := slices.Contains(us.s.indexed, field)
	match := func(rec map[string]string) bool { v, ok := rec[field]; return ok && v == want }
	for b := range UserBuckets {
		set, valid := us.s.keys.userIDs(us.tenant, b), nonEmpty
		if indexed {
			set, valid = us.s.keys.userField(us.tenant, b, field, want), match
		}
		if err := us.findInBucket(ctx, set, valid, match, fn); err != nil {
			return fmt.Errorf("%s: %w", what, err)
		}
	}
	return nil
}

// findInBucket reads the members of set (in one bucket), reads their
// records, calls fn for those that match and removes from set those that
// are no longer valid members of it.
func (us *Users) findInBucket(ctx context.Context, set string, valid, match func(map[string]string) bool,
	fn func(id string, rec map[string]string) error) error {
	ids, err := us.b.SMembers(ctx, set)
	if err != nil || len(ids) == 0 {
		return err
	}
	keys := make([]string, len(ids))
	for i, id := range ids {
		keys[i] = us.record(id)
	}
	recs, err := readRecords(ctx, us.b, keys)
	if err != nil {
		return err
	}
	var stale []string
	for i, rec := range recs {
		if !valid(rec) {
			stale = append(stale, ids[i])
			continue
		}
		if match(rec) {
			if err := fn(ids[i], rec); err != nil {
				return err
			}
		}
	}
	return pruneSet(ctx, us.b, set, stale, us.record, valid)
}
