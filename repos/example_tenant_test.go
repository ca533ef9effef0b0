package repos_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"time"

	"github.com/mimeiapify/store"
	"github.com/mimeiapify/store/backend/memory"
	"github.com/mimeiapify/store/repos"
)

// ExampleNewTenant makes a tenant's repositories once and uses them from
// any goroutine.
func ExampleNewTenant() {
	ctx := context.Background()
	b := memory.New(nil)
	defer b.Close()
	acme, err := repos.NewTenant(b, "acme", &repos.Options{Prefix: "app", TTL: 24 * time.Hour})
	if err != nil {
		panic(err)
	}

	u, _ := acme.User("ann")
	_ = u.Upsert(ctx, map[string]any{"name": "Ann"})
	h, _ := acme.State("ann")
	_ = h.Set(ctx, "onboarding", map[string]any{"step": 1})
	ss, _ := acme.Shared("ann")
	_ = ss.SetField(ctx, "search", "query", "shoes")
	_ = acme.Table().SetRow(ctx, "orders", "o-1", map[string]any{"total": 12})
	_ = acme.Batch().Enqueue(ctx, repos.Queue{Service: "mailer", Batch: "b", Action: "send"}, "hi")
	_ = acme.Triggers().Set(ctx, "remind", "ann", "", repos.WithTTL(time.Hour))
	n, _ := acme.Generic().Incr(ctx, "visits", 1)
	lk, _ := acme.Locks().TryLock(ctx, "report", time.Minute)
	_ = lk.Unlock(ctx)

	ids, _ := acme.Users().ListAll(ctx)
	fmt.Println(acme.ID(), ids, n)
	// Output:
	// acme [ann] 1
}

// ExampleGeneric_SetNX stores a value only if none is there: of several
// callers, one wins.
func ExampleGeneric_SetNX() {
	ctx := context.Background()
	b := memory.New(nil)
	defer b.Close()
	kv, _ := repos.NewGeneric(b, "acme", nil)

	first, _ := kv.SetNX(ctx, "welcome-sent", "worker-1", repos.WithTTL(time.Hour))
	second, _ := kv.SetNX(ctx, "welcome-sent", "worker-2", repos.WithTTL(time.Hour))
	v, _ := kv.Get(ctx, "welcome-sent")
	fmt.Println(first, second, v)
	// Output:
	// true false worker-1
}

// ExampleGeneric_Expire gives an existing value a TTL, then removes it.
func ExampleGeneric_Expire() {
	ctx := context.Background()
	b := memory.New(nil)
	defer b.Close()
	kv, _ := repos.NewGeneric(b, "acme", nil)
	_ = kv.Set(ctx, "session", "s-1")

	ok, _ := kv.Expire(ctx, "session", time.Hour)
	ttl, _ := kv.TTL(ctx, "session")
	fmt.Println(ok, ttl > 59*time.Minute)
	_, _ = kv.Expire(ctx, "session", 0)
	ttl, _ = kv.TTL(ctx, "session")
	fmt.Println(ttl == store.NoExpiry)
	missing, _ := kv.Expire(ctx, "nothing", time.Hour)
	fmt.Println(missing)
	// Output:
	// true true
	// true
	// false
}

// ExampleLocks_Lock serialises work on one name: the second caller waits
// until the first unlocks.
func ExampleLocks_Lock() {
	ctx := context.Background()
	b := memory.New(nil)
	defer b.Close()
	locks, _ := repos.NewLocks(b, "acme", nil)

	first, _ := locks.Lock(ctx, "user:ann", 30*time.Second)
	done := make(chan string)
	go func() {
		second, err := locks.Lock(ctx, "user:ann", 30*time.Second)
		if err != nil {
			done <- err.Error()
			return
		}
		_ = second.Unlock(ctx)
		done <- "second holder done"
	}()
	fmt.Println("first holder working")
	_ = first.Unlock(ctx)
	fmt.Println(<-done)
	// Output:
	// first holder working
	// second holder done
}

