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
