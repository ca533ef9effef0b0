// Package testenv tells tests which real servers they may use. A test that
// needs one calls Server; when the variable is unset the test skips, naming
// the variable, unless STORE_TEST_REQUIRE_SERVERS=1 (set by .ci/run), where
// it fails, so that CI can never pass by skipping.
package testenv

import (
	"os"
	"testing"
)

// Variables naming the real servers tests may use.
const (
	RedisURL      = "STORE_TEST_REDIS_URL"      // redis://127.0.0.1:6380/0
	ValkeyURL     = "STORE_TEST_VALKEY_URL"     // valkey://127.0.0.1:6380/1
	RedisCluster  = "STORE_TEST_REDIS_CLUSTER"  // 127.0.0.1:7001,127.0.0.1:7002,...
	ValkeyCluster = "STORE_TEST_VALKEY_CLUSTER" // same form
	// FailoverCluster names a Redis Cluster of 3 masters, each with one
	// replica, and a short cluster-node-timeout, that fault tests may
	// SIGKILL masters of (never the shared clusters above); .ci/run
	// starts one with .ci/failover-cluster.sh. Same form.
	FailoverCluster = "STORE_TEST_FAILOVER_CLUSTER"
	// RequireServers, when "1", turns a missing server into a failure.
	RequireServers = "STORE_TEST_REQUIRE_SERVERS"
)

// Server returns the value of the environment variable name, or skips (or,
// under STORE_TEST_REQUIRE_SERVERS=1, fails) the test when it is unset.
func Server(t testing.TB, name string) string {
	t.Helper()
	v := os.Getenv(name)
	if v != "" {
		return v
	}
	if os.Getenv(RequireServers) == "1" {
		t.Fatalf("%s is not set and %s=1: this test needs a real server", name, RequireServers)
	}
	t.Skipf("set %s to run this test against a real server", name)
	return ""
}
