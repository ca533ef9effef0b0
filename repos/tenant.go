package repos

import (
	"github.com/mimeiapify/store"
)

// Tenant hands out the repositories of one tenant, made once per tenant
// from a backend and Options and then cached and shared: it holds the
// tenant-wide repositories (Users, Table, Batch, Triggers, Generic,
// Locks), made when the Tenant is, and makes the per-user ones (User,
// StateHandler, SharedState) on demand, which costs 2 to 5 allocations
// (testing.AllocsPerRun) and no backend call. Every repository it returns uses its Options. It is
// immutable and safe for concurrent use; the repositories it returns are
// too.
//
// A server keeps one Tenant per tenant (in a map or sync.Map) rather than
// making repositories per request; see examples/chatserver.
type Tenant struct {
	b        store.Backend
	id       string
	opts     Options
	users    *Users
	table    *Table
	batch    *Batch
	triggers *Triggers
	generic  *Generic
	locks    *Locks
}

// NewTenant returns the repositories of tenant on b. opts may be nil and
// is copied: later changes to it do not reach the Tenant. It fails with
// ErrInvalidID when the tenant is empty or too long, and with
// ErrInvalidOption on bad options.
func NewTenant(b store.Backend, tenant string, opts *Options) (*Tenant, error) {
	if err := checkID("tenant", tenant); err != nil {
		return nil, err
	}
	if _, err := opts.resolve(); err != nil {
		return nil, err
	}
	t := &Tenant{b: b, id: tenant}
	if opts != nil {
		t.opts = *opts
	}
	o := &t.opts
	var err error
	if t.users, err = NewUsers(b, tenant, o); err != nil {
		return nil, err
	}
	if t.table, err = NewTable(b, tenant, o); err != nil {
		return nil, err
	}
	if t.batch, err = NewBatch(b, tenant, o); err != nil {
		return nil, err
	}
	if t.triggers, err = NewTriggers(b, tenant, o); err != nil {
		return nil, err
	}
	if t.generic, err = NewGeneric(b, tenant, o); err != nil {
		return nil, err
	}
	if t.locks, err = NewLocks(b, tenant, o); err != nil {
		return nil, err
	}
	return t, nil
}

// ID returns the tenant's id.
func (t *Tenant) ID() string { return t.id }

// Backend returns the backend the tenant's repositories use.
func (t *Tenant) Backend() store.Backend { return t.b }

// Options returns a copy of the Options the tenant's repositories use.
func (t *Tenant) Options() Options { return t.opts }

// User returns the record repository of user userID (see NewUser). It
// fails with ErrInvalidID when the id is empty or too long.
func (t *Tenant) User(userID string) (*User, error) {
	return NewUser(t.b, t.id, userID, &t.opts)
}

// State returns the handler states of user userID (see NewStateHandler);
// the handler name is given to each call. It fails with ErrInvalidID when
// the id is empty or too long.
func (t *Tenant) State(userID string) (*StateHandler, error) {
	return NewStateHandler(t.b, t.id, userID, &t.opts)
}

// Shared returns the shared states of user userID (see NewSharedState);
// the state name is given to each call. It fails with ErrInvalidID when
// the id is empty or too long.
func (t *Tenant) Shared(userID string) (*SharedState, error) {
	return NewSharedState(t.b, t.id, userID, &t.opts)
}

// Users returns the tenant's users (see NewUsers).
func (t *Tenant) Users() *Users { return t.users }

// Table returns the tenant's tables (see NewTable).
func (t *Tenant) Table() *Table { return t.table }

// Batch returns the tenant's batch queues (see NewBatch).
func (t *Tenant) Batch() *Batch { return t.batch }

// Triggers returns the tenant's triggers (see NewTriggers).
func (t *Tenant) Triggers() *Triggers { return t.triggers }

// Generic returns the tenant's plain values (see NewGeneric).
func (t *Tenant) Generic() *Generic { return t.generic }

// Locks returns the tenant's lease locks (see NewLocks).
func (t *Tenant) Locks() *Locks { return t.locks }
