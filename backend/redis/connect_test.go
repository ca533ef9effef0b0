package redis_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/alicebob/miniredis/v2"
	goredis "github.com/redis/go-redis/v9"
	"github.com/stretchr/testify/require"

	"github.com/mimeiapify/store"
	"github.com/mimeiapify/store/backend/redis"
	"github.com/mimeiapify/store/internal/testenv"
)

// connectKey is a key of its own for one connection test on a shared
// server, removed at cleanup.
func connectKey(t *testing.T, b store.Backend, name string) string {
	var r [6]byte
	_, _ = rand.Read(r[:])
	k := "connect-test:" + hex.EncodeToString(r[:]) + ":" + name
	t.Cleanup(func() { _, _ = b.Del(context.Background(), k) })
	return k
}

func TestOpenURLUnknownParameterListsTheKnownOnes(t *testing.T) {
	for _, raw := range []string{
		"redis://localhost:6379/0?poolsize=1",
		"rediss+cluster://h1:7001?poolsize=1",
		"redis+sentinel://s1:26379?master_name=m&poolsize=1",
	} {
		b, err := store.Open(context.Background(), raw)
		require.True(t, b == nil, raw)
		require.ErrorIs(t, err, store.ErrInvalidArgument, raw)
		require.ErrorContains(t, err, `unknown URL parameter "poolsize"`, raw)
		require.ErrorContains(t, err, "pool_size", raw)
		require.Equal(t, 1, strings.Count(err.Error(), "redis: "), "%s: %v", raw, err)
	}
}

func TestOpenSentinelWithoutMasterNameSaysItIsRequired(t *testing.T) {
	for _, raw := range []string{"redis+sentinel://127.0.0.1:1", "rediss+sentinel://127.0.0.1:1/0?addr=127.0.0.1:2"} {
		start := time.Now()
		b, err := store.Open(context.Background(), raw)
		require.True(t, b == nil, raw)
		require.ErrorIs(t, err, store.ErrInvalidArgument, raw)
		require.ErrorContains(t, err, "master_name parameter is required", raw)
		require.Less(t, time.Since(start), time.Second, "fails before dialling")
	}
}

// TestOpenSentinel starts a private master and a sentinel watching it,
// and opens the master through the sentinel.
func TestOpenSentinel(t *testing.T) {
	master := testenv.StartRedis(t)
	sentinel := startSentinel(t, master.Addr())
	ctx := context.Background()
	b, err := store.Open(ctx, "redis+sentinel://"+sentinel+"?master_name=mymaster")
	require.NoError(t, err)
	defer b.Close()
	require.NoError(t, b.Set(ctx, "via-sentinel", "v", 0))
	got, err := master.Do("GET", "via-sentinel")
	require.NoError(t, err)
	require.Equal(t, "v", got)
	_, err = store.Open(ctx, "redis+sentinel://"+sentinel+"?master_name=nosuchmaster&max_retries=-1")
	require.Error(t, err)
}

// startSentinel runs redis-server in sentinel mode on a free port,
// monitoring master as "mymaster", until the test ends.
func startSentinel(t *testing.T, master string) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	port := l.Addr().(*net.TCPAddr).Port
	require.NoError(t, l.Close())
	dir := t.TempDir()
	host, mport, _ := net.SplitHostPort(master)
	conf := fmt.Sprintf("port %d\nbind 127.0.0.1\ndir %s\nlogfile %s\nsentinel monitor mymaster %s %s 1\n",
		port, dir, filepath.Join(dir, "log"), host, mport)
	path := filepath.Join(dir, "sentinel.conf")
	require.NoError(t, os.WriteFile(path, []byte(conf), 0o600))
	cmd := exec.Command("redis-server", path, "--sentinel")
	require.NoError(t, cmd.Start())
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	addr := fmt.Sprintf("127.0.0.1:%d", port)
	for range 500 {
		if got, err := testenv.Do(addr, "SENTINEL", "get-master-addr-by-name", "mymaster"); err == nil && got != "" {
			return addr
		}
		time.Sleep(10 * time.Millisecond)
	}
	logged, _ := os.ReadFile(filepath.Join(dir, "log"))
	t.Fatalf("sentinel on %s did not start; log:\n%s", addr, logged)
	return ""
}

