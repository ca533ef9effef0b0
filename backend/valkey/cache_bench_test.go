package valkey_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"testing"
	"time"

	"github.com/mimeiapify/store/repos"
)

// benchProfile is the record BenchmarkClientCacheGetUserAs reads.
type benchProfile struct {
	Name  string `json:"name"`
	Email string `json:"email"`
	Plan  string `json:"plan"`
	Age   int    `json:"age"`
}

// BenchmarkClientCacheGetUserAs reads 256 users' records with
// repos.GetUserAs from 64 goroutines, on the server of
// STORE_TEST_VALKEY_URL, through a backend with a client-side cache
// (client_cache=64MiB, client_cache_ttl=1s) and through one without.
// Compare them in interleaved rounds, one process per round and side:
//
//	go test -c -o /tmp/vk.test ./backend/valkey/
//	for i in $(seq 20); do for s in cached uncached; do
//	  /tmp/vk.test -test.run '^$' -test.bench "ClientCacheGetUserAs/^$s\$" -test.benchtime 1s
//	done; done
func BenchmarkClientCacheGetUserAs(b *testing.B) {
	parent := b
	for _, c := range []struct{ name, params string }{
		{"cached", "client_cache=64MiB&client_cache_ttl=1s"},
		{"uncached", ""},
	} {
		var users []*repos.User // made by the first run of the sub-benchmark
		b.Run(c.name, func(b *testing.B) {
			if users == nil {
				users = benchUsers(parent, c.params)
			}
			b.ResetTimer()
			runParallel(b, 64, func(ctx context.Context) error {
				p, err := repos.GetUserAs[benchProfile](ctx, users[rand.IntN(len(users))])
				if err == nil && p.Age != 36 {
					err = fmt.Errorf("read %+v", p)
				}
				return err
			})
		})
	}
}

// benchUsers opens a backend (with params) on the benchmark server and
// writes 256 users; b's cleanup deletes them and closes the backend.
func benchUsers(b *testing.B, params string) []*repos.User {
	u := serverURL(b)
	if params != "" {
		u = withParams(u, params)
	}
	be := openURL(b, u)
	ctx := context.Background()
	prefix := fmt.Sprintf("cachebench-%d-%d", os.Getpid(), time.Now().UnixNano())
	users := make([]*repos.User, 256)
	for i := range users {
		var err error
		if users[i], err = repos.NewUser(be, "acme", fmt.Sprint("user", i), &repos.Options{Prefix: prefix, TTL: time.Hour}); err != nil {
			b.Fatal(err)
		}
		if err := users[i].Upsert(ctx, benchProfile{Name: "Ada", Email: "ada@example.com", Plan: "pro", Age: 36}); err != nil {
			b.Fatal(err)
		}
	}
	b.Cleanup(func() {
		for _, u := range users {
			_, _ = u.Delete(context.Background())
		}
	})
	// The writes above make the cached backend read those keys from the
	// server for its TTL (read-your-writes): start past it.
	time.Sleep(1100 * time.Millisecond)
	return users
}
