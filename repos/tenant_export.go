package repos

import (
	"context"
	"iter"

	"github.com/mimeiapify/store"
	"github.com/mimeiapify/store/transfer"
)

// ExportTenant yields every key of tenant (see TenantKeys) as a portable
// transfer.Record: its type, its value and its remaining TTL, readable
// with transfer.NewEncoder into the versioned JSON-lines dump that
// storectl import (or transfer.WriteAll) restores. It holds nothing of
// any other tenant, whatever the ids: a GDPR export of one tenant. A key
// that vanishes while it is read is skipped. On failure it yields one
// error and stops.
//
// Cost: TenantKeys' Scan, then 3 reads per key (transfer.Read), 16 keys
// at a time. A record is read in several calls, so export a tenant whose
// writers are stopped for a consistent picture.
func ExportTenant(ctx context.Context, b store.Backend, tenant string, opts *Options) iter.Seq2[transfer.Record, error] {
	return transfer.Read(ctx, b, TenantKeys(ctx, b, tenant, opts))
}
