// Package store is the contract between the repositories of this module
// and the storage backends under them, plus the registry that opens a
// backend from a URL.
//
// A Backend offers hash, list, set and string operations, TTLs, a glob
// Scan, increments, and two atomic primitives (Apply for a group of writes
// applied all or nothing, Update for an optimistic read-modify-write).
// Redis is the reference: every backend answers exactly as a Redis 7
// server does for the same calls, and the conformance package proves it.
//
// # URLs
//
// Open picks the backend by the URL's scheme. A backend registers its
// schemes in its package's init, so import it for that side effect:
//
//	import _ "github.com/mimeiapify/store/backend/memory"
//
//	b, err := store.Open(ctx, "memory://")
//
// Schemes of this module: memory:// (in-process), bolt:// (a bbolt file),
// redis://, rediss://, redis+cluster:// (go-redis) and valkey://,
// valkeys:// (valkey-go). A user's own backend calls Register the same way.
// Every backend rejects query parameters it does not know, naming them.
//
// # Errors
//
// Backends wrap the sentinel errors with the operation and the key; match
// them with errors.Is:
//
//	ErrNotFound         Get/HGet of a missing key or field, TTL of a missing key
//	ErrWrongType        an operation on a key that holds another type
//	ErrNotInteger       an integer increment of a non-integer value
//	ErrNotFloat         a float increment of a non-number
//	ErrOverflow         an increment past int64, or to NaN/Inf
//	ErrInvalidArgument  malformed arguments; nothing is written
//	ErrConflict         Update lost to concurrent writers too many times
//	ErrClosed           a call after Close
//	ErrUnsupported      an optional capability the backend lacks
//
// A call whose context is done fails with an error that wraps ctx.Err().
//
// # Guarantees
//
// Each call is atomic. Apply is all or nothing: its checks run before any
// write. Keys of one Apply or Update must share a Redis Cluster hash slot
// (one key, or keys with the same {hash tag}); CROSSSLOT errors are thereby
// impossible. Durability is the backend's: memory keeps nothing across
// restarts, bolt fsyncs every acknowledged write, and Redis or Valkey keep
// what their persistence and replication keep (replication is asynchronous,
// so a failover can lose acknowledged writes).
package store
