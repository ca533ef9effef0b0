package transfer_test

import (
	"testing"

	"go.uber.org/goleak"
)

// TestMain fails if any goroutine (a copy's workers, a backend's pool or
// sweeper, a miniredis clock) outlives the tests.
func TestMain(m *testing.M) {
	// valkey-go closes the connections a cluster refresh replaced 5 s
	// later, from a goroutine of its own that Close does not wait for.
	goleak.VerifyTestMain(m, goleak.IgnoreAnyFunction("github.com/valkey-io/valkey-go.(*clusterClient)._refresh.func2"))
}
