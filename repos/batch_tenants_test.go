package repos_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/mimeiapify/store"
	"github.com/mimeiapify/store/repos"
)

// TestClaimTenantLeases checks the tenant leases: each pending tenant goes
// to one worker at a time, an Enqueue during a lease marks the tenant
// again (claimed once the lease is released), a lease that ends without a
// release gives the tenant to the next worker, and the late release of
// the old lease is refused without touching the new one.
func TestClaimTenantLeases(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b store.Backend) {
		ctx := context.Background()
		for _, tenant := range []string{"acme", "globex"} {
			require.NoError(t, newBatch(t, b, tenant, nil).Enqueue(ctx, mailQueue, "x"))
		}
		first, ok, err := repos.ClaimTenant(ctx, b, "mailer", time.Minute, nil)
		require.NoError(t, err)
		require.True(t, ok)
		second, ok, err := repos.ClaimTenant(ctx, b, "mailer", time.Minute, nil)
		require.NoError(t, err)
		require.True(t, ok)
		require.ElementsMatch(t, []string{"acme", "globex"}, []string{first.Tenant, second.Tenant})
		require.Equal(t, "mailer", first.Service)
		_, ok, err = repos.ClaimTenant(ctx, b, "mailer", time.Minute, nil)
		require.NoError(t, err)
		require.False(t, ok, "both tenants are held")
		pending, err := repos.PendingTenants(ctx, b, "mailer", nil)
		require.NoError(t, err)
		require.Empty(t, pending)

		require.NoError(t, newBatch(t, b, first.Tenant, nil).Enqueue(ctx, mailQueue, "y"))
		pending, err = repos.PendingTenants(ctx, b, "mailer", nil)
		require.NoError(t, err)
		require.Equal(t, []string{first.Tenant}, pending, "an enqueue during the lease marks the tenant again")
		_, ok, err = repos.ClaimTenant(ctx, b, "mailer", time.Minute, nil)
		require.NoError(t, err)
		require.False(t, ok, "a tenant marked again is not handed out while its lease lives")
		require.NoError(t, repos.ReleaseTenant(ctx, b, first))
		again, ok, err := repos.ClaimTenant(ctx, b, "mailer", time.Minute, nil)
		require.NoError(t, err)
		require.True(t, ok, "released, the tenant marked again is claimed again")
		require.Equal(t, first.Tenant, again.Tenant)
		require.NoError(t, repos.ReleaseTenant(ctx, b, again))
		require.NoError(t, repos.ReleaseTenant(ctx, b, second))

		// first's worker dies: its lease ends and the tenant comes back.
		short, ok, err := repos.ClaimTenant(ctx, b, "mailer", 50*time.Millisecond, nil)
		require.NoError(t, err)
		require.False(t, ok, "released tenants are not pending: %+v", short)
		require.NoError(t, newBatch(t, b, "initech", nil).Enqueue(ctx, mailQueue, "z"))
		short, ok, err = repos.ClaimTenant(ctx, b, "mailer", 50*time.Millisecond, nil)
		require.NoError(t, err)
		require.True(t, ok)
		time.Sleep(60 * time.Millisecond)
		next, ok, err := repos.ClaimTenant(ctx, b, "mailer", time.Minute, nil)
		require.NoError(t, err)
		require.True(t, ok, "the tenant of a dead worker is claimed again")
		require.Equal(t, "initech", next.Tenant)
		require.NotEqual(t, short.ID, next.ID)
		require.ErrorIs(t, repos.ReleaseTenant(ctx, b, short), repos.ErrLeaseExpired)
		_, ok, err = repos.ClaimTenant(ctx, b, "mailer", time.Minute, nil)
		require.NoError(t, err)
		require.False(t, ok, "the refused release left the new lease alone")
		require.NoError(t, repos.ReleaseTenant(ctx, b, next))
		require.ErrorIs(t, repos.ReleaseTenant(ctx, b, next), repos.ErrLeaseExpired, "a lease is released once")

		_, _, err = repos.ClaimTenant(ctx, b, "mailer", 0, nil)
		require.ErrorIs(t, err, store.ErrInvalidArgument)
		_, _, err = repos.ClaimTenant(ctx, b, "", time.Minute, nil)
		require.ErrorIs(t, err, repos.ErrInvalidID)
		require.ErrorIs(t, repos.ReleaseTenant(ctx, b, repos.TenantLease{Tenant: "acme"}), store.ErrInvalidArgument)
	})
}

