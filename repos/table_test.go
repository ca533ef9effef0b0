package repos_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/mimeiapify/store"
	"github.com/mimeiapify/store/repos"
)

type order struct {
	ID     string    `json:"id"`
	Total  int64     `json:"total"`
	Paid   bool      `json:"paid"`
	At     time.Time `json:"at"`
	Note   string    `json:"note,omitempty"`
	Secret string    `json:"-"`
}

func newTable(t *testing.T, b store.Backend, tenant string, opts *repos.Options) *repos.Table {
	t.Helper()
	tb, err := repos.NewTable(b, tenant, opts)
	require.NoError(t, err)
	return tb
}

func TestTableSetGetRow(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b store.Backend) {
		ctx := context.Background()
		tb := newTable(t, b, "acme", nil)
		at := time.Date(2025, 5, 6, 7, 8, 9, 10, time.UTC)
		in := order{ID: "o1", Total: 1250, Paid: true, At: at, Note: "gift", Secret: "s"}
		require.NoError(t, tb.SetRow(ctx, "orders", "o1", in))

		fields, err := tb.GetRow(ctx, "orders", "o1")
		require.NoError(t, err)
		require.Equal(t, map[string]string{
			"id": "o1", "total": "1250", "paid": "1", "at": "2025-05-06T07:08:09.00000001Z", "note": "gift",
		}, fields)

		got, err := repos.GetRowAs[order](ctx, tb, "orders", "o1")
		require.NoError(t, err)
		in.Secret = ""
		require.Equal(t, in, got)

		_, err = tb.GetRow(ctx, "orders", "missing")
		require.ErrorIs(t, err, store.ErrNotFound)
		require.ErrorContains(t, err, `"missing"`)
		var o order
		require.ErrorIs(t, tb.GetRowInto(ctx, "other", "o1", &o), store.ErrNotFound)
		_, err = repos.GetRowAs[order](ctx, tb, "other", "o1")
		require.ErrorIs(t, err, store.ErrNotFound)
	})
}

func TestTableSetRowReplacesTheRow(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b store.Backend) {
		ctx := context.Background()
		tb := newTable(t, b, "acme", nil)
		require.NoError(t, tb.SetRow(ctx, "orders", "o1", order{ID: "o1", Note: "old"}))
		require.NoError(t, tb.SetRow(ctx, "orders", "o1", map[string]any{"id": "o1", "total": 3}))
		fields, err := tb.GetRow(ctx, "orders", "o1")
		require.NoError(t, err)
		require.Equal(t, map[string]string{"id": "o1", "total": "3"}, fields)
	})
}

func TestTableSetRowFailsWithoutWriting(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b store.Backend) {
		ctx := context.Background()
		tb := newTable(t, b, "acme", nil)
		err := tb.SetRow(ctx, "orders", "o1", map[string]any{"ok": 1, "bad": make(chan int)})
		require.ErrorIs(t, err, repos.ErrEncode)
		require.ErrorContains(t, err, `"bad"`)
		require.ErrorIs(t, tb.SetRow(ctx, "orders", "o1", struct{}{}), repos.ErrEncode)
		require.ErrorIs(t, tb.SetRow(ctx, "orders", "o1", order{}, repos.WithTTL(-time.Second)), repos.ErrInvalidOption)
		require.Empty(t, keysOf(t, b))
	})
}

