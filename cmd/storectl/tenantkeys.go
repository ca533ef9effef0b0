package main

// This file is the one place where storectl enumerates and deletes the
// keys of one tenant: thin calls to repos.TenantKeys and
// repos.DeleteTenant, so that the command and applications share one
// implementation.

import (
	"context"
	"iter"

	"github.com/mimeiapify/store"
	"github.com/mimeiapify/store/repos"
)

// tenantKeys yields every key of tenant under prefix, and no key of any
// other tenant whatever bytes the ids hold. A bad tenant id or prefix is
// yielded as an error.
func tenantKeys(ctx context.Context, b store.Backend, prefix, tenant string) iter.Seq2[string, error] {
	return repos.TenantKeys(ctx, b, tenant, &repos.Options{Prefix: prefix})
}

// deleteTenant deletes every key of tenant under prefix and its entries in
// the application-wide keys (trigger schedule, dead letters, pending sets
// and leases) with repos.DeleteTenant, then calls progress with the number
// of keys deleted.
func deleteTenant(ctx context.Context, b store.Backend, prefix, tenant string, progress func(int64)) (int64, error) {
	n, err := repos.DeleteTenant(ctx, b, tenant, &repos.Options{Prefix: prefix})
	progress(n)
	return n, err
}
