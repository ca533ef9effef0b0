package valkey_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/mimeiapify/store"
	"github.com/mimeiapify/store/internal/testenv"
)

// TestNoLibraryLogLineReachesStderr: opening a server that is down, or a
// TLS URL on a plaintext port, writes nothing to stderr.
func TestNoLibraryLogLineReachesStderr(t *testing.T) {
	silent := silentServer(t, "")
	stderr := testenv.CaptureStderr(t, func() {
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		defer cancel()
		for _, raw := range []string{"valkey://127.0.0.1:1", "valkeys://" + silent, "valkey://127.0.0.1:1?standalone=true"} {
			_, err := store.Open(ctx, raw)
			require.Error(t, err, raw)
		}
	})
	require.Empty(t, stderr)
}
