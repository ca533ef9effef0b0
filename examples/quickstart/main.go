// Command quickstart is the main job of this module on the embedded
// default: a chat bot's state for two tenants, kept in the in-memory
// backend with no server at all. Point -url at a server to run the same
// program on it:
//
//	go run ./examples/quickstart
//	go run ./examples/quickstart -url redis://localhost:6379/0
//	go run ./examples/quickstart -url bolt://quickstart.db
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log"
	"os"
	"time"

	"github.com/mimeiapify/store"
	_ "github.com/mimeiapify/store/backend/bolt"
	_ "github.com/mimeiapify/store/backend/memory"
	_ "github.com/mimeiapify/store/backend/redis"
	_ "github.com/mimeiapify/store/backend/valkey"
	"github.com/mimeiapify/store/repos"
)

// Profile is a user record: one hash field per top-level field.
type Profile struct {
	Name     string    `json:"name"`
	Plan     string    `json:"plan"`
	JoinedAt time.Time `json:"joined_at"`
}

func main() {
	url := flag.String("url", "memory://", "backend URL (memory://, bolt://path, redis://..., valkey://...)")
	flag.Parse()
	if err := run(context.Background(), os.Stdout, *url); err != nil {
		log.SetFlags(0)
		log.Fatal(err)
	}
}

func run(ctx context.Context, w io.Writer, url string) error {
	b, err := store.Open(ctx, url)
	if err != nil {
		return err
	}
	defer b.Close()
	opts := &repos.Options{Prefix: "quickstart", TTL: 24 * time.Hour}

	// Each repository is bound to its tenant (and user) once.
	ann, err := repos.NewUser(b, "acme", "ann", opts)
	if err != nil {
		return err
	}
	joined := time.Date(2026, 11, 25, 9, 0, 0, 0, time.UTC)
	if err := ann.Upsert(ctx, Profile{Name: "Ann", Plan: "pro", JoinedAt: joined}); err != nil {
		return err
	}
	visits, err := ann.Incr(ctx, "visits", 1)
	if err != nil {
		return err
	}
	p, err := repos.GetUserAs[Profile](ctx, ann)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "user: %s on %s since %s, visit %d\n", p.Name, p.Plan, p.JoinedAt.Format(time.DateOnly), visits)

	// Conversational state, merged and returned in one atomic step.
	chat, err := repos.NewStateHandler(b, "acme", "ann", opts)
	if err != nil {
		return err
	}
	if err := chat.Set(ctx, "checkout", map[string]any{"step": "cart"}); err != nil {
		return err
	}
	state, err := chat.Upsert(ctx, "checkout", map[string]any{"step": "pay", "items": 3})
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "checkout: step %s, %s items\n", state["step"], state["items"])

	// Scratch space for an agent's tools, handed over through the context.
	ss, err := repos.NewSharedState(b, "acme", "ann", opts)
	if err != nil {
		return err
	}
	if err := searchTool(repos.WithSharedState(ctx, ss)); err != nil {
		return err
	}
	names, err := ss.List(ctx)
	if err != nil {
		return err
	}
	query, err := ss.GetField(ctx, "search", "query")
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "shared states: %v, search query %q\n", names, query)

	// Tenants are isolated whatever their ids hold: "acme*" is not a glob.
	other, err := repos.NewSharedState(b, "acme*", "ann", opts)
	if err != nil {
		return err
	}
	if err := other.Clear(ctx); err != nil {
		return err
	}
	names, err = ss.List(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "after tenant %q cleared its states, acme still has %v\n", "acme*", names)
	return nil
}

// searchTool stands for a tool an agent calls with only a context.
func searchTool(ctx context.Context) error {
	ss, ok := repos.SharedStateFrom(ctx)
	if !ok {
		fmt.Fprintln(os.Stderr, "no shared state in the context")
		return nil
	}
	return ss.SetField(ctx, "search", "query", "red shoes")
}
