package valkey_test

import (
	"context"
	"fmt"
	"os"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/alicebob/miniredis/v2"
	"github.com/stretchr/testify/require"
	"github.com/valkey-io/valkey-go"
	"go.uber.org/goleak"

	"github.com/mimeiapify/store"
	vkbackend "github.com/mimeiapify/store/backend/valkey"
	"github.com/mimeiapify/store/internal/testenv"
	"github.com/mimeiapify/store/prefix"
)

// TestMain checks for leaked goroutines. valkey-go's cluster client closes
// the connections a topology refresh replaced after 5 s, in a goroutine
// that Close does not stop: that one is the client's, and ignored.
func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m, goleak.IgnoreAnyFunction("github.com/valkey-io/valkey-go.(*clusterClient)._refresh.func2"))
}

// miniClient returns a valkey-go client on mr, with the options miniredis
// needs: no CLIENT TRACKING, no CLUSTER SLOTS probe.
func miniClient(t testing.TB, mr *miniredis.Miniredis) valkey.Client {
	t.Helper()
	c, err := valkey.NewClient(valkey.ClientOption{
		InitAddress:       []string{mr.Addr()},
		DisableCache:      true,
		ForceSingleClient: true,
	})
	require.NoError(t, err)
	return c
}

// newMini returns a backend that owns its client on a fresh miniredis.
func newMini(t testing.TB) (*vkbackend.Backend, *miniredis.Miniredis) {
	t.Helper()
	mr := miniredis.RunT(t)
	b := vkbackend.New(miniClient(t, mr), &vkbackend.Options{CloseClient: true})
	t.Cleanup(func() { _ = b.Close() })
	return b, mr
}

// serverURL is the URL of the real server of STORE_TEST_VALKEY_URL.
func serverURL(t testing.TB) string { return testenv.Server(t, testenv.ValkeyURL) }

// clusterClient returns a client, closed at cleanup, on the cluster of
// STORE_TEST_VALKEY_CLUSTER.
func clusterClient(t testing.TB) valkey.Client {
	t.Helper()
	seeds := strings.Split(testenv.Server(t, testenv.ValkeyCluster), ",")
	c, err := valkey.NewClient(valkey.ClientOption{InitAddress: seeds, DisableCache: true})
	require.NoError(t, err)
	t.Cleanup(c.Close)
	require.Equal(t, valkey.ClientModeCluster, c.Mode())
	return c
}

// counter makes prefixes unique within the process; the pid and time
// make them unique across runs sharing a server.
var counter atomic.Int64

// prefixed confines b to a fresh prefix and deletes the prefix's keys
// when the test ends. Nothing else on the server is touched.
func prefixed(t testing.TB, b *vkbackend.Backend) store.Backend {
	t.Helper()
	pb, _ := prefixedAt(t, b)
	return pb
}

// prefixedAt is prefixed that also returns the prefix.
func prefixedAt(t testing.TB, b *vkbackend.Backend) (store.Backend, string) {
	t.Helper()
	p := fmt.Sprintf("storetest:%d:%d:%d:", os.Getpid(), time.Now().UnixNano(), counter.Add(1))
	pb, err := prefix.New(b, p)
	require.NoError(t, err)
	t.Cleanup(func() { deletePrefix(t, b, p) })
	return pb, p
}

// deletePrefix deletes every key under p, on a backend of its own (the
// one under test is closed by then).
func deletePrefix(t testing.TB, b *vkbackend.Backend, p string) {
	t.Helper()
	cleaner := vkbackend.New(b.Client(), nil)
	ctx := context.Background()
	var keys []string
	for k, err := range cleaner.Scan(ctx, escapeGlob(p)+"*") {
		require.NoError(t, err)
		keys = append(keys, k)
	}
	_, err := cleaner.Del(ctx, keys...)
	require.NoError(t, err)
}

// escapeGlob escapes the glob metacharacters of s.
func escapeGlob(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `*`, `\*`, `?`, `\?`, `[`, `\[`, `]`, `\]`)
	return r.Replace(s)
}

// openClient makes a client from a valkey:// URL and closes it at cleanup.
func openClient(t testing.TB, rawURL string) valkey.Client {
	t.Helper()
	opt, _, err := vkbackend.ParseURL(rawURL)
	require.NoError(t, err)
	c, err := valkey.NewClient(opt)
	require.NoError(t, err)
	t.Cleanup(c.Close)
	return c
}

// newMiniServer starts a miniredis that is closed when the test ends.
func newMiniServer(t testing.TB) *miniredis.Miniredis { return miniredis.RunT(t) }
