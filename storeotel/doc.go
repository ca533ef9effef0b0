// Package storeotel instruments a store.Backend with OpenTelemetry: a
// decorator, in the manner of package prefix, that makes one span and one
// duration measurement per call and passes every call on unchanged (it
// passes the conformance suite exactly as the backend it wraps).
//
//	b, err := storeotel.New(inner, nil) // global providers
//
// # Spans
//
// Each call is a client span named after the operation ("store.HSet",
// "store.Apply", "store.Update", "store.Scan", "store.Ping"), child of the
// span in the call's context, with these attributes (following
// OpenTelemetry's database semantic conventions where one applies):
//
//	db.system.name           the backend: "redis", "valkey", "memory", "bolt"
//	                         (see SystemNamer), or Options.System
//	db.operation.name        the method: "HSet", "Apply", ...
//	db.operation.batch.size  Apply and Update: the number of ops (Update:
//	                         of its last attempt)
//	store.key_count          the keys the call names (Apply: one per op)
//	store.update.attempts    Update: how many times its function ran
//	store.scan.keys          Scan: the keys it yielded
//	store.keys               the keys, only with Options.RecordKeys
//	error.type               on failure, see below
//
// Keys are not recorded unless Options.RecordKeys is set: the keys of the
// repositories hold tenant and user ids.
//
// # Errors
//
// A call that fails sets the span's status to Error, records the error as
// an event and sets error.type to a low-cardinality name of its cause:
// "canceled", "deadline_exceeded", "closed", "conflict", "wrong_type",
// "not_integer", "not_float", "overflow", "invalid_argument",
// "unsupported", or "_OTHER" (a network error, say). store.ErrNotFound is
// an answer, not a failure (as a nil reply of Redis): it leaves the span
// and the metrics as a success.
//
// # Metrics
//
//	db.client.operation.duration  histogram, seconds, by db.system.name,
//	                              db.operation.name and error.type (absent
//	                              on success)
//	store.update.conflicts        counter of Update attempts that lost to a
//	                              concurrent writer and ran again, by
//	                              db.system.name
//
// # Cost
//
// Attribute sets are computed once per operation by New, so a call
// allocates only what the tracer's Start does. With the global no-op
// providers (nothing installed), BenchmarkOverhead measures the overhead
// of the decorator on the memory backend; see the package's README
// section "Observability" for the figures.
package storeotel
