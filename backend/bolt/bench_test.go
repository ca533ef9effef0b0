package bolt

import (
	"fmt"
	"path/filepath"
	"runtime"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/require"
	"go.etcd.io/bbolt"
)

// The benchmarks write with fsync on (the default), on t.TempDir's disk.
// Compare BenchmarkPlainUpdate with BenchmarkSingleWriter for the cost of
// the group commit to a lone writer, and BenchmarkWriters64 with
// BenchmarkSingleWriter for what grouping gains.

// BenchmarkPlainUpdate is the baseline: one bbolt Update with one Put.
func BenchmarkPlainUpdate(b *testing.B) {
	db, err := bbolt.Open(filepath.Join(b.TempDir(), "plain.db"), 0o600, nil)
	require.NoError(b, err)
	defer db.Close()
	require.NoError(b, db.Update(func(tx *bbolt.Tx) error {
		_, err := tx.CreateBucket(bucketMeta)
		return err
	}))
	for i := 0; b.Loop(); i++ {
		err := db.Update(func(tx *bbolt.Tx) error {
			return tx.Bucket(bucketMeta).Put([]byte(fmt.Sprint("k", i)), []byte("value"))
		})
		require.NoError(b, err)
	}
	reportRate(b, "writes/s")
}

// BenchmarkSingleWriter is one goroutine calling Set.
func BenchmarkSingleWriter(b *testing.B) {
	be := newTest(b, &Options{SweepInterval: -1})
	for i := 0; b.Loop(); i++ {
		require.NoError(b, be.Set(ctx, fmt.Sprint("k", i), "value", 0))
	}
	reportRate(b, "writes/s")
}

// BenchmarkWriters64 is 64 goroutines calling Set at once.
func BenchmarkWriters64(b *testing.B) {
	be := newTest(b, &Options{SweepInterval: -1})
	b.SetParallelism((64 + runtime.GOMAXPROCS(0) - 1) / runtime.GOMAXPROCS(0))
	var seq atomic.Int64
	before := be.commits.Load()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if err := be.Set(ctx, fmt.Sprint("k", seq.Add(1)), "value", 0); err != nil {
				b.Error(err)
				return
			}
		}
	})
	reportRate(b, "writes/s")
	b.ReportMetric(float64(b.N)/float64(be.commits.Load()-before), "writes/commit")
}

// BenchmarkGet reads one string key.
func BenchmarkGet(b *testing.B) {
	be := newTest(b, &Options{SweepInterval: -1})
	require.NoError(b, be.Set(ctx, "k", "value", 0))
	for b.Loop() {
		if _, err := be.Get(ctx, "k"); err != nil {
			b.Fatal(err)
		}
	}
	reportRate(b, "reads/s")
}

func reportRate(b *testing.B, unit string) {
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), unit)
}
