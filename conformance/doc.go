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
// List, Set, TTL, Scan, Atomic, Concurrency, Context, Close, Errors,
// Order, Foreign, Limits), so
// that go test -run 'TestConformance/Hash' selects one group and
// -run 'TestConformance/Hash/HGetMissingField' one behaviour. Subtests run
// one after the other, never in parallel, so harnesses may share a server.
// Redis is the reference: every expectation here is what a Redis 7 server
// answers, checked against one.
//
// Multi-key atomic groups use keys that share a hash tag ({grp}a, {grp}b),
// so the suite also runs on a Redis Cluster. TTL cases use TTLs of a few
// hundred milliseconds and wait through Instance.Advance when the harness
// sets it (miniredis' FastForward), sleeping otherwise; the suite takes a
// few seconds on a real server.
//
// A harness on a slow test double can shrink the Concurrency group with
// Harness.Scale and skip, naming each and why, the cases the double gets
// wrong with Harness.Skip (miniredis parses numbers and matches glob
// patterns differently from Redis). Harnesses on real servers, and the
// in-memory backend, use neither.
//
// The Foreign group needs Instance.MakeForeignKey, which makes a key of a
// type the contract does not know (a stream) the way another program
// sharing the server would; a harness whose backend cannot hold such keys
// leaves it nil and the group is skipped as not applicable.
package conformance