func TestTableTTLs(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b store.Backend) {
		ctx := context.Background()
		tb := newTable(t, b, "acme", &repos.Options{TTL: time.Hour})
		require.NoError(t, tb.SetRow(ctx, "orders", "o1", order{ID: "o1"}))
		row, index := keyWith(t, b, ":row:orders"), keyWith(t, b, ":tables")
		requireTTL(t, b, row, time.Hour)
		requireTTL(t, b, index, time.Hour+repos.MaxIndexSlack) // see repos.MaxIndexSlack

		// A shorter TTL for another table never shortens the index.
		require.NoError(t, tb.SetRow(ctx, "invoices", "o1", order{ID: "o1"}, repos.WithTTL(time.Minute)))
		requireTTL(t, b, keyWith(t, b, ":row:invoices"), time.Minute)
		requireTTL(t, b, index, time.Hour+repos.MaxIndexSlack)

		// A longer one extends it.
		require.NoError(t, tb.SetRow(ctx, "archive", "o1", order{ID: "o1"}, repos.WithTTL(2*time.Hour)))
		requireTTL(t, b, index, 2*time.Hour+repos.MaxIndexSlack)

		// A row without expiry gives the index IndexForever (index keys
		// always carry a TTL), and a later row with a TTL leaves it so.
		require.NoError(t, tb.SetRow(ctx, "forever", "o1", order{ID: "o1"}, repos.WithTTL(0)))
		requireTTL(t, b, keyWith(t, b, ":row:forever"), store.NoExpiry)
		requireTTL(t, b, index, repos.IndexForever)
		require.NoError(t, tb.SetRow(ctx, "orders", "o1", order{ID: "o1"}))
		requireTTL(t, b, index, repos.IndexForever)

		// Replacing a row with one without TTL clears its TTL.
		require.NoError(t, tb.SetRow(ctx, "orders", "o1", order{ID: "o1"}, repos.WithTTL(0)))
		requireTTL(t, b, row, store.NoExpiry)
	})
}

func TestTableUpdateField(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b store.Backend) {
		ctx := context.Background()
		tb := newTable(t, b, "acme", &repos.Options{TTL: time.Hour})
		err := tb.UpdateField(ctx, "orders", "o1", "paid", true)
		require.ErrorIs(t, err, store.ErrNotFound)
		require.Empty(t, keysOf(t, b), "nothing written for a missing row")

		require.NoError(t, tb.SetRow(ctx, "orders", "o1", order{ID: "o1", Total: 5}, repos.WithTTL(time.Minute)))
		require.NoError(t, tb.UpdateField(ctx, "orders", "o1", "paid", true))
		require.NoError(t, tb.UpdateField(ctx, "orders", "o1", "wait", 2*time.Second))
		got, err := tb.GetRow(ctx, "orders", "o1")
		require.NoError(t, err)
		require.Equal(t, "1", got["paid"])
		require.Equal(t, "5", got["total"])
		require.Equal(t, "2000000000", got["wait"])
		requireTTL(t, b, keyWith(t, b, ":row:orders"), time.Hour) // renewed with the default

		require.ErrorIs(t, tb.UpdateField(ctx, "orders", "o1", "bad", func() {}), repos.ErrEncode)
		require.ErrorIs(t, tb.UpdateField(ctx, "orders", "o1", "", 1), store.ErrInvalidArgument)
	})
}

func TestTableDeleteRow(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b store.Backend) {
		ctx := context.Background()
		tb := newTable(t, b, "acme", nil)
		require.NoError(t, tb.SetRow(ctx, "orders", "o1", order{ID: "o1"}))
		require.NoError(t, tb.SetRow(ctx, "invoices", "o1", order{ID: "o1"}))

		found, err := tb.DeleteRow(ctx, "orders", "o1")
		require.NoError(t, err)
		require.True(t, found)
		members, err := b.SMembers(ctx, keyWith(t, b, ":tables"))
		require.NoError(t, err)
		require.Equal(t, []string{"invoices"}, members)

		found, err = tb.DeleteRow(ctx, "orders", "o1")
		require.NoError(t, err)
		require.False(t, found)

		found, err = tb.DeleteRow(ctx, "invoices", "o1")
		require.NoError(t, err)
		require.True(t, found)
		require.Empty(t, keysOf(t, b), "the last row takes the index with it")
	})
}

func TestTableDeletePK(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b store.Backend) {
		ctx := context.Background()
		tb := newTable(t, b, "acme", nil)
		other := newTable(t, b, "globex", nil)
		for _, table := range []string{"orders", "invoices", "a:b"} {
			require.NoError(t, tb.SetRow(ctx, table, "o1", order{ID: "o1"}))
		}
		require.NoError(t, tb.SetRow(ctx, "orders", "o2", order{ID: "o2"}))
		require.NoError(t, other.SetRow(ctx, "orders", "o1", order{ID: "o1"}))
		before := len(keysOf(t, b))

		tables, err := tb.DeletePK(ctx, "o1")
		require.NoError(t, err)
		slices.Sort(tables)
		require.Equal(t, []string{"a:b", "invoices", "orders"}, tables)
		require.Len(t, keysOf(t, b), before-4, "3 rows and the index")

		_, err = tb.GetRow(ctx, "orders", "o2")
		require.NoError(t, err)
		_, err = other.GetRow(ctx, "orders", "o1")
		require.NoError(t, err, "another tenant's row with the same pk stays")

		tables, err = tb.DeletePK(ctx, "o1")
		require.NoError(t, err)
		require.Empty(t, tables)
	})
}

