package valkey_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/valkey-io/valkey-go"

	vkbackend "github.com/mimeiapify/store/backend/valkey"
	"github.com/mimeiapify/store/conformance"
	"github.com/mimeiapify/store/internal/testenv"
)

// miniHarness runs each subtest on a fresh miniredis. miniredis cannot
// show: TTLs passing on their own (Advance fast-forwards its clock), SCAN
// cursors and duplicates (it answers in one page), Lua number semantics at
// the int64 limits (gopher-lua), Redis' number parsing and byte-wise glob
// matching (testenv.MiniredisQuirks), or cluster routing; the real-server
// harnesses below cover those.
var miniHarness = conformance.Harness{
	New: func(t *testing.T) conformance.Instance {
		b, mr := newMini(t)
		return conformance.Instance{Backend: b, Advance: mr.FastForward,
			MakeForeignKey: func(key string) { _, _ = mr.XAdd(key, "*", []string{"f", "v"}) }}
	},
	Scale: 0.25,
	Skip:  testenv.MiniredisQuirks,
}

func TestConformanceMiniredis(t *testing.T) {
	conformance.Run(t, miniHarness)
}

// realHarness runs each subtest on the real server, under a fresh prefix.
// The client is shared and closed when the whole test ends.
func realHarness(t *testing.T, client valkey.Client, opts *vkbackend.Options) conformance.Harness {
	return conformance.Harness{New: func(t *testing.T) conformance.Instance {
		b, p := prefixedAt(t, vkbackend.New(client, opts))
		return conformance.Instance{Backend: b, MakeForeignKey: func(key string) {
			cmd := client.B().Xadd().Key(p+key).Id("*").FieldValue().FieldValue("f", "v").Build()
			require.NoError(t, client.Do(context.Background(), cmd).Error())
		}}
	}}
}

func TestConformanceServer(t *testing.T) {
	client := openClient(t, serverURL(t))
	conformance.Run(t, realHarness(t, client, nil))
}

func TestConformanceCluster(t *testing.T) {
	client := clusterClient(t)
	conformance.Run(t, realHarness(t, client, nil))
}

// TestConformanceServerClientCache runs the contract on a backend that
// reads through the client-side cache (Get, HGet, HMGet, HGetAll): the
// contract's reads follow its writes on the same backend
// (read-your-writes, see TestClientCacheOwnWriteThenRead).
func TestConformanceServerClientCache(t *testing.T) {
	client := openClient(t, withParams(serverURL(t), "client_cache=8MiB"))
	conformance.Run(t, realHarness(t, client, &vkbackend.Options{ClientCacheTTL: time.Minute}))
}

// TestConformanceClusterClientCache is TestConformanceServerClientCache
// on the cluster.
func TestConformanceClusterClientCache(t *testing.T) {
	seeds := strings.Split(testenv.Server(t, testenv.ValkeyCluster), ",")
	client, err := valkey.NewClient(valkey.ClientOption{InitAddress: seeds, CacheSizeEachConn: 8 << 20, ClientSetInfo: valkey.DisableClientSetInfo})
	require.NoError(t, err)
	t.Cleanup(client.Close)
	require.Equal(t, valkey.ClientModeCluster, client.Mode())
	conformance.Run(t, realHarness(t, client, &vkbackend.Options{ClientCacheTTL: time.Minute}))
}
