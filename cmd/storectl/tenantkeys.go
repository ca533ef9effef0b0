package main

// This file is the one place where storectl enumerates and deletes the
// keys of one tenant. It scans the tenant's glob-safe key pattern
// (repos.TenantPattern) on every master. When the data-lifecycle calls
// repos.TenantKeys and repos.DeleteTenant land, tenantKeys and
// deleteTenant become thin calls to them: nothing else in storectl lists
// or deletes a tenant's keys.

import (
	"context"
	"fmt"
	"iter"

	"github.com/mimeiapify/store"
	"github.com/mimeiapify/store/internal/glob"
	"github.com/mimeiapify/store/repos"
)

// deleteBatch is how many keys one Del call of deleteTenant deletes.
const deleteBatch = 500

// tenantKeys yields every key of tenant under prefix, and no key of any
// other tenant whatever bytes the ids hold. A bad tenant id or prefix is
// yielded as an error.
func tenantKeys(ctx context.Context, b store.Backend, prefix, tenant string) iter.Seq2[string, error] {
	pat, err := repos.TenantPattern(prefix, tenant)
	if err != nil {
		return func(yield func(string, error) bool) { yield("", err) }
	}
	return b.Scan(ctx, pat)
}

// deleteTenant deletes every key of tenant under prefix, calling progress
// with the number deleted so far, and unmarks the tenant in the pending
// sets of the batch services (and their lease hashes). References to the
// tenant's triggers in the application's schedule are left to the
// listeners, which drop references whose record is gone. It scans until a
// pass finds nothing, so keys written during the deletion are deleted too.
func deleteTenant(ctx context.Context, b store.Backend, prefix, tenant string, progress func(int64)) (int64, error) {
	var n int64
	for pass := 0; pass < 5; pass++ {
		found := false
		batch := make([]string, 0, deleteBatch)
		flush := func() error {
			d, err := b.Del(ctx, batch...)
			n += d
			batch = batch[:0]
			progress(n)
			return err
		}
		for key, err := range tenantKeys(ctx, b, prefix, tenant) {
			if err != nil {
				return n, err
			}
			found = true
			if batch = append(batch, key); len(batch) == deleteBatch {
				if err := flush(); err != nil {
					return n, err
				}
			}
		}
		if len(batch) > 0 {
			if err := flush(); err != nil {
				return n, err
			}
		}
		if !found {
			break
		}
	}
	return n, unmarkPending(ctx, b, prefix, tenant)
}

// unmarkPending removes tenant from every pending set and lease hash of
// the batch services under prefix.
func unmarkPending(ctx context.Context, b store.Backend, prefix, tenant string) error {
	app, err := repos.AppPattern(prefix)
	if err != nil {
		return err
	}
	pat := app[:len(app)-1] + glob.Escape("pending:{") + "*"
	for key, err := range b.Scan(ctx, pat) {
		if err != nil {
			return err
		}
		info, ok := repos.ParseKey(prefix, key)
		switch {
		case !ok:
		case info.Shape == repos.ShapePending:
			_, err = b.SRem(ctx, key, tenant)
		case info.Shape == repos.ShapeLeased:
			_, err = b.HDel(ctx, key, tenant)
		}
		if err != nil {
			return fmt.Errorf("unmark tenant %q in %q: %w", tenant, key, err)
		}
	}
	return nil
}
