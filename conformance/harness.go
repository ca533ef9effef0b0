package conformance

import (
	"testing"
	"time"

	"github.com/mimeiapify/store"
)

// Harness tells the suite how to make backends of one kind.
type Harness struct {
	// New returns a fresh, empty backend for one subtest. The suite closes
	// it when the subtest ends, after the cleanups New registers with t
	// have run (so those may still use it). The Close group closes the
	// backend itself, so such cleanups must cope with ErrClosed.
	New func(t *testing.T) Instance
	// Scale multiplies the number of calls each goroutine of the
	// Concurrency group makes (the number of goroutines stays), for
	// backends whose every call is slow, such as miniredis. Zero or less
	// means 1, the full size; a scaled count never drops below one. The
	// in-memory backend runs at the full size.
	Scale float64
	// Skip names cases, as "Group/Case" (say "Scan/PatternQuirks"), that
	// the harness cannot pass because of a test double it runs on rather
	// than the backend: miniredis, for one, matches glob patterns with Go
	// regular expressions. The value is the reason, reported by t.Skip.
	// Naming a case that does not exist fails the suite. Harnesses on
	// real servers, and the in-memory backend, skip nothing.
	Skip map[string]string
}

// scaled returns n scaled by h.Scale, at least 1.
func (h Harness) scaled(n int) int {
	if h.Scale <= 0 {
		return n
	}
	return max(1, int(float64(n)*h.Scale))
}

// Instance is one backend made by Harness.New.
type Instance struct {
	// Backend is the backend under test.
	Backend store.Backend
	// Advance moves the backend's clock forward by d, for backends whose
	// TTLs do not pass on their own (miniredis' FastForward). Nil means
	// the clock is real and the suite sleeps instead.
	Advance func(d time.Duration)
	// MakeForeignKey, optional, makes key hold a value of a type the
	// contract does not know (a stream, with a raw command), as
	// another program sharing the server would; key is as the Backend
	// names it. The Foreign group uses it; nil skips that group as not
	// applicable (backends that can only hold the contract's types).
	MakeForeignKey func(key string)
}

// wait lets d pass for the instance: advancing its clock or sleeping.
func (in Instance) wait(d time.Duration) {
	if in.Advance != nil {
		in.Advance(d)
		return
	}
	time.Sleep(d)
}
