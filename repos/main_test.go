package repos_test

import (
	"os"
	"testing"

	"go.uber.org/goleak"
)

// TestMain runs the listener child of TestListenRedeliversWhenListenerDies
// when listenerChildEnv is set, else the tests, failing if any goroutine
// (a listener, a backend's sweeper or pool) outlives them.
func TestMain(m *testing.M) {
	if url := os.Getenv(listenerChildEnv); url != "" {
		os.Exit(runListenerChild(url, os.Getenv(listenerChildPrefixEnv)))
	}
	// valkey-go closes the connections a cluster refresh replaced 5 s
	// later, from a goroutine of its own that Close does not wait for.
	goleak.VerifyTestMain(m, goleak.IgnoreAnyFunction("github.com/valkey-io/valkey-go.(*clusterClient)._refresh.func2"))
}
