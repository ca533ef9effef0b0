package faults_test

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
	"go.etcd.io/bbolt"

	"github.com/mimeiapify/store/internal/faults"
)

// boltFile writes a small bbolt file and returns its path.
func boltFile(t *testing.T) string {
	path := filepath.Join(t.TempDir(), "f.db")
	db, err := bbolt.Open(path, 0o600, nil)
	require.NoError(t, err)
	for i := range 20 {
		require.NoError(t, db.Update(func(tx *bbolt.Tx) error {
			b, err := tx.CreateBucketIfNotExists([]byte("b"))
			if err != nil {
				return err
			}
			return b.Put([]byte{byte(i)}, bytes.Repeat([]byte{'v'}, 500))
		}))
	}
	require.NoError(t, db.Close())
	return path
}

// openBolt opens path with bbolt, turning a panic into an error.
func openBolt(path string) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = &panicError{p}
		}
	}()
	db, err := bbolt.Open(path, 0o600, &bbolt.Options{Timeout: 1})
	if err == nil {
		err = db.Close()
	}
	return err
}

type panicError struct{ v any }

func (p *panicError) Error() string { return "panic" }

func TestGarbleMetaPages(t *testing.T) {
	path := boltFile(t)
	require.NoError(t, faults.GarbleMetaPage(path, 0))
	require.NoError(t, openBolt(path), "bbolt falls back to the other meta page")
	require.NoError(t, faults.GarbleMetaPage(path, 1))
	require.Error(t, openBolt(path), "with both meta pages garbled bbolt refuses the file")
}

func TestRewriteMetaKeepsTheChecksumValid(t *testing.T) {
	path := boltFile(t)
	require.NoError(t, faults.RewriteMeta(path, 0, 16+40, 1<<20)) // the high-water mark
	require.NoError(t, faults.RewriteMeta(path, 1, 16+40, 1<<20))
	err := openBolt(path)
	var p *panicError
	require.False(t, err != nil && !errors.As(err, &p), "bbolt takes a meta page that lies but checks out: %v", err)
}

func TestDamageFreelistPanicsBbolt(t *testing.T) {
	path := boltFile(t)
	require.NoError(t, faults.DamageFreelistType(path))
	var p *panicError
	require.True(t, errors.As(openBolt(path), &p), "bbolt.Open panics on a freelist page of another type")
}

func TestFlipBytesIsReproducible(t *testing.T) {
	a, b := boltFile(t), boltFile(t)
	orig, err := os.ReadFile(a)
	require.NoError(t, err)
	require.NoError(t, faults.FlipBytes(a, 7, 5))
	require.NoError(t, faults.FlipBytes(b, 7, 5))
	da, _ := os.ReadFile(a)
	db, _ := os.ReadFile(b)
	require.Equal(t, da, db, "the same seed flips the same bytes")
	changed := 0
	for i := range orig {
		if orig[i] != da[i] {
			changed++
		}
	}
	require.True(t, changed >= 1 && changed <= 5, "%d bytes changed", changed)
}

func TestBoltDamagesCount(t *testing.T) {
	d := faults.BoltDamages(1<<18, 4096, 1, 190)
	require.GreaterOrEqual(t, len(d), 200)
	seen := map[string]bool{}
	for _, x := range d {
		require.False(t, seen[x.Name], "damage %q twice", x.Name)
		seen[x.Name] = true
	}
}
