package bolt

import (
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// TestLockTimeout opens a file twice: bbolt's flock is per open file, so
// the second open waits as another process would, then fails.
func TestLockTimeout(t *testing.T) {
	path := filepath.Join(t.TempDir(), "locked.db")
	b := newTestAt(t, path)
	_ = b
	start := time.Now()
	_, err := Open(path, &Options{Timeout: 100 * time.Millisecond})
	require.Error(t, err)
	require.Less(t, time.Since(start), 2*time.Second)
	require.GreaterOrEqual(t, time.Since(start), 50*time.Millisecond)
	require.ErrorContains(t, err, "locked")
	require.ErrorContains(t, err, path)
}

func newTestAt(t *testing.T, path string) *Backend {
	t.Helper()
	b, err := Open(path, nil)
	require.NoError(t, err)
	t.Cleanup(func() { require.NoError(t, b.Close()) })
	return b
}
