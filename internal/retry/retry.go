// Package retry paces the attempts of optimistic transactions, so that
// clients whose WATCHed keys keep changing spread out instead of retrying
// in lockstep with the writers that abort them.
package retry

import (
	"context"
	"math/rand/v2"
	"time"
)

// Bounds of the wait before a new attempt: the first waits up to
// FirstWait, each further one up to twice as long, at most MaxWait.
const (
	FirstWait = 50 * time.Microsecond
	MaxWait   = 10 * time.Millisecond
)

// Wait returns the longest wait before the attempt that follows failed
// attempt n (from 1).
func Wait(n int) time.Duration {
	return min(FirstWait<<min(max(n-1, 0), 10), MaxWait)
}

// AfterConflict waits a random time up to Wait(n) after failed attempt n
// (from 1), or until ctx is done, and returns ctx's error in that case.
func AfterConflict(ctx context.Context, n int) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	d := rand.N(Wait(n) + 1)
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
