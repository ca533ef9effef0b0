package memory_test

import (
	"context"
	"fmt"
	"runtime"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/mimeiapify/store/backend/memory"
)

// heapInUse returns the live heap after a full collection.
func heapInUse() int64 {
	runtime.GC()
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return int64(m.HeapAlloc)
}

// retainedAfterExpiry fills a backend with n keys with a short TTL, lets
// them expire, sweeps once, and returns the heap the keys took at their
// peak and the part of it still held after the sweep.
func retainedAfterExpiry(t testing.TB, n int) (peak, retained int64) {
	ctx := context.Background()
	b := memory.New(&memory.Options{SweepInterval: -1})
	defer b.Close()
	base := heapInUse()
	for i := range n {
		require.NoError(t, b.Set(ctx, fmt.Sprintf("key:%09d", i), "v", 50*time.Millisecond))
	}
	peak = heapInUse() - base
	time.Sleep(60 * time.Millisecond) // real time must pass for real TTLs
	b.SweepNow()
	require.Zero(t, b.Len())
	retained = heapInUse() - base
	runtime.KeepAlive(b)
	return peak, retained
}

func TestExpiredKeysMemoryIsGivenBack(t *testing.T) {
	peak, retained := retainedAfterExpiry(t, 200_000)
	t.Logf("peak %d B, retained %d B (%.1f%%)", peak, retained, 100*float64(retained)/float64(peak))
	require.Less(t, retained, peak/10, "after the keys expired and one sweep, under 10%% of their heap may stay")
}

func TestDeletedKeysMemoryIsGivenBack(t *testing.T) {
	ctx := context.Background()
	b := memory.New(&memory.Options{SweepInterval: -1})
	defer b.Close()
	const n = 100_000
	base := heapInUse()
	for i := range n {
		require.NoError(t, b.Set(ctx, fmt.Sprintf("key:%09d", i), "v", 0))
	}
	peak := heapInUse() - base
	for i := range n {
		_, err := b.Del(ctx, fmt.Sprintf("key:%09d", i))
		require.NoError(t, err)
	}
	b.SweepNow()
	retained := heapInUse() - base
	require.Less(t, retained, peak/10, "after the keys were deleted and one sweep, the maps' buckets must be given back")
	runtime.KeepAlive(b)
}

func TestCloseGivesMemoryBack(t *testing.T) {
	ctx := context.Background()
	b := memory.New(&memory.Options{SweepInterval: -1})
	base := heapInUse()
	for i := range 100_000 {
		require.NoError(t, b.Set(ctx, fmt.Sprintf("key:%09d", i), "v", 0))
	}
	peak := heapInUse() - base
	require.NoError(t, b.Close())
	retained := heapInUse() - base
	require.Less(t, retained, peak/10, "Close must drop the maps, not only clear them")
	runtime.KeepAlive(b)
}

// BenchmarkRetainedHeapAfterExpiry reports, for 1,000,000 keys with a
// short TTL, the share of the heap they took that is still held after they
// expired and one sweep ran. Run with:
//
//	go test -run '^$' -bench RetainedHeap -benchtime 1x ./backend/memory/
func BenchmarkRetainedHeapAfterExpiry(b *testing.B) {
	for range b.N {
		peak, retained := retainedAfterExpiry(b, 1_000_000)
		b.ReportMetric(float64(peak), "peak-B")
		b.ReportMetric(100*float64(retained)/float64(peak), "retained-%")
	}
}
