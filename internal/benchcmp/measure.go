package main

import (
	"context"
	"sync"
	"sync/atomic"
	"time"
)

// opFunc is one operation of a contender: goroutine g (0 when
// sequential) runs its i-th operation (from 0).
type opFunc func(ctx context.Context, g, i int) error

// result is one timed run of one contender.
type result struct {
	NsPerOp float64 // wall time divided by operations (all goroutines)
	Ops     int64
}

// measure runs op for about d with par goroutines (1: sequential) and
// returns the wall time per operation over all goroutines, as
// testing.B.RunParallel reports it. Each goroutine first runs one
// untimed operation (connections, caches); then the clock runs. Time is
// read after chunks of operations sized to about d/50, so that reading
// the clock costs nothing measurable. The first error stops the run.
func measure(ctx context.Context, op opFunc, par int, d time.Duration) (result, error) {
	par = max(1, par)
	if err := warm(ctx, op, par); err != nil {
		return result{}, err
	}
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	var total atomic.Int64
	var wg sync.WaitGroup
	start := time.Now()
	deadline := start.Add(d)
	for g := range par {
		wg.Go(func() {
			n, err := loop(ctx, op, g, 1, deadline)
			total.Add(n)
			if err != nil {
				cancel(err)
			}
		})
	}
	wg.Wait()
	elapsed := time.Since(start)
	if err := context.Cause(ctx); err != nil {
		return result{}, err
	}
	n := total.Load()
	if n == 0 {
		return result{}, context.DeadlineExceeded
	}
	return result{NsPerOp: float64(elapsed.Nanoseconds()) / float64(n), Ops: n}, nil
}

// warm runs one untimed operation per goroutine, all at once.
func warm(ctx context.Context, op opFunc, par int) error {
	errs := make([]error, par)
	var wg sync.WaitGroup
	for g := range par {
		wg.Go(func() { errs[g] = op(ctx, g, -1) })
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

// loop runs op as goroutine g until deadline, in chunks of operations
// between two clock reads, starting with chunk; it returns how many
// operations it ran.
func loop(ctx context.Context, op opFunc, g, chunk int, deadline time.Time) (int64, error) {
	var done int64
	start := time.Now()
	target := time.Until(deadline) / 50
	for {
		for range chunk {
			if err := op(ctx, g, int(done)); err != nil {
				return done, err
			}
			done++
		}
		now := time.Now()
		if !now.Before(deadline) || ctx.Err() != nil {
			return done, nil
		}
		per := now.Sub(start) / time.Duration(done)
		chunk = int(min(max(target/max(per, 1), 1), 1<<16))
	}
}
