// Command chatserver is the main use of this module as an HTTP service: a
// chat back end whose middleware binds the user's shared state to each
// request, whose handler fans work out to tools running in other
// goroutines that read that state from their context, and whose messages
// from one user are handled one at a time under a per-user lease lock. A
// message may ask for a reminder: a trigger, delivered by a listener into
// the user's record. User records and handler state are typed Go structs.
//
//	go run ./examples/chatserver                       # in memory, :8080
//	go run ./examples/chatserver -url redis://localhost:6379/0
//
//	curl -H 'X-Tenant: acme' -H 'X-User: ann' -d '{"text":"hello there","remind_in":"2s"}' localhost:8080/messages
//	curl -H 'X-Tenant: acme' -H 'X-User: ann' localhost:8080/reminders
//
// The tenant and the user come from the X-Tenant and X-User headers here;
// a real service takes them from its authentication.
package main

import (
	"context"
	"errors"
	"flag"
	"log"
	"net/http"
	"os"
	"os/signal"
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
	addr := flag.String("addr", "localhost:8080", "address to listen on")
	prefix := flag.String("prefix", "chat", "key prefix of the service")
	flag.Parse()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := run(ctx, *url, *addr, *prefix); err != nil {
		log.Fatal(err)
	}
}

// run serves on addr until ctx is done, then stops the HTTP server and
// the reminder listener before closing the backend.
func run(ctx context.Context, url, addr, prefix string) error {
	b, err := store.Open(ctx, url)
	if err != nil {
		return err
	}
	defer b.Close()
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	s := newServer(b, &repos.Options{Prefix: prefix})
	srv := &http.Server{Addr: addr, Handler: s.routes(), ReadHeaderTimeout: 5 * time.Second}
	var wg sync.WaitGroup
	wg.Go(func() { _ = s.listen(ctx) })
	wg.Go(func() {
		<-ctx.Done()
		shut, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = srv.Shutdown(shut)
	})
	log.Printf("chatserver on http://%s, backend %s", addr, url)
	err = srv.ListenAndServe()
	cancel()
	wg.Wait()
	if errors.Is(err, http.ErrServerClosed) {
		return nil
	}
	return err
}
