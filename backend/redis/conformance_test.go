package redis_test

import (
	"strings"
	"testing"

	goredis "github.com/redis/go-redis/v9"

	"github.com/mimeiapify/store/conformance"
	"github.com/mimeiapify/store/internal/testenv"
)

// miniHarness runs each subtest on a fresh miniredis. miniredis cannot
// show: TTLs passing on their own (Advance fast-forwards its clock), SCAN
// cursors and duplicates (it answers in one page), Redis' number parsing
// and overflow checks, or byte-wise glob matching (miniredisQuirks), or
// cluster routing; the real-server harnesses below cover those, and run
// the Concurrency group at full size, which miniredis, at a quarter of
// it, takes three times as long as a real server to do.
var miniHarness = conformance.Harness{
	New: func(t *testing.T) conformance.Instance {
		b, mr := newMini(t)
		return conformance.Instance{Backend: b, Advance: mr.FastForward}
	},
	Scale: 0.25,
	Skip:  miniredisQuirks,
}

// miniredisQuirks are the cases where miniredis (v2.40), not the backend,
// answers otherwise than Redis 7: each was checked by sending the same
// command to both; the server harnesses run them all.
var miniredisQuirks = map[string]string{
	"Strings/IncrByStrictIntegerForm":      `miniredis parses integers with Go's rules (INCRBY accepts "+1")`,
	"Hash/HIncrByStrictIntegerForm":        `miniredis parses integers with Go's rules (HINCRBY accepts "+1")`,
	"Hash/HIncrByOverflow":                 "miniredis HINCRBY does not check int64 overflow (it wraps)",
	"Errors/Overflow":                      "miniredis HINCRBY and HINCRBYFLOAT do not check overflow",
	"Hash/HIncrByFloatLongDoublePrecision": "miniredis computes HINCRBYFLOAT in arbitrary precision, not long double",
	"Hash/HIncrByFloatOutOfRangeValue":     `miniredis accepts floats beyond the long double range ("1e5000")`,
	"Hash/HIncrByFloatInfiniteValue":       `miniredis accepts "inf" and an infinite HINCRBYFLOAT result`,
	"Hash/HIncrByFloatHexadecimalValue":    `miniredis parses floats with Go's rules (rejects "0x10")`,
	"Scan/PatternQuirks":                   "miniredis matches SCAN patterns with Go regexps, rune by rune",
	"Scan/MalformedPatterns":               `miniredis compiles SCAN patterns to Go regexps: a trailing "\" matches nothing, and "a[^]" panics the server`,
	"Scan/BinaryKeys":                      "miniredis matches SCAN patterns with Go regexps, rune by rune",
}

func TestConformanceMiniredis(t *testing.T) { conformance.Run(t, miniHarness) }

// realHarness runs each subtest on client's server under a fresh prefix.
// The client is shared and closed when the whole test ends.
func realHarness(client goredis.UniversalClient) conformance.Harness {
	return conformance.Harness{New: func(t *testing.T) conformance.Instance {
		return conformance.Instance{Backend: prefixed(t, client)}
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
