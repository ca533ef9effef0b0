package repos_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"os"
	"path/filepath"
	"sync"
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

// backendCase is one backend the repository tests run on.
type backendCase struct {
	name string
	open func(t *testing.T) store.Backend
}

// backendCases lists the backends available to the repository tests: the
// in-memory one first, so that failures show early, then bolt, then redis
// and valkey on miniredis, and on the real servers the environment names
// (STORE_TEST_REDIS_URL, STORE_TEST_VALKEY_URL, and the cluster variables).
var backendCases = []backendCase{
	{name: "memory", open: func(t *testing.T) store.Backend {
		return closing(t, memory.New(nil))
	}},
	{name: "bolt", open: func(t *testing.T) store.Backend {
		b, err := bolt.Open(filepath.Join(t.TempDir(), "repos.db"), nil)
		require.NoError(t, err)
		return closing(t, b)
	}},
	{name: "redis-miniredis", open: func(t *testing.T) store.Backend {
		return onMiniredis(t, "redis://%s/0")
	}},
	{name: "valkey-miniredis", open: func(t *testing.T) store.Backend {
		return onMiniredis(t, "valkey://%s/0?standalone=true")
	}},
	{name: "redis-server", open: func(t *testing.T) store.Backend {
		return onServer(t, testenv.RedisURL, "%s")
	}},
	{name: "valkey-server", open: func(t *testing.T) store.Backend {
		return onServer(t, testenv.ValkeyURL, "%s")
	}},
	{name: "redis-cluster", open: func(t *testing.T) store.Backend {
		return onServer(t, testenv.RedisCluster, "redis+cluster://%s")
	}},
	{name: "valkey-cluster", open: func(t *testing.T) store.Backend {
		return onServer(t, testenv.ValkeyCluster, "valkey://%s")
	}},
}

// clocks holds the fast-forward function of backends on miniredis, whose
// TTLs pass only when told to.
var clocks sync.Map // store.Backend -> func(time.Duration)

// wait lets d pass for b: fast-forwarding miniredis, sleeping otherwise.
func wait(b store.Backend, d time.Duration) {
	if ff, ok := clocks.Load(b); ok {
		ff.(func(time.Duration))(d)
		return
	}
	time.Sleep(d)
}

func closing(t *testing.T, b store.Backend) store.Backend {
	t.Cleanup(func() { require.NoError(t, b.Close()) })
	return b
}

func onMiniredis(t *testing.T, urlFormat string) store.Backend {
	mr := miniredis.RunT(t)
	b, err := store.Open(context.Background(), sprintf(urlFormat, mr.Addr()))
	require.NoError(t, err)
	clocks.Store(b, mr.FastForward)
	t.Cleanup(func() { clocks.Delete(b) })
	return closing(t, b)
}

// onServer opens the real server the environment variable names, under a
// fresh key prefix whose keys are deleted when the test ends.
func onServer(t *testing.T, variable, urlFormat string) store.Backend {
	v := os.Getenv(variable)
	if v == "" {
		if os.Getenv(testenv.RequireServers) == "1" {
			testenv.Server(t, variable) // fails the test
		}
		t.Skipf("set %s to run the repositories on a real server", variable)
	}
	inner, err := store.Open(context.Background(), sprintf(urlFormat, clusterURL(variable, v)))
	require.NoError(t, err)
	var tag [6]byte
	_, _ = rand.Read(tag[:])
	b, err := prefix.New(inner, "repos-test-"+hex.EncodeToString(tag[:])+":")
	require.NoError(t, err)
	t.Cleanup(func() {
		_, err := b.Purge(context.Background())
		require.NoError(t, err)
		require.NoError(t, b.Close())
	})
	return b
}

// forEachBackend runs fn as a subtest on a fresh backend of every kind
// available.
func forEachBackend(t *testing.T, fn func(t *testing.T, b store.Backend)) {
	t.Helper()
	for _, c := range backendCases {
		t.Run(c.name, func(t *testing.T) {
			fn(t, c.open(t))
		})
	}
}
