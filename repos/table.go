package repos

import (
	"context"
	"fmt"

	"github.com/mimeiapify/store"
)

// Table holds the rows of named tables of one tenant, each row a hash keyed
// by (table, primary key), with one field per top-level field of the value
// stored (see Encode). All the rows of one primary key, across tables, live
// in one hash slot with an index of their table names, so that a row and
// its index entry change in one atomic step and DeletePK removes every row
// of a primary key without a scan. Create one with NewTable. It is safe for
// concurrent use.
type Table struct {
	b      store.Backend
	s      settings
	tenant string
}

// NewTable returns the table repository of tenant. opts may be nil; its
// TTL is the default TTL of the rows. It fails with ErrInvalidID when the
// tenant is empty or too long, and with ErrInvalidOption on bad options.
func NewTable(b store.Backend, tenant string, opts *Options) (*Table, error) {
	if err := checkID("tenant", tenant); err != nil {
		return nil, err
	}
	s, err := opts.resolve()
	if err != nil {
		return nil, err
	}
	return &Table{b: b, s: s, tenant: tenant}, nil
}

// what names a row in errors.
func (t *Table) what(op, table, pk string) callName {
	return named("table %s %q row %q of tenant %q", op, table, pk, t.tenant)
}

// SetRow replaces the row of table with primary key pk by the fields of v
// (a struct or a map, see Encode), gives it the repository's TTL (or
// WithTTL's; 0: no expiry) and records table in pk's index, as one atomic
// step. Nothing is written when v cannot be encoded or has no field.
//
// Cost: 1 Apply, which also extends the index's TTL to cover the row's,
// never shortening it (ExpireOp NX then GT: no read).
func (t *Table) SetRow(ctx context.Context, table, pk string, v any, opts ...CallOption) (err error) {
	ctx, span := t.s.span(ctx, "Table.SetRow", t.tenant)
	defer span.end(&err)
	if err := checkIDs("table", table, "primary key", pk); err != nil {
		return err
	}
	ttl, err := ttlFor(t.s.ttl, opts)
	if err != nil {
		return err
	}
	what := t.what("set", table, pk)
	fields, err := encodeRecord(what, v)
	if err != nil {
		return err
	}
	row, index := t.s.keys.row(t.tenant, table, pk), t.s.keys.pkTables(t.tenant, pk)
	err = applyIndexed(ctx, t.b, index, ttl,
		&store.DelOp{Key: row},
		&store.HSetOp{Key: row, Fields: fields},
		expiryOp(row, ttl),
		&store.SAddOp{Key: index, Members: []string{table}})
	if err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	return nil
}

// GetRow returns every field of a row as stored; a missing row gives an
// error wrapping store.ErrNotFound. Cost: 1 call.
func (t *Table) GetRow(ctx context.Context, table, pk string) (_ map[string]string, err error) {
	ctx, span := t.s.span(ctx, "Table.GetRow", t.tenant)
	defer span.end(&err)
	if err := checkIDs("table", table, "primary key", pk); err != nil {
		return nil, err
	}
	return getRecord(ctx, t.b, t.s.keys.row(t.tenant, table, pk), t.what("get", table, pk))
}

// GetRowInto decodes a row into dst (see Decode); a missing row gives an
// error wrapping store.ErrNotFound. Cost: 1 call.
func (t *Table) GetRowInto(ctx context.Context, table, pk string, dst any) (err error) {
	ctx, span := t.s.span(ctx, "Table.GetRowInto", t.tenant)
	defer span.end(&err)
	fields, err := t.GetRow(ctx, table, pk)
	if err != nil {
		return err
	}
	if err := Decode(fields, dst); err != nil {
		return fmt.Errorf("%s: %w", t.what("get", table, pk), err)
	}
	return nil
}

// GetRowAs returns a row of t decoded as a T (see DecodeAs).
func GetRowAs[T any](ctx context.Context, t *Table, table, pk string) (T, error) {
	var v T
	if err := t.GetRowInto(ctx, table, pk, &v); err != nil {
		var zero T
		return zero, err
	}
	return v, nil
}

// UpdateField sets one field of an existing row to value (encoded as
// Encode would) and renews the row's TTL (the repository's or WithTTL's),
// as one atomic step. It fails with an error wrapping store.ErrNotFound,
// writing nothing, when the row does not exist. Cost: 1 Update.
func (t *Table) UpdateField(ctx context.Context, table, pk, field string, value any, opts ...CallOption) (err error) {
	ctx, span := t.s.span(ctx, "Table.UpdateField", t.tenant)
	defer span.end(&err)
	if err := checkIDs("table", table, "primary key", pk); err != nil {
		return err
	}
	ttl, err := ttlFor(t.s.ttl, opts)
	if err != nil {
		return err
	}
	what := t.what("update field", table, pk)
	s, err := encodeField(field, value)
	if err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	return updateExisting(ctx, t.b, t.s.keys.row(t.tenant, table, pk), what, map[string]string{field: s}, ttl)
}

// DeleteRow deletes a row and its entry in the primary key's index, as one
// atomic step, and reports whether the row existed. Cost: 1 Apply.
func (t *Table) DeleteRow(ctx context.Context, table, pk string) (_ bool, err error) {
	ctx, span := t.s.span(ctx, "Table.DeleteRow", t.tenant)
	defer span.end(&err)
	if err := checkIDs("table", table, "primary key", pk); err != nil {
		return false, err
	}
	row, index := t.s.keys.row(t.tenant, table, pk), t.s.keys.pkTables(t.tenant, pk)
	found := &store.HGetAllOp{Key: row}
	err = t.b.Apply(ctx, found, &store.DelOp{Key: row}, &store.SRemOp{Key: index, Members: []string{table}})
	if err != nil {
		return false, fmt.Errorf("%s: %w", t.what("delete", table, pk), err)
	}
	return len(found.Result) > 0, nil
}

// DeletePK deletes every row with primary key pk, in every table of the
// tenant, and pk's index, as one atomic step, and returns the names of the
// tables that had an entry in the index (an entry whose row had expired
// included). Cost: 1 Update, in proportion to pk's rows only.
func (t *Table) DeletePK(ctx context.Context, pk string) (_ []string, err error) {
	ctx, span := t.s.span(ctx, "Table.DeletePK", t.tenant)
	defer span.end(&err)
	if err := checkID("primary key", pk); err != nil {
		return nil, err
	}
	index := t.s.keys.pkTables(t.tenant, pk)
	tables, err := deleteIndexed(ctx, t.b, index, func(table string) string {
		return t.s.keys.row(t.tenant, table, pk)
	})
	if err != nil {
		return nil, fmt.Errorf("repos: table delete primary key %q of tenant %q: %w", clipID(pk), clipID(t.tenant), err)
	}
	return tables, nil
}
