package bolt

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/mimeiapify/store/conformance"
)

func TestMain(m *testing.M) {
	if path := os.Getenv(crashEnv); path != "" {
		crashChild(path)
		return
	}
	if dir := os.Getenv(damageEnv); dir != "" {
		os.Exit(damageChild(dir))
	}
	goleak.VerifyTestMain(m)
}

// newTest opens a backend on a fresh file that the test closes.
func newTest(t testing.TB, opts *Options) *Backend {
	t.Helper()
	b, err := Open(filepath.Join(t.TempDir(), "test.db"), opts)
	require.NoError(t, err)
	t.Cleanup(func() { require.NoError(t, b.Close()) })
	return b
}

func TestConformance(t *testing.T) {
	conformance.Run(t, conformance.Harness{
		New: func(t *testing.T) conformance.Instance {
			b, err := Open(filepath.Join(t.TempDir(), "conformance.db"), &Options{SweepInterval: 50 * time.Millisecond})
			require.NoError(t, err)
			t.Cleanup(func() { _ = b.Close() })
			return conformance.Instance{Backend: b}
		},
	})
}
