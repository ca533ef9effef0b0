package main

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// TestMeasureCountsEveryGoroutine: ns/op is the wall time over the
// operations of all goroutines, each goroutine runs with its own g, and
// each first runs one untimed operation (i = -1).
func TestMeasureCountsEveryGoroutine(t *testing.T) {
	var mu sync.Mutex
	seen := map[int]bool{}
	var ops, warm atomic.Int64
	op := func(_ context.Context, g, i int) error {
		mu.Lock()
		seen[g] = true
		mu.Unlock()
		if i < 0 {
			warm.Add(1)
		} else {
			ops.Add(1)
		}
		time.Sleep(100 * time.Microsecond)
		return nil
	}
	res, err := measure(context.Background(), op, 4, 50*time.Millisecond)
	if err != nil {
		t.Fatal(err)
	}
	if len(seen) != 4 || warm.Load() != 4 {
		t.Errorf("goroutines seen %v, warm-up operations %d; want 4 and 4", seen, warm.Load())
	}
	if res.Ops != ops.Load() {
		t.Errorf("result counts %d operations, %d ran", res.Ops, ops.Load())
	}
	// 4 goroutines of 100 µs sleeps: about 25 µs per operation of wall
	// time; sleeps only last longer, and the run stops near its 50 ms.
	if res.NsPerOp < 20e3 || res.NsPerOp > 50e6/float64(res.Ops)*1.5 {
		t.Errorf("%v ns/op over %d operations, want at least 20000 and the wall time over the operations", res.NsPerOp, res.Ops)
	}
}

// TestMeasureStopsOnError: the first error ends the run and is returned.
func TestMeasureStopsOnError(t *testing.T) {
	boom := errors.New("boom")
	var n atomic.Int64
	op := func(_ context.Context, _, i int) error {
		if i >= 0 && n.Add(1) == 10 {
			return boom
		}
		return nil
	}
	start := time.Now()
	_, err := measure(context.Background(), op, 3, 10*time.Second)
	if !errors.Is(err, boom) {
		t.Fatalf("err = %v, want boom", err)
	}
	if time.Since(start) > 5*time.Second {
		t.Error("the run went on after the error")
	}
	_, err = measure(context.Background(), func(context.Context, int, int) error { return boom }, 1, time.Second)
	if !errors.Is(err, boom) {
		t.Errorf("an error in the warm-up gave %v, want boom", err)
	}
}
