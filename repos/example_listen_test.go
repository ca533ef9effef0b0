package repos_test

import (
	"context"
	"fmt"
	"time"

	"github.com/mimeiapify/store/backend/memory"
	"github.com/mimeiapify/store/repos"
)

// ExampleTriggers_Listen sets a reminder due in 50 ms and delivers it to
// a handler, which stops the listener once it has run.
func ExampleTriggers_Listen() {
	b := memory.New(nil)
	defer b.Close()
	tr, _ := repos.NewTriggers(b, "acme", nil)
	_ = tr.Set(context.Background(), "remind", "chat-42", "still there?", repos.WithTTL(50*time.Millisecond))

	ctx, stop := context.WithTimeout(context.Background(), 10*time.Second)
	defer stop()
	err := tr.Listen(ctx, func(_ context.Context, f repos.Fired) error {
		fmt.Println(f.Tenant, f.Action, f.Identifier, f.Payload, "attempt", f.Attempt)
		stop()
		return nil
	}, &repos.ListenOptions{Interval: 10 * time.Millisecond})
	fmt.Println("listener returned:", err)
	found, err := tr.Delete(context.Background(), "remind", "chat-42")
	fmt.Println("still stored:", found, err)
	// Output:
	// acme remind chat-42 still there? attempt 1
	// listener returned: <nil>
	// still stored: false <nil>
}
