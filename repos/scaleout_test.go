package repos_test

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/mimeiapify/store"
	"github.com/mimeiapify/store/repos"
)

// TestTriggerScheduleSpreadsOverMasters counts the server commands of
// each master of a private 3-master cluster during 20,000 Triggers.Set
// (200 tenants, 100 identifiers each), then during their delivery by 4
// listeners: no master takes more than 1.35x its fair share in either
// phase, since the schedule is split into shards spread over the slot
// space.
func TestTriggerScheduleSpreadsOverMasters(t *testing.T) {
	c, b := privateCluster(t)
	const tenants, idents = 200, 100
	const n = tenants * idents
	due := 3 * time.Second
	start := time.Now()
	shares := masterShares(t, c, func() { setSpread(t, b, tenants, idents, due) })
	t.Logf("Set phase: %d triggers in %v", n, time.Since(start))
	requireFairShares(t, "Set", shares)

	time.Sleep(time.Until(start.Add(due)))
	var delivered atomic.Int64
	done := make(chan struct{})
	shares = masterShares(t, c, func() {
		stop := startListeners(t, b, 4, func(context.Context, repos.Fired) error {
			if delivered.Add(1) == n {
				close(done)
			}
			return nil
		}, nil)
		select {
		case <-done:
		case <-time.After(60 * time.Second):
			require.FailNow(t, "not delivered", "%d of %d", delivered.Load(), n)
		}
		stop()
	})
	t.Logf("delivery phase: %d triggers by 4 listeners in %v", n, time.Since(start.Add(due)))
	requireFairShares(t, "delivery", shares)
	require.EqualValues(t, n, delivered.Load())
}

// setSpread sets one trigger per (tenant, identifier), due in about due,
// from 16 goroutines.
func setSpread(t *testing.T, b store.Backend, tenants, idents int, due time.Duration) {
	t.Helper()
	var wg sync.WaitGroup
	errs := make(chan error, 16)
	for w := range 16 {
		wg.Go(func() {
			var err error
			for i := w; i < tenants*idents && err == nil; i += 16 {
				tr, _ := repos.NewTriggers(b, fmt.Sprint("tenant-", i/idents), nil)
				err = tr.Set(context.Background(), "remind", fmt.Sprint("chat-", i%idents), "", repos.WithTTL(due))
			}
			errs <- err
		})
	}
	wg.Wait()
	for range 16 {
		require.NoError(t, <-errs)
	}
}
