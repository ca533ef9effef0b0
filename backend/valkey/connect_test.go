package valkey_test

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
	"strings"
	"testing"
	"time"

	"github.com/alicebob/miniredis/v2"
	"github.com/stretchr/testify/require"
	"github.com/valkey-io/valkey-go"

	"github.com/mimeiapify/store"
	vkbackend "github.com/mimeiapify/store/backend/valkey"
	"github.com/mimeiapify/store/internal/testenv"
)

func TestOpenURLUnknownParameterListsTheKnownOnes(t *testing.T) {
	b, err := store.Open(context.Background(), "valkey://u:secret@localhost:6379/0?poolsize=1")
	require.True(t, b == nil)
	require.ErrorIs(t, err, store.ErrInvalidArgument)
	require.ErrorContains(t, err, `unknown URL parameter "poolsize"`)
	require.ErrorContains(t, err, "scan_count")
	require.NotContains(t, err.Error(), "secret")
	require.Equal(t, 1, strings.Count(err.Error(), "valkey: "), err.Error())
}

// TestOpenValkeyURLOnAClusterNodeFindsTheCluster: valkey-go asks the node
// for its slots and makes a cluster client, so keys of every slot work.
func TestOpenValkeyURLOnAClusterNodeFindsTheCluster(t *testing.T) {
	node := strings.TrimSpace(strings.Split(testenv.Server(t, testenv.ValkeyCluster), ",")[0])
	ctx := context.Background()
	sb, err := store.Open(ctx, "valkey://"+node)
	require.NoError(t, err)
	defer sb.Close()
	b := sb.(*vkbackend.Backend)
	require.Equal(t, valkey.ClientModeCluster, b.Client().Mode())
	var r [6]byte
	_, _ = rand.Read(r[:])
	for i := range 20 {
		k := fmt.Sprintf("connect-test:%s:%d", hex.EncodeToString(r[:]), i)
		require.NoError(t, b.Set(ctx, k, "v", time.Minute), k)
		_, err := b.Del(ctx, k)
		require.NoError(t, err)
	}
}

// silentServer accepts connections and answers reply (or nothing), as a
// plaintext server does with a TLS ClientHello.
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

// TestOpenTLSAgainstPlaintextSaysSo: valkeys:// against a plaintext port
// fails within the caller's deadline with ErrNotTLS.
func TestOpenTLSAgainstPlaintextSaysSo(t *testing.T) {
	mr := miniredis.RunT(t)
	addrs := map[string]string{
		"silent":    silentServer(t, ""),
		"replies":   silentServer(t, "-ERR unknown command\r\n"),
		"miniredis": mr.Addr(),
	}
	if u := os.Getenv(testenv.ValkeyURL); u != "" {
		addrs["server"] = strings.TrimPrefix(strings.TrimSuffix(u, "/1"), "valkey://")
	}
	for name, addr := range addrs {
		t.Run(name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 500*time.Millisecond)
			defer cancel()
			start := time.Now()
			b, err := store.Open(ctx, "valkeys://"+addr)
			require.True(t, b == nil)
			require.ErrorIs(t, err, vkbackend.ErrNotTLS)
			require.ErrorContains(t, err, "did not answer TLS")
			require.ErrorContains(t, err, "use valkey://")
			require.Less(t, time.Since(start), 3*time.Second, "the caller's deadline was 500ms")
		})
	}
}

func TestOpenPlaintextAgainstTLSSaysSo(t *testing.T) {
	srv := httptest.NewUnstartedServer(http.NotFoundHandler())
	srv.Config.ErrorLog = log.New(io.Discard, "", 0)
	srv.StartTLS()
	defer srv.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	b, err := store.Open(ctx, "valkey://"+strings.TrimPrefix(srv.URL, "https://"))
	require.True(t, b == nil)
	require.ErrorContains(t, err, "answered a TLS handshake: use valkeys://")
}

// TestOpenDownServerWithinDeadline: valkey-go dials in NewClient, which
// takes no context; Open still ends with ctx, returns a literal nil, and
// names the address.
func TestOpenDownServerWithinDeadline(t *testing.T) {
	addr := silentServer(t, "")
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	start := time.Now()
	b, err := store.Open(ctx, "valkey://"+addr)
	require.True(t, b == nil)
	require.ErrorContains(t, err, addr)
	require.Less(t, time.Since(start), 3*time.Second, "valkey-go's dial timeout is 5s; the caller's deadline 300ms")
	for _, raw := range []string{"valkey://127.0.0.1:1", "valkey://h?bogus=1", "valkey://h/x", "valkeys://127.0.0.1:1"} {
		b, err := store.Open(context.Background(), raw)
		require.Error(t, err, raw)
		require.True(t, b == nil, "%s: got a non-nil %T", raw, b)
	}
}
