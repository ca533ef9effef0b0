package transfer_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/alicebob/miniredis/v2"
	"github.com/stretchr/testify/require"

	"github.com/mimeiapify/store"
	"github.com/mimeiapify/store/backend/bolt"
	"github.com/mimeiapify/store/backend/memory"
	_ "github.com/mimeiapify/store/backend/redis"
	_ "github.com/mimeiapify/store/backend/valkey"
	"github.com/mimeiapify/store/internal/testenv"
	"github.com/mimeiapify/store/prefix"
)

// opener opens a fresh, empty backend of one kind for a test.
type opener func(t *testing.T) store.Backend

// kinds are the backends the tests copy between; the real servers skip
// when their variable is unset.
var kinds = map[string]opener{
	"memory": func(t *testing.T) store.Backend { return closing(t, memory.New(nil)) },
	"bolt": func(t *testing.T) store.Backend {
		b, err := bolt.Open(filepath.Join(t.TempDir(), "x.db"), nil)
		require.NoError(t, err)
		return closing(t, b)
	},
	"redis-miniredis":  func(t *testing.T) store.Backend { return onMiniredis(t, "redis://%s/0") },
	"valkey-miniredis": func(t *testing.T) store.Backend { return onMiniredis(t, "valkey://%s/0?standalone=true") },
	"redis-server":     func(t *testing.T) store.Backend { return onServer(t, testenv.RedisURL) },
	"valkey-server":    func(t *testing.T) store.Backend { return onServer(t, testenv.ValkeyURL) },
	"redis-cluster":    func(t *testing.T) store.Backend { return onServer(t, testenv.RedisCluster) },
	"valkey-cluster":   func(t *testing.T) store.Backend { return onServer(t, testenv.ValkeyCluster) },
}

func closing(t *testing.T, b store.Backend) store.Backend {
	t.Cleanup(func() { require.NoError(t, b.Close()) })
	return b
}

// onMiniredis opens a backend on a fresh miniredis whose TTLs pass in
// real time (miniredis moves its clock only when told to), so that TTLs
// compare with those of the other backends.
func onMiniredis(t *testing.T, format string) store.Backend {
	mr := miniredis.RunT(t)
	stop := make(chan struct{})
	ticked := make(chan struct{})
	go func() {
		defer close(ticked)
		last := time.Now()
		tick := time.NewTicker(20 * time.Millisecond)
		defer tick.Stop()
		for {
			select {
			case <-stop:
				return
			case now := <-tick.C:
				mr.FastForward(now.Sub(last))
				last = now
			}
		}
	}()
	t.Cleanup(func() { close(stop); <-ticked })
	b, err := store.Open(context.Background(), strings.Replace(format, "%s", mr.Addr(), 1))
	require.NoError(t, err)
	return closing(t, b)
}

// ServerURL returns the URL of the real server a variable names (a
// cluster's seed list becomes a cluster URL), or skips.
func serverURL(t *testing.T, variable string) string {
	v := os.Getenv(variable)
	if v == "" {
		testenv.Server(t, variable) // skips, or fails under STORE_TEST_REQUIRE_SERVERS=1
	}
	if variable != testenv.RedisCluster && variable != testenv.ValkeyCluster {
		return v
	}
	seeds := strings.Split(v, ",")
	scheme := "redis+cluster://"
	if variable == testenv.ValkeyCluster {
		scheme = "valkey://"
	}
	u := scheme + seeds[0]
	for i, s := range seeds[1:] {
		sep := "&"
		if i == 0 {
			sep = "?"
		}
		u += sep + "addr=" + s
	}
	return u
}

// onServer opens a real server under a fresh key prefix that is purged
// when the test ends.
func onServer(t *testing.T, variable string) store.Backend {
	inner, err := store.Open(context.Background(), serverURL(t, variable))
	require.NoError(t, err)
	var tag [6]byte
	_, _ = rand.Read(tag[:])
	b, err := prefix.New(inner, "transfer-test-"+hex.EncodeToString(tag[:])+":")
	require.NoError(t, err)
	t.Cleanup(func() {
		_, err := b.Purge(context.Background())
		require.NoError(t, err)
		require.NoError(t, b.Close())
	})
	return b
}

// keySet returns every key of b.
func keySet(t *testing.T, b store.Backend) map[string]bool {
	out := map[string]bool{}
	for k, err := range b.Scan(context.Background(), "*") {
		require.NoError(t, err)
		out[k] = true
	}
	return out
}
