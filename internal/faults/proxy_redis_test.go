package faults_test

import (
	"context"
	"errors"
	"testing"
	"time"

	goredis "github.com/redis/go-redis/v9"
	"github.com/stretchr/testify/require"

	"github.com/mimeiapify/store/internal/faults"
	"github.com/mimeiapify/store/internal/testenv"
)

// TestProxyWithRedisClient runs a go-redis client through the proxy to a
// private redis-server in each mode: as the network backends' fault tests
// will.
func TestProxyWithRedisClient(t *testing.T) {
	srv := testenv.StartRedis(t)
	p := faults.NewProxy(t, srv.Addr())
	c := goredis.NewClient(&goredis.Options{Addr: p.Addr(), MaxRetries: -1, PoolSize: 1, ContextTimeoutEnabled: true})
	t.Cleanup(func() { _ = c.Close() })
	ping := func(d time.Duration) (time.Duration, error) {
		ctx, cancel := context.WithTimeout(context.Background(), d)
		defer cancel()
		start := time.Now()
		err := c.Ping(ctx).Err()
		return time.Since(start), err
	}
	_, err := ping(5 * time.Second)
	require.NoError(t, err)

	p.Blackhole()
	took, err := ping(200 * time.Millisecond)
	require.Error(t, err, "no answer through a blackhole")
	require.Less(t, took, time.Second, "the call ends at its deadline")

	p.Reset()
	_, err = ping(5 * time.Second)
	require.Error(t, err, "reset connections and refused dials")
	require.False(t, errors.Is(err, context.DeadlineExceeded), "a reset fails fast, not at the deadline: %v", err)

	p.Pass()
	start := time.Now()
	require.Eventually(t, func() bool { _, err := ping(time.Second); return err == nil }, 5*time.Second, 10*time.Millisecond,
		"the client reconnects once the proxy passes")
	// go-redis answers with its last dial error until a background dial
	// (once a second) succeeds: the next helper's item 6.
	t.Logf("go-redis answered again %v after the proxy passed", time.Since(start))
}