// ExampleLocks_TryLock fails at once when the lock is held.
func ExampleLocks_TryLock() {
	ctx := context.Background()
	b := memory.New(nil)
	defer b.Close()
	locks, _ := repos.NewLocks(b, "acme", nil)

	lk, err := locks.TryLock(ctx, "nightly-report", time.Minute)
	fmt.Println(lk.Name(), err)
	_, err = locks.TryLock(ctx, "nightly-report", time.Minute)
	fmt.Println(errors.Is(err, repos.ErrLocked))
	// Output:
	// nightly-report <nil>
	// true
}

// ExampleLock_Unlock: only the holder unlocks; a second Unlock, or one
// after the lease ended, reports ErrLockLost and changes nothing.
func ExampleLock_Unlock() {
	ctx := context.Background()
	b := memory.New(nil)
	defer b.Close()
	locks, _ := repos.NewLocks(b, "acme", nil)

	lk, _ := locks.TryLock(ctx, "job", time.Minute)
	fmt.Println(lk.Unlock(ctx))
	fmt.Println(errors.Is(lk.Unlock(ctx), repos.ErrLockLost))
	// Output:
	// <nil>
	// true
}

// ExampleLock_Refresh extends the lease of long work; a holder whose
// lease ended cannot refresh.
func ExampleLock_Refresh() {
	ctx := context.Background()
	b := memory.New(nil)
	defer b.Close()
	locks, _ := repos.NewLocks(b, "acme", nil)

	lk, _ := locks.TryLock(ctx, "import", time.Minute)
	fmt.Println(lk.Refresh(ctx, 5*time.Minute))

	short, _ := locks.TryLock(ctx, "other", time.Millisecond)
	time.Sleep(20 * time.Millisecond) // the lease ends
	fmt.Println(errors.Is(short.Refresh(ctx, time.Minute), repos.ErrLockLost))
	// Output:
	// <nil>
	// true
}

// ExampleMiddleware binds each request's shared state to its context; a
// request with no tenant passes through, and errors go to the error
// handler.
func ExampleMiddleware() {
	b := memory.New(nil)
	defer b.Close()
	build := func(r *http.Request) (*repos.SharedState, error) {
		tenant := r.Header.Get("X-Tenant")
		if tenant == "" {
			return nil, repos.ErrNoTenant
		}
		return repos.NewSharedState(b, tenant, r.Header.Get("X-User"), nil)
	}
	onError := func(w http.ResponseWriter, _ *http.Request, err error) {
		http.Error(w, "rejected: "+err.Error(), http.StatusBadRequest)
	}
	app := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ss, ok := repos.SharedStateFrom(r.Context())
		if !ok {
			_, _ = io.WriteString(w, "public page")
			return
		}
		_, _ = io.WriteString(w, "hello "+ss.UserID()+" of "+ss.Tenant())
	})
	h := repos.Middleware(build, repos.WithErrorHandler(onError))(app)

	for _, hdr := range [][2]string{{"acme", "ann"}, {"", ""}, {"acme", ""}} {
		req := httptest.NewRequest(http.MethodGet, "/", nil)
		req.Header.Set("X-Tenant", hdr[0])
		req.Header.Set("X-User", hdr[1])
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		fmt.Println(rec.Code, strings.TrimSpace(rec.Body.String()))
	}
	// Output:
	// 200 hello ann of acme
	// 200 public page
	// 400 rejected: repos: invalid identifier: store: invalid argument: user id is empty
}

// ExampleRunTools runs a request's tools concurrently; each finds the
// user's shared state in its context.
func ExampleRunTools() {
	b := memory.New(nil)
	defer b.Close()
	ss, _ := repos.NewSharedState(b, "acme", "ann", nil)
	ctx := repos.WithSharedState(context.Background(), ss) // what Middleware does

	search := func(ctx context.Context, _ *repos.SharedState) error {
		s, _ := repos.SharedStateFrom(ctx)
		return s.SetField(ctx, "tools", "search", "3 results")
	}
	weather := func(ctx context.Context, s *repos.SharedState) error {
		return s.SetField(ctx, "tools", "weather", "sunny")
	}
	err := repos.RunTools(ctx, search, weather)
	got, _ := ss.Get(ctx, "tools")
	fmt.Println(err, got["search"], got["weather"])
	// Output:
	// <nil> 3 results sunny
}
