// Command reminders shows the background side of this module on the
// embedded default: a chat bot sets reminders (triggers) for two tenants,
// two listeners deliver each one once when it is due, and a worker drains
// the outgoing-message queue that the reminders fill, with leases on the
// tenant and on the items so that a crash would lose nothing. Point -url
// at a server to run the same program on it:
//
//	go run ./examples/reminders
//	go run ./examples/reminders -url bolt://reminders.db
//	go run ./examples/reminders -url redis://localhost:6379/0
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log"
	"os"
	"slices"
	"sync"
	"time"

	"github.com/mimeiapify/store"
	_ "github.com/mimeiapify/store/backend/bolt"
	_ "github.com/mimeiapify/store/backend/memory"
	_ "github.com/mimeiapify/store/backend/redis"
	_ "github.com/mimeiapify/store/backend/valkey"
	"github.com/mimeiapify/store/repos"
)

func main() {
	url := flag.String("url", "memory://", "backend URL (memory://, bolt://path, redis://..., valkey://...)")
	flag.Parse()
	if err := run(context.Background(), os.Stdout, *url); err != nil {
		log.SetFlags(0)
		log.Fatal(err)
	}
}

// outbox is the queue the reminders fill and the worker drains.
var outbox = repos.Queue{Service: "sender", Batch: "chat", Action: "send"}

func run(ctx context.Context, w io.Writer, url string) error {
	b, err := store.Open(ctx, url)
	if err != nil {
		return err
	}
	defer b.Close()
	opts := &repos.Options{Prefix: "reminders"}

	// The bot sets reminders: due in 100 to 300 ms, each with a payload.
	for i, r := range []struct{ tenant, chat, text string }{
		{"acme", "chat-1", "your cart is waiting"},
		{"acme", "chat-2", "rate your order"},
		{"globex", "chat-9", "meeting in 5 minutes"},
	} {
		tr, err := repos.NewTriggers(b, r.tenant, opts)
		if err != nil {
			return err
		}
		if err := tr.Set(ctx, "remind", r.chat, r.text, repos.WithTTL(time.Duration(100+100*i)*time.Millisecond)); err != nil {
			return err
		}
	}
	// One reminder is cancelled before it is due: it never fires.
	acme, err := repos.NewTriggers(b, "acme", opts)
	if err != nil {
		return err
	}
	if _, err := acme.Delete(ctx, "remind", "chat-2"); err != nil {
		return err
	}

	// Two listeners (they could be two processes) share the work: each due
	// reminder is handled once, by one of them, which queues a message.
	var mu sync.Mutex
	var fired []string
	lctx, stop := context.WithCancel(ctx)
	defer stop()
	var wg sync.WaitGroup
	for range 2 {
		wg.Go(func() {
			err := repos.ListenTriggers(lctx, b, opts, func(ctx context.Context, f repos.Fired) error {
				bt, err := repos.NewBatch(b, f.Tenant, opts)
				if err != nil {
					return err
				}
				mu.Lock()
				fired = append(fired, f.Tenant+"/"+f.Identifier)
				done := len(fired) == 2
				mu.Unlock()
				err = bt.Enqueue(ctx, outbox, f.Identifier+": "+f.Payload)
				if err == nil && done {
					stop()
				}
				return err
			}, &repos.ListenOptions{Interval: 20 * time.Millisecond})
			if err != nil {
				log.Print(err)
			}
		})
	}
	wg.Wait()
	slices.Sort(fired)
	fmt.Fprintln(w, "fired:", fired)

	// A worker drains the outbox: it leases a pending tenant, claims its
	// messages with a lease, sends and acknowledges them, then releases
	// the tenant. Had it died, both leases would end and another worker
	// would take over.
	var sent []string
	for {
		lease, ok, err := repos.ClaimTenant(ctx, b, outbox.Service, time.Minute, opts)
		if err != nil {
			return err
		}
		if !ok {
			break
		}
		bt, err := repos.NewBatch(b, lease.Tenant, opts)
		if err != nil {
			return err
		}
		for {
			c, err := bt.Claim(ctx, outbox, 10, 30*time.Second)
			if err != nil {
				return err
			}
			if len(c.Items) == 0 {
				break
			}
			for _, msg := range c.Items {
				sent = append(sent, lease.Tenant+" <- "+msg)
			}
			if err := bt.Ack(ctx, outbox, c.ID); err != nil {
				return err
			}
		}
		if err := repos.ReleaseTenant(ctx, b, lease); err != nil {
			return err
		}
	}
	slices.Sort(sent)
	for _, s := range sent {
		fmt.Fprintln(w, "sent:", s)
	}
	dead, err := repos.DeadTriggers(ctx, b, opts)
	if err != nil {
		return err
	}
	fmt.Fprintln(w, "dead letters:", len(dead))
	return nil
}
