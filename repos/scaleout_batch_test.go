package repos_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/mimeiapify/store"
	"github.com/mimeiapify/store/internal/testenv"
	"github.com/mimeiapify/store/repos"
)

// batchMaxShare is the most any master may take of the server commands of
// the Enqueue phase, as a multiple of its fair share.
const batchMaxShare = 1.35

// TestScaleOutEnqueueSpreadsOverMasters counts the server commands of each
// master of a private 3-master cluster during 20,000 Enqueue calls over 3
// services and 600 tenants: the queues spread by their own hash tags and
// the pending marks over the PendingShards shards, whose slots spread over
// the slot space, so no master takes more than 1.35x its fair share (one
// pending set per service took half of all commands before).
func TestScaleOutEnqueueSpreadsOverMasters(t *testing.T) {
	c := testenv.StartCluster(t, 3)
	seeds := strings.Split(c.Seeds(), ",")
	url := "redis+cluster://" + seeds[0] + "?addr=" + strings.Join(seeds[1:], "&addr=")
	b, err := store.Open(context.Background(), url)
	require.NoError(t, err)
	t.Cleanup(func() { _ = b.Close() })
	ctx := context.Background()
	const total, tenants, workers = 20000, 600, 16
	// Three services whose names hash to the first master's slots: one
	// pending set per service (the layout before the shards) put every
	// mark there.
	services := []string{"mailer", "notifier", "webhooks"}
	batches := make([]*repos.Batch, tenants)
	for i := range batches {
		batches[i] = newBatch(t, b, fmt.Sprintf("tenant-%d", i), nil)
	}
	enqueue := func(i int) error {
		q := repos.Queue{Service: services[i%len(services)], Batch: "b", Action: "a"}
		return batches[(i/len(services))%tenants].Enqueue(ctx, q, "p")
	}
	for i := range 3 * tenants { // every queue exists: the phase pushes behind items
		require.NoError(t, enqueue(i))
	}
	before, err := c.CommandCalls()
	require.NoError(t, err)
	var wg sync.WaitGroup
	errs := make(chan error, workers)
	for w := range workers {
		wg.Go(func() {
			var err error
			for i := w; err == nil && i < total; i += workers {
				err = enqueue(i)
			}
			errs <- err
		})
	}
	wg.Wait()
	for range workers {
		require.NoError(t, <-errs)
	}
	after, err := c.CommandCalls()
	require.NoError(t, err)
	var sum int64
	for i := range after {
		sum += after[i] - before[i]
	}
	shares := testenv.Shares(before, after)
	t.Logf("%d Enqueue: %d server commands, shares of the fair share per master: %.2f", total, sum, shares)
	for i, s := range shares {
		require.LessOrEqual(t, s, batchMaxShare, "master %d took %.2fx its fair share (%.2f)", i, s, shares)
	}
}
