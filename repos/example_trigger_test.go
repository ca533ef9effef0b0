package repos_test

import (
	"context"
	"fmt"
	"time"

	"github.com/mimeiapify/store/backend/memory"
	"github.com/mimeiapify/store/repos"
)

// ExampleTriggers sets an expiration trigger for a conversation and reads
// it back.
func ExampleTriggers() {
	ctx := context.Background()
	b := memory.New(nil)
	defer b.Close()

	tr, _ := repos.NewTriggers(b, "acme", &repos.Options{TTL: 10 * time.Minute})
	_ = tr.Set(ctx, "remind", "chat-42", `{"text":"still there?"}`)
	_ = tr.Set(ctx, "close", "chat-42", "", repos.WithTTL(time.Hour))

	t, _ := tr.Get(ctx, "remind", "chat-42")
	left, _ := tr.Remaining(ctx, "remind", "chat-42")
	fmt.Println(t.Action, t.Payload, left > 9*time.Minute)

	actions, _ := tr.DeleteAll(ctx, "chat-42")
	fmt.Println(len(actions), "triggers deleted")
	ok, _ := tr.Exists(ctx, "close", "chat-42")
	fmt.Println(ok)
	// Output:
	// remind {"text":"still there?"} true
	// 2 triggers deleted
	// false
}