func TestTableDeletePKToleratesExpiredRows(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b store.Backend) {
		ctx := context.Background()
		tb := newTable(t, b, "acme", nil)
		require.NoError(t, tb.SetRow(ctx, "short", "o1", order{ID: "o1"}, repos.WithTTL(10*time.Millisecond)))
		require.NoError(t, tb.SetRow(ctx, "long", "o1", order{ID: "o1"}, repos.WithTTL(time.Hour)))
		wait(b, 30*time.Millisecond)
		_, err := tb.GetRow(ctx, "short", "o1")
		require.ErrorIs(t, err, store.ErrNotFound)

		tables, err := tb.DeletePK(ctx, "o1")
		require.NoError(t, err)
		require.ElementsMatch(t, []string{"short", "long"}, tables)
		require.Empty(t, keysOf(t, b))
	})
}

func TestTableInvalidIDs(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b store.Backend) {
		ctx := context.Background()
		_, err := repos.NewTable(b, "", nil)
		require.ErrorIs(t, err, repos.ErrInvalidID)
		_, err = repos.NewTable(b, "acme", &repos.Options{Prefix: "a*"})
		require.ErrorIs(t, err, repos.ErrInvalidOption)

		tb := newTable(t, b, "acme", nil)
		long := strings.Repeat("x", repos.MaxIDLen+1)
		for name, call := range map[string]func() error{
			"table":       func() error { return tb.SetRow(ctx, "", "o1", order{ID: "x"}) },
			"primary key": func() error { return tb.SetRow(ctx, "t", long, order{ID: "x"}) },
			"get":         func() error { _, err := tb.GetRow(ctx, long, "o1"); return err },
			"update":      func() error { return tb.UpdateField(ctx, "t", "", "f", 1) },
			"delete":      func() error { _, err := tb.DeleteRow(ctx, "", "o1"); return err },
			"delete pk":   func() error { _, err := tb.DeletePK(ctx, ""); return err },
		} {
			err := call()
			require.ErrorIs(t, err, repos.ErrInvalidID, name)
			require.ErrorIs(t, err, store.ErrInvalidArgument, name)
		}
		require.Empty(t, keysOf(t, b))
	})
}

func TestTableHostileIDsStayApart(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b store.Backend) {
		ctx := context.Background()
		for _, id := range nastyIDs {
			tb := newTable(t, b, id, &repos.Options{Prefix: "app"})
			require.NoError(t, tb.SetRow(ctx, id, id, map[string]string{"owner": id}))
		}
		require.Len(t, keysOf(t, b), 2*len(nastyIDs), "one row and one index per tenant: no collision")

		for i, id := range nastyIDs {
			tb := newTable(t, b, id, &repos.Options{Prefix: "app"})
			before := snapshot(t, b)
			row := fmt.Sprint("row", i)
			require.NoError(t, tb.SetRow(ctx, "extra", row, map[string]string{"x": "1"}))
			_, err := tb.DeletePK(ctx, row)
			require.NoError(t, err)
			require.Equal(t, before, snapshot(t, b), "tenant %q touched other keys", id)

			got, err := tb.GetRow(ctx, id, id)
			require.NoError(t, err)
			require.Equal(t, map[string]string{"owner": id}, got)
		}
		for _, id := range nastyIDs {
			tb := newTable(t, b, id, &repos.Options{Prefix: "app"})
			tables, err := tb.DeletePK(ctx, id)
			require.NoError(t, err)
			require.Equal(t, []string{id}, tables)
		}
		require.Empty(t, keysOf(t, b))
	})
}
