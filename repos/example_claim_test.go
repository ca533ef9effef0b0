package repos_test

import (
	"context"
	"fmt"
	"time"

	"github.com/mimeiapify/store/backend/memory"
	"github.com/mimeiapify/store/repos"
)

// ExampleBatch_Claim takes items with a lease, acknowledges them, and
// shows that an acknowledgement after the lease ended is rejected.
func ExampleBatch_Claim() {
	ctx := context.Background()
	b := memory.New(nil)
	defer b.Close()
	q := repos.Queue{Service: "mailer", Batch: "daily", Action: "send"}
	bt, _ := repos.NewBatch(b, "acme", nil)
	_ = bt.EnqueueAll(ctx, q, []string{"mail-1", "mail-2", "mail-3"})

	c, _ := bt.Claim(ctx, q, 2, time.Minute)
	fmt.Println(c.Items, bt.Ack(ctx, q, c.ID))

	slow, _ := bt.Claim(ctx, q, 2, 10*time.Millisecond)
	time.Sleep(20 * time.Millisecond)
	fmt.Println(slow.Items, bt.Ack(ctx, q, slow.ID) != nil)

	again, _ := bt.Claim(ctx, q, 2, time.Minute)
	fmt.Println(again.Items, bt.Ack(ctx, q, again.ID))
	// Output:
	// [mail-1 mail-2] <nil>
	// [mail-3] true
	// [mail-3] <nil>
}

// ExampleClaimTenant is a worker that must not lose work if it dies: it
// leases a pending tenant, drains its queue with item leases, and
// releases the tenant, unless claims of other workers are still in
// flight (then the tenant comes back when its lease ends). Had it died,
// both leases would end and another worker would take the tenant and the
// unacknowledged items.
func ExampleClaimTenant() {
	ctx := context.Background()
	b := memory.New(nil)
	defer b.Close()
	q := repos.Queue{Service: "mailer", Batch: "daily", Action: "send"}
	acme, _ := repos.NewBatch(b, "acme", nil)
	_ = acme.EnqueueAll(ctx, q, []string{"mail-1", "mail-2", "mail-3"})

	for {
		lease, ok, err := repos.ClaimTenant(ctx, b, q.Service, time.Minute, nil)
		if err != nil || !ok {
			break // nothing pending
		}
		bt, _ := repos.NewBatch(b, lease.Tenant, nil)
		inFlight := false
		for {
			c, err := bt.Claim(ctx, q, 2, 30*time.Second)
			if err != nil || len(c.Items) == 0 {
				inFlight = c.InFlight > 0
				break
			}
			fmt.Println(lease.Tenant, c.Items)
			_ = bt.Ack(ctx, q, c.ID)
		}
		if !inFlight {
			_ = repos.ReleaseTenant(ctx, b, lease)
		}
	}
	pending, _ := repos.PendingTenants(ctx, b, q.Service, nil)
	fmt.Println("pending:", pending)
	// Output:
	// acme [mail-1 mail-2]
	// acme [mail-3]
	// pending: []
}
