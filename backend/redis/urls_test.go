package redis_test

import (
	"context"
	"net/url"
	"runtime"
	"testing"
	"time"

	"github.com/alicebob/miniredis/v2"
	goredis "github.com/redis/go-redis/v9"
	"github.com/stretchr/testify/require"

	"github.com/mimeiapify/store"
	"github.com/mimeiapify/store/backend/redis"
)

func newClient(t *testing.T, raw string) goredis.UniversalClient {
	t.Helper()
	u, err := url.Parse(raw)
	require.NoError(t, err)
	c, err := redis.NewClient(u)
	require.NoError(t, err)
	t.Cleanup(func() { _ = c.Close() })
	return c
}

func TestOpenSingleServerURL(t *testing.T) {
	mr := miniredis.RunT(t)
	ctx := context.Background()
	b, err := store.Open(ctx, "redis://"+mr.Addr()+"/0?dial_timeout=2s&pool_size=5")
	require.NoError(t, err)
	require.NoError(t, b.Set(ctx, "k", "v", 0))
	require.Equal(t, "v", mustGet(t, mr, "k"))
	require.NoError(t, b.Close())
	_, err = b.Get(ctx, "k")
	require.ErrorIs(t, err, store.ErrClosed)
}

func mustGet(t *testing.T, mr *miniredis.Miniredis, k string) string {
	t.Helper()
	v, err := mr.Get(k)
	require.NoError(t, err)
	return v
}

func TestURLDefaults(t *testing.T) {
	o := newClient(t, "redis://user:pw@localhost:6399/3").(*goredis.Client).Options()
	require.Equal(t, "localhost:6399", o.Addr)
	require.Equal(t, 3, o.DB)
	require.Equal(t, "user", o.Username)
	require.Equal(t, "pw", o.Password)
	require.True(t, o.DisableIdentity)
	require.True(t, o.ContextTimeoutEnabled)
	require.Equal(t, max(64, 32*runtime.GOMAXPROCS(0)), o.PoolSize)
	require.Nil(t, o.TLSConfig)
	o = newClient(t, "redis://localhost:6399?pool_size=7").(*goredis.Client).Options()
	require.Equal(t, 7, o.PoolSize, "a pool_size in the URL wins")
}

func TestURLTLS(t *testing.T) {
	o := newClient(t, "rediss://example.com:6380/1").(*goredis.Client).Options()
	require.NotNil(t, o.TLSConfig)
	require.Equal(t, "example.com", o.TLSConfig.ServerName)
	require.Equal(t, 1, o.DB)
}

func TestURLCluster(t *testing.T) {
	for _, raw := range []string{
		"redis+cluster://h1:7001?addr=h2:7002&addr=h3:7003",
		"rediss+cluster://h1:7001?addr=h2:7002&addr=h3:7003",
	} {
		cc, ok := newClient(t, raw).(*goredis.ClusterClient)
		require.True(t, ok, raw)
		o := cc.Options()
		require.Equal(t, []string{"h1:7001", "h2:7002", "h3:7003"}, o.Addrs)
		require.True(t, o.DisableIdentity)
		require.True(t, o.ContextTimeoutEnabled)
		require.Equal(t, raw[:7] == "rediss+", o.TLSConfig != nil)
	}
}

func TestURLSentinel(t *testing.T) {
	c, ok := newClient(t, "redis+sentinel://s1:26379/2?master_name=mymaster&addr=s2:26379").(*goredis.Client)
	require.True(t, ok)
	require.Equal(t, 2, c.Options().DB)
	require.True(t, c.Options().ContextTimeoutEnabled)
}

func TestURLUnknownParameterIsNamed(t *testing.T) {
	for _, raw := range []string{
		"redis://localhost:6379/0?bogus_param=1",
		"redis+cluster://h1:7001?bogus_param=1",
		"redis+sentinel://s1:26379?master_name=m&bogus_param=1",
	} {
		u, err := url.Parse(raw)
		require.NoError(t, err)
		_, err = redis.NewClient(u)
		require.ErrorIs(t, err, store.ErrInvalidArgument, raw)
		require.Contains(t, err.Error(), "bogus_param", raw)
	}
}

func TestOpenUnreachableNamesAddress(t *testing.T) {
	_, err := redis.Open(context.Background(), "redis://127.0.0.1:1/0?max_retries=-1&dial_timeout=1s")
	require.Error(t, err)
	require.Contains(t, err.Error(), "127.0.0.1:1")
}

// TestURLRecoveryParams: the parameters that decide recovery from a
// fault reach the client; max_retries=0 turns retries off as -1 does.
func TestURLRecoveryParams(t *testing.T) {
	o := newClient(t, "redis+cluster://localhost:7000?cluster_state_reload_interval=2s&dial_timeout=1s&read_timeout=2s&max_retries=0").(*goredis.ClusterClient).Options()
	require.Equal(t, 2*time.Second, o.ClusterStateReloadInterval)
	require.Equal(t, time.Second, o.DialTimeout)
	require.Equal(t, 2*time.Second, o.ReadTimeout)
	o = newClient(t, "redis+cluster://localhost:7000").(*goredis.ClusterClient).Options()
	require.Equal(t, redis.DefaultClusterStateReloadInterval, o.ClusterStateReloadInterval)
	so := newClient(t, "redis://localhost:6399?max_retries=0").(*goredis.Client).Options()
	require.LessOrEqual(t, so.MaxRetries, 0)
	so = newClient(t, "redis://localhost:6399?max_retries=-1").(*goredis.Client).Options()
	require.LessOrEqual(t, so.MaxRetries, 0)
	so = newClient(t, "redis://localhost:6399").(*goredis.Client).Options()
	require.Equal(t, 3, so.MaxRetries)
	for _, bad := range []string{"cluster_state_reload_interval=soon", "cluster_state_reload_interval=0s", "cluster_state_reload_interval=-1s"} {
		u, err := url.Parse("redis+cluster://localhost:7000?" + bad)
		require.NoError(t, err)
		_, err = redis.NewClient(u)
		require.ErrorIs(t, err, store.ErrInvalidArgument, bad)
		require.ErrorContains(t, err, "cluster_state_reload_interval")
	}
	u, err := url.Parse("redis://localhost:6399?cluster_state_reload_interval=2s")
	require.NoError(t, err)
	_, err = redis.NewClient(u)
	require.ErrorIs(t, err, store.ErrInvalidArgument, "a cluster parameter on a single-server URL")
}
