package bolt

import (
	"fmt"
	"runtime"
	"runtime/debug"
	"strings"
)

// bbolt trusts its file: on a damaged one it panics (an unknown page
// type, a freelist that is no freelist) or faults on a mapped read past
// the end of the file. Open checks the file first (checkFile), so neither
// should happen; as a last resort every call into bbolt runs with faults
// turned into panics (debug.SetPanicOnFault) and panics raised inside
// bbolt turned into errors wrapping ErrCorrupt.

// guard runs fn, which calls into bbolt, and turns a fault or a panic
// raised inside bbolt into an error wrapping ErrCorrupt. Other panics (of
// the caller's own code) go on. It must run on the goroutine that calls
// bbolt.
func guard(fn func() error) (err error) {
	defer debug.SetPanicOnFault(debug.SetPanicOnFault(true))
	defer func() {
		if p := recover(); p != nil {
			err = corruptPanic(p)
		}
	}()
	return fn()
}

// corruptPanic returns the error for a panic recovered from a call into
// bbolt, or panics again with p when it came from elsewhere. It must be
// called from the deferred function that recovered p.
func corruptPanic(p any) error {
	if d, ok := p.(damaged); ok {
		return d
	}
	if !isFault(p) && !fromBolt() {
		panic(p)
	}
	return damaged{p}
}

// damaged is the error of a panic or fault inside bbolt.
type damaged struct{ value any }

func (d damaged) Error() string { return fmt.Sprintf("%v: bbolt: %v", ErrCorrupt, d.value) }
func (d damaged) Unwrap() error { return ErrCorrupt }

// isFault reports whether p is a memory fault turned into a panic by
// debug.SetPanicOnFault.
func isFault(p any) bool {
	e, ok := p.(interface{ Addr() uintptr })
	_, isErr := p.(runtime.Error)
	return ok && isErr && e != nil
}

// fromBolt reports whether the panic being recovered was raised inside
// bbolt: whether the first frame below the runtime's panic machinery
// belongs to go.etcd.io/bbolt. It must be called, directly or not, from a
// deferred function during the panic.
func fromBolt() bool {
	pcs := make([]uintptr, 64)
	frames := runtime.CallersFrames(pcs[:runtime.Callers(2, pcs)])
	inPanic := false
	for {
		f, more := frames.Next()
		switch {
		case f.Function == "runtime.gopanic" || f.Function == "runtime.sigpanic":
			inPanic = true
		case inPanic && !strings.HasPrefix(f.Function, "runtime."):
			return strings.HasPrefix(f.Function, "go.etcd.io/bbolt")
		}
		if !more {
			return false
		}
	}
}
