package repos_test

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/mimeiapify/store/backend/memory"
	"github.com/mimeiapify/store/repos"
)

// ExampleListenTriggers delivers the due triggers of every tenant of the
// application to one handler.
func ExampleListenTriggers() {
	b := memory.New(nil)
	defer b.Close()
	opts := &repos.Options{Prefix: "app"}
	for _, tenant := range []string{"acme", "globex"} {
		tr, _ := repos.NewTriggers(b, tenant, opts)
		_ = tr.Set(context.Background(), "remind", "chat-1", "hello "+tenant, repos.WithTTL(20*time.Millisecond))
	}

	ctx, stop := context.WithTimeout(context.Background(), 10*time.Second)
	defer stop()
	got := make(chan string, 2)
	go func() {
		a, b := <-got, <-got
		if a > b {
			a, b = b, a
		}
		fmt.Println(a)
		fmt.Println(b)
		stop()
	}()
	err := repos.ListenTriggers(ctx, b, opts, func(_ context.Context, f repos.Fired) error {
		got <- f.Tenant + ": " + f.Payload
		return nil
	}, &repos.ListenOptions{Interval: 5 * time.Millisecond})
	fmt.Println("listener returned:", err)
	// Output:
	// acme: hello acme
	// globex: hello globex
	// listener returned: <nil>
}

// ExampleDeadTriggers lists the triggers whose every attempt failed.
func ExampleDeadTriggers() {
	b := memory.New(nil)
	defer b.Close()
	tr, _ := repos.NewTriggers(b, "acme", nil)
	_ = tr.Set(context.Background(), "charge", "order-7", "EUR 12", repos.WithTTL(10*time.Millisecond))

	ctx, stop := context.WithTimeout(context.Background(), 10*time.Second)
	defer stop()
	listening := make(chan error)
	go func() {
		listening <- tr.Listen(ctx, func(context.Context, repos.Fired) error {
			return errors.New("card declined")
		}, &repos.ListenOptions{Interval: 5 * time.Millisecond, MaxAttempts: 1})
	}()
	// Wait until the only attempt failed and the trigger gave up.
	for ctx.Err() == nil {
		if dead, _ := tr.DeadTriggers(ctx); len(dead) > 0 {
			break
		}
		time.Sleep(5 * time.Millisecond)
	}
	stop()
	<-listening

	dead, err := repos.DeadTriggers(context.Background(), b, nil)
	for _, d := range dead {
		fmt.Println(d.Tenant, d.Action, d.Identifier, d.Payload, d.Attempt, d.Error)
	}
	fmt.Println(err)
	// Output:
	// acme charge order-7 EUR 12 1 card declined
	// <nil>
}
