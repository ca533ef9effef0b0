package repos_test

import (
	"context"
	"fmt"

	"github.com/mimeiapify/store/backend/memory"
	"github.com/mimeiapify/store/repos"
)

// ExampleBatch enqueues payloads for a tenant and runs one round of the
// worker protocol: unmark the pending tenant, then drain its queue.
func ExampleBatch() {
	ctx := context.Background()
	b := memory.New(nil)
	defer b.Close()

	q := repos.Queue{Service: "mailer", Batch: "daily", Action: "send"}
	bt, _ := repos.NewBatch(b, "acme", nil)
	_ = bt.EnqueueAll(ctx, q, []string{"mail-1", "mail-2", "mail-3"})

	tenants, _ := repos.PendingTenants(ctx, b, "mailer", nil)
	for _, tenant := range tenants {
		_, _ = repos.RemovePending(ctx, b, "mailer", tenant, nil)
		w, _ := repos.NewBatch(b, tenant, nil)
		for {
			items, _ := w.Chunk(ctx, q, 0, 1)
			if len(items) == 0 {
				break
			}
			fmt.Println(tenant, items)
			_ = w.Trim(ctx, q, int64(len(items)), -1)
		}
	}
	n, _ := bt.Len(ctx, q)
	fmt.Println("left:", n)
	// Output:
	// acme [mail-1 mail-2]
	// acme [mail-3]
	// left: 0
}
