package bolt

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// tinyDisk mounts a 512 KiB tmpfs for the test, or skips when the test
// cannot mount one (it needs root).
func tinyDisk(t *testing.T) string {
	dir := filepath.Join(t.TempDir(), "tiny")
	require.NoError(t, os.Mkdir(dir, 0o700))
	if out, err := exec.Command("mount", "-t", "tmpfs", "-o", "size=512k", "tmpfs", dir).CombinedOutput(); err != nil {
		t.Skipf("cannot mount a tmpfs to fill (needs root): %v %s", err, out)
	}
	t.Cleanup(func() {
		if out, err := exec.Command("umount", dir).CombinedOutput(); err != nil {
			t.Errorf("umount %s: %v %s", dir, err, out)
		}
	})
	return dir
}

// TestFullDiskErrorsNameTheCall fills a tiny disk: the write that does
// not fit fails with an error that names it ("bolt: set \"key\": ..."),
// and what was written before still reads back.
func TestFullDiskErrorsNameTheCall(t *testing.T) {
	b, err := Open(filepath.Join(tinyDisk(t), "full.db"), &Options{SweepInterval: -1})
	require.NoError(t, err)
	defer func() { _ = b.Close() }()
	value := strings.Repeat("x", 16<<10)
	var failed string
	var werr error
	for i := range 1000 {
		key := fmt.Sprintf("key-%d", i)
		if werr = b.Set(ctx, key, value, 0); werr != nil {
			failed = key
			break
		}
	}
	require.Error(t, werr, "a 512 KiB disk must fill up")
	t.Logf("the full disk answered: %v", werr)
	require.True(t, strings.HasPrefix(werr.Error(), fmt.Sprintf("bolt: set %q: ", failed)), "error %q does not name the call", werr)
	got, err := b.Get(ctx, "key-0")
	require.NoError(t, err)
	require.Equal(t, value, got)
}
