// Package conformance is the suite every store.Backend passes: ours
// (memory, bolt, redis, valkey) and any a user writes. Call Run from a
// test of the backend's package with a Harness that makes a fresh, empty
// backend per subtest:
//
//	func TestConformance(t *testing.T) {
//		conformance.Run(t, conformance.Harness{
//			New: func(t *testing.T) conformance.Instance {
//				return conformance.Instance{Backend: mybackend.New()}
//			},
//		})
//	}
//
// Each behaviour is one subtest, grouped by area (Keys, Strings, Hash,
// List, Set, TTL, Scan, Atomic, Concurrency, Context, Close, Errors), so
// that go test -run 'TestConformance/Hash' selects one group. Redis is the
// reference: every expectation here is what a Redis 7 server answers.
package conformance
