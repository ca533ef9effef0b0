package redis_test

import (
	"context"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	goredis "github.com/redis/go-redis/v9"

	"github.com/mimeiapify/store/conformance"
	"github.com/mimeiapify/store/internal/testenv"
)

// miniHarness runs each subtest on a fresh miniredis. miniredis cannot
// show: TTLs passing on their own (Advance fast-forwards its clock), SCAN
// cursors and duplicates (it answers in one page), Redis' number parsing
// and overflow checks, or byte-wise glob matching (testenv.MiniredisQuirks), or
// cluster routing; the real-server harnesses below cover those, and run
// the Concurrency group at full size, which miniredis, at a quarter of
// it, takes three times as long as a real server to do.
var miniHarness = conformance.Harness{
	New: func(t *testing.T) conformance.Instance {
		b, mr := newMini(t)
		return conformance.Instance{Backend: b, Advance: mr.FastForward,
			MakeForeignKey: func(key string) { _, _ = mr.XAdd(key, "*", []string{"f", "v"}) }}
	},
	Scale: 0.25,
	Skip:  testenv.MiniredisQuirks,
}

func TestConformanceMiniredis(t *testing.T) { conformance.Run(t, miniHarness) }

// realHarness runs each subtest on client's server under a fresh prefix.
// The client is shared and closed when the whole test ends.
func realHarness(client goredis.UniversalClient) conformance.Harness {
	return conformance.Harness{New: func(t *testing.T) conformance.Instance {
		b, p := prefixedAt(t, client, nil)
		return conformance.Instance{Backend: b, MakeForeignKey: func(key string) {
			require.NoError(t, client.XAdd(context.Background(), &goredis.XAddArgs{Stream: p + key, Values: []string{"f", "v"}}).Err())
		}}
	}}
}

func TestConformanceRealServer(t *testing.T) {
	client := realClient(t, testenv.Server(t, testenv.RedisURL))
	conformance.Run(t, realHarness(client))
}

func TestConformanceRealCluster(t *testing.T) {
	seeds := strings.Split(testenv.Server(t, testenv.RedisCluster), ",")
	client := realClient(t, clusterURL(seeds))
	conformance.Run(t, realHarness(client))
}
