package bolt

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
	"go.etcd.io/bbolt"
	berrors "go.etcd.io/bbolt/errors"

	"github.com/mimeiapify/store"
	"github.com/mimeiapify/store/internal/faults"
)

// TestOpenDamagedFreelistFailsAndReleasesTheFile: store.Open of a file
// whose freelist page is damaged (bbolt.Open panics on it) fails with
// ErrCorrupt, and leaves the file neither locked nor open.
func TestOpenDamagedFreelistFailsAndReleasesTheFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "freelist.db")
	writeDamageSource(t, path)
	require.NoError(t, faults.DamageFreelistType(path))
	fdsBefore := openFDs(t)
	_, err := store.Open(ctx, "bolt://"+path)
	require.ErrorIs(t, err, ErrCorrupt)
	require.Equal(t, fdsBefore, openFDs(t), "the failed Open left a file handle open")
	db, err := bbolt.Open(path, 0o600, &bbolt.Options{Timeout: 1, ReadOnly: true})
	if err == nil {
		require.NoError(t, db.Close())
	}
	require.NotErrorIs(t, err, berrors.ErrTimeout, "the failed Open left the file locked")
	require.False(t, locked(path), "the failed Open left the file locked")
}

// openFDs counts the process's open file descriptors.
func openFDs(t *testing.T) int {
	entries, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		t.Skipf("no /proc/self/fd: %v", err)
	}
	return len(entries)
}

// TestPanickedBboltOpenReleasesTheFile: when bbolt.Open itself panics (the
// check at Open is bypassed here), openDB closes and unmaps the file, so
// that neither a handle nor the lock is left.
func TestPanickedBboltOpenReleasesTheFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "freelist.db")
	writeDamageSource(t, path)
	require.NoError(t, faults.DamageFreelistType(path))
	fdsBefore := openFDs(t)
	o := withDefaults(nil)
	_, err := openDB(path, &o)
	require.ErrorIs(t, err, ErrCorrupt, "bbolt.Open panicked and openDB turned it into an error")
	require.Equal(t, fdsBefore, openFDs(t), "a file handle is left open")
	require.False(t, locked(path), "the file is left locked")
}
