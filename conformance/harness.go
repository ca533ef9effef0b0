package conformance

import (
	"testing"
	"time"

	"github.com/mimeiapify/store"
)

// Harness tells the suite how to make backends of one kind.
type Harness struct {
	// New returns a fresh, empty backend for one subtest. The suite closes
	// it when the subtest ends; New may register more cleanups with t.
	New func(t *testing.T) Instance
}

// Instance is one backend made by Harness.New.
type Instance struct {
	// Backend is the backend under test.
	Backend store.Backend
	// Advance moves the backend's clock forward by d, for backends whose
	// TTLs do not pass on their own (miniredis' FastForward). Nil means
	// the clock is real and the suite sleeps instead.
	Advance func(d time.Duration)
}

// wait lets d pass for the instance: advancing its clock or sleeping.
func (in Instance) wait(d time.Duration) {
	if in.Advance != nil {
		in.Advance(d)
		return
	}
	time.Sleep(d)
}