// TestOpenRedisURLOnAClusterNodeUsesTheCluster: redis:// naming one node
// of a cluster gets a cluster client before anything is written, so keys
// of every slot work (a single-server client would get MOVED).
func TestOpenRedisURLOnAClusterNodeUsesTheCluster(t *testing.T) {
	node := strings.TrimSpace(strings.Split(testenv.Server(t, testenv.RedisCluster), ",")[0])
	ctx := context.Background()
	b, err := redis.Open(ctx, "redis://"+node)
	require.NoError(t, err)
	defer b.Close()
	require.IsType(t, &goredis.ClusterClient{}, b.Client())
	for i := range 20 {
		k := connectKey(t, b, fmt.Sprint(i))
		require.NoError(t, b.Set(ctx, k, "v", time.Minute), k)
	}
	_, err = store.Open(ctx, "redis://"+node+"/3")
	require.ErrorIs(t, err, store.ErrInvalidArgument)
	require.ErrorContains(t, err, "redis+cluster://"+node)
}

func TestOpenRedisURLOnOneServerStaysSingle(t *testing.T) {
	mr := miniredis.RunT(t)
	b, err := redis.Open(context.Background(), "redis://"+mr.Addr())
	require.NoError(t, err)
	defer b.Close()
	require.IsType(t, &goredis.Client{}, b.Client())
	real, err := redis.Open(context.Background(), testenv.Server(t, testenv.RedisURL))
	require.NoError(t, err)
	defer real.Close()
	require.IsType(t, &goredis.Client{}, real.Client())
}

// silentServer accepts connections and never answers, as a plaintext
// server waiting for the end of a command does with a TLS ClientHello.
func silentServer(t *testing.T, reply string) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	done := make(chan struct{})
	t.Cleanup(func() { close(done); _ = l.Close() })
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			if reply != "" {
				_, _ = c.Write([]byte(reply))
			}
			go func() { <-done; _ = c.Close() }()
		}
	}()
	return l.Addr().String()
}

// TestOpenTLSAgainstPlaintextSaysSo: rediss:// against a plaintext port
// fails within the caller's deadline with ErrNotTLS, whether the server
// stays silent, answers a plaintext error or is a real Redis.
func TestOpenTLSAgainstPlaintextSaysSo(t *testing.T) {
	mr := miniredis.RunT(t)
	addrs := map[string]string{
		"silent":    silentServer(t, ""),
		"replies":   silentServer(t, "-ERR unknown command\r\n"),
		"miniredis": mr.Addr(),
	}
	if u := os.Getenv(testenv.RedisURL); u != "" {
		addrs["redis"] = strings.TrimPrefix(strings.TrimSuffix(u, "/0"), "redis://")
	}
	for name, addr := range addrs {
		t.Run(name, func(t *testing.T) {
			for _, raw := range []string{"rediss://" + addr, "rediss+cluster://" + addr} {
				ctx, cancel := context.WithTimeout(context.Background(), 500*time.Millisecond)
				start := time.Now()
				b, err := store.Open(ctx, raw)
				cancel()
				require.True(t, b == nil, raw)
				require.ErrorIs(t, err, redis.ErrNotTLS, raw)
				require.ErrorContains(t, err, "did not answer TLS", raw)
				require.ErrorContains(t, err, "use redis", raw)
				require.Less(t, time.Since(start), 3*time.Second, "%s: the caller's deadline was 500ms", raw)
			}
		})
	}
}

// TestOpenPlaintextAgainstTLSSaysSo: redis:// against a TLS port names
// rediss://.
func TestOpenPlaintextAgainstTLSSaysSo(t *testing.T) {
	srv := httptest.NewUnstartedServer(http.NotFoundHandler())
	srv.Config.ErrorLog = log.New(io.Discard, "", 0)
	srv.StartTLS()
	defer srv.Close()
	addr := strings.TrimPrefix(srv.URL, "https://")
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	b, err := store.Open(ctx, "redis://"+addr+"?max_retries=-1")
	require.True(t, b == nil)
	require.ErrorContains(t, err, "answered a TLS handshake: use rediss://")
}

func TestOpenFailuresReturnLiteralNil(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	for _, raw := range []string{
		"redis://127.0.0.1:1?max_retries=-1", "redis://h?bogus=1", "redis+sentinel://h",
		"redis://h/notadb", "redis+cluster://127.0.0.1:1?max_retries=-1",
	} {
		b, err := store.Open(ctx, raw)
		require.Error(t, err, raw)
		require.True(t, b == nil, "%s: got a non-nil %T", raw, b)
		rb, err := redis.Open(ctx, raw)
		require.Error(t, err, raw)
		require.Nil(t, rb, raw)
	}
}