// TestClaimTenantCost pins ClaimTenant's calls: a poll that finds nothing
// reads every pending shard (its pending set and its leases, PendingShards
// x 2 calls, no Update); one that finds a tenant reads its shards until
// that one and leases the tenant with one Update; ReleaseTenant is one
// Update.
func TestClaimTenantCost(t *testing.T) {
	forEachBackend(t, func(t *testing.T, raw store.Backend) {
		ctx := context.Background()
		b := newCounting(raw)
		_, ok, err := repos.ClaimTenant(ctx, b, "mailer", time.Minute, nil)
		require.NoError(t, err)
		require.False(t, ok)
		require.Equal(t, 2*repos.PendingShards, b.calls, "an idle poll")
		require.Zero(t, b.updates)

		require.NoError(t, newBatch(t, raw, "acme", nil).Enqueue(ctx, mailQueue, "x"))
		b.reset()
		l, ok, err := repos.ClaimTenant(ctx, b, "mailer", time.Minute, nil)
		require.NoError(t, err)
		require.True(t, ok)
		require.Equal(t, 1, b.updates)
		require.LessOrEqual(t, b.calls, 2*repos.PendingShards+1)
		require.Zero(t, (b.calls-1)%2, "two reads per shard tried, then the Update")
		b.reset()
		require.NoError(t, repos.ReleaseTenant(ctx, b, l))
		require.Equal(t, 1, b.calls)
		require.Equal(t, 1, b.updates)
	})
}

// TestDeleteTenantDropsItsLeases leases a tenant and a neighbour of its
// pending shard, marks both pending again, and deletes the tenant: its
// mark, its lease key and its entry in the shard's leases are gone (once
// the leases end, only the neighbour comes back), the neighbour's are
// left.
func TestDeleteTenantDropsItsLeases(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b store.Backend) {
		ctx := context.Background()
		neighbour := ""
		for i := 0; neighbour == ""; i++ {
			if n := fmt.Sprint("n", i); repos.TenantShard(n) == repos.TenantShard("acme") {
				neighbour = n
			}
		}
		for _, tenant := range []string{"acme", neighbour} {
			require.NoError(t, newBatch(t, b, tenant, nil).Enqueue(ctx, mailQueue, "x"))
		}
		const lease = 100 * time.Millisecond
		for range 2 {
			_, ok, err := repos.ClaimTenant(ctx, b, "mailer", lease, nil)
			require.NoError(t, err)
			require.True(t, ok)
		}
		before := keysOf(t, b)
		_, err := repos.DeleteTenant(ctx, b, "acme", nil)
		require.NoError(t, err)
		after := keysOf(t, b)
		require.Less(t, len(after), len(before))
		for _, k := range after {
			require.NotContains(t, k, "acme", "a key of acme or naming it is left")
		}
		time.Sleep(lease + 20*time.Millisecond)
		l, ok, err := repos.ClaimTenant(ctx, b, "mailer", time.Minute, nil)
		require.NoError(t, err)
		require.True(t, ok, "the neighbour's lease ended: its worker died")
		require.Equal(t, neighbour, l.Tenant)
		_, ok, err = repos.ClaimTenant(ctx, b, "mailer", time.Minute, nil)
		require.NoError(t, err)
		require.False(t, ok, "acme left no lease behind")
		require.NoError(t, repos.ReleaseTenant(ctx, b, l))
	})
}
