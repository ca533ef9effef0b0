package redis_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"strings"
	"testing"

	"github.com/alicebob/miniredis/v2"
	goredis "github.com/redis/go-redis/v9"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/mimeiapify/store"
	"github.com/mimeiapify/store/backend/redis"
	"github.com/mimeiapify/store/conformance"
	"github.com/mimeiapify/store/internal/glob"
	"github.com/mimeiapify/store/internal/testenv"
	"github.com/mimeiapify/store/prefix"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// miniHarness runs each subtest on a fresh miniredis. miniredis cannot
// show everything: TTLs pass only with FastForward (Advance), SCAN returns
// every key in one call (no cursor or duplicate handling is exercised),
// and its cluster is one node. The real-server harnesses cover those.
func miniHarness() conformance.Harness {
	return conformance.Harness{New: func(t *testing.T) conformance.Instance {
		mr := miniredis.RunT(t)
		c := goredis.NewClient(&goredis.Options{Addr: mr.Addr(), DisableIdentity: true, ContextTimeoutEnabled: true})
		return conformance.Instance{Backend: redis.New(c, &redis.Options{CloseClient: true}), Advance: mr.FastForward}
	}}
}

func TestConformanceMiniredis(t *testing.T) { conformance.Run(t, miniHarness()) }

// uniquePrefix returns a fresh key prefix for one test on a shared server.
func uniquePrefix(name string) string {
	var b [6]byte
	_, _ = rand.Read(b[:])
	return name + "-" + hex.EncodeToString(b[:]) + ":"
}

// realBackend opens url and confines it to a fresh prefix whose keys are
// deleted when t ends. Nothing else on the server is touched.
func realBackend(t testing.TB, rawURL string) store.Backend {
	t.Helper()
	b, err := redis.Open(context.Background(), rawURL)
	require.NoError(t, err)
	p := uniquePrefix("conf")
	pb, err := prefix.New(b, p)
	require.NoError(t, err)
	t.Cleanup(func() { deletePrefix(t, b, p) })
	return pb
}

// deletePrefix deletes every key under p, then closes b.
func deletePrefix(t testing.TB, b *redis.Backend, p string) {
	ctx := context.Background()
	var keys []string
	for k, err := range b.Scan(ctx, glob.Escape(p)+"*") {
		require.NoError(t, err)
		keys = append(keys, k)
	}
	for _, k := range keys {
		_, err := b.Del(ctx, k)
		require.NoError(t, err)
	}
	require.NoError(t, b.Close())
}

func TestConformanceRealServer(t *testing.T) {
	u := testenv.Server(t, testenv.RedisURL)
	conformance.Run(t, conformance.Harness{New: func(t *testing.T) conformance.Instance {
		return conformance.Instance{Backend: realBackend(t, u)}
	}})
}

func TestConformanceRealCluster(t *testing.T) {
	seeds := strings.Split(testenv.Server(t, testenv.RedisCluster), ",")
	u := clusterURL(seeds)
	conformance.Run(t, conformance.Harness{New: func(t *testing.T) conformance.Instance {
		return conformance.Instance{Backend: realBackend(t, u)}
	}})
}

// clusterURL turns seed addresses into a redis+cluster URL.
func clusterURL(seeds []string) string {
	u := "redis+cluster://" + strings.TrimSpace(seeds[0])
	for i, s := range seeds[1:] {
		sep := "&"
		if i == 0 {
			sep = "?"
		}
		u += sep + "addr=" + strings.TrimSpace(s)
	}
	return u
}
