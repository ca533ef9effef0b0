// Package difftest is the differential test shared by the backends: it
// runs the same seeded random sequence of store.Backend calls on a
// reference backend (the in-memory one, which agrees with Redis) and on a
// backend under test, and requires the same answer from both after every
// call, then the same contents at the end.
//
//	func TestDifferential(t *testing.T) {
//		difftest.Run(t, memory.New(nil), mine, difftest.Options{Steps: 5000})
//	}
//
// The calls cover every method of the contract: keys (including odd ones
// such as "", "*" and "\x00"), strings, hashes, lists and sets, integer
// and float increments at their edges, TTLs, Scan with glob patterns
// (malformed ones included), atomic groups (Apply) and optimistic updates
// (Update), plus malformed arguments. Errors are compared by class: the
// store sentinel each one wraps, matched with errors.Is. TTLs are compared
// within the time that passes between the two calls.
//
// Every run logs its seed. Options.Seed, or the STORE_DIFF_SEED variable
// when it is zero, replays a run: the same seed gives the same calls, and
// a run with fewer steps is a prefix of one with more.
package difftest
