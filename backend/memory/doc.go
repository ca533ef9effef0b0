// Package memory is the in-process store.Backend: the reference that every
// repository test and example runs on. It answers every call exactly as a
// Redis 7 server would, passes the whole conformance suite with no skips,
// and keeps nothing across restarts.
//
// # URLs
//
// Importing the package registers the scheme "memory":
//
//	import _ "github.com/mimeiapify/store/backend/memory"
//
//	b, err := store.Open(ctx, "memory://")
//	b, err := store.Open(ctx, "memory://?shards=128&sweep=250ms")
//
// Each Open returns a new, empty Backend. The URL has no host or path. Its
// query parameters are
//
//	shards  the number of lock shards, rounded up to a power of two (default 64)
//	sweep   how often expired keys' memory is freed, a Go duration such as
//	        "500ms" (default 1s; negative turns the sweeper off)
//
// Any other parameter fails with store.ErrInvalidArgument naming it. New
// takes the same settings as Options.
//
// # Errors
//
// Failures wrap the store sentinels (store.ErrNotFound, store.ErrWrongType,
// ...) with the operation and the key, as in
// `memory: hget "user:1": store: not found`; match them with errors.Is.
//
// # Guarantees
//
// Every call is atomic: it holds the lock of the shard of its key (the
// shards of its keys, taken in ascending order, for Del, Exists, Apply and
// Update) for its whole duration. The keyspace is split into shards by a
// hash of the key, so calls on different keys rarely wait for each other;
// there is no global lock. Reads share a shard; writes have it alone.
//
// Apply runs all its checks before it writes anything, so a failed group
// writes nothing. Update is pessimistic: it locks its keys' shards while
// its function reads and until the ops it returns are written, so it never
// conflicts. Its function must not call the Backend, or it waits forever
// for a lock its own Update holds.
//
// TTLs have millisecond precision and are kept as absolute times. A key
// is invisible to every call from the moment its TTL passes: each call
// checks the expiry of what it touches. A background sweeper frees the
// memory of expired keys nobody touches; it walks one shard at a time,
// skips shards with nothing due, and stops on Close. TTL reports the time
// left rounded up to the millisecond, so a TTL read back at once is the
// one that was set.
//
// Scan never holds a lock while its loop body runs: it collects one
// shard's matching keys under that shard's read lock, releases it, then
// yields them. The loop body may therefore call the Backend, writes
// included. A key that exists and matches for the whole scan is yielded
// exactly once.
//
// A sorted set is a map from member to score and a skiplist ordered by
// (score, member), as Redis keeps one: ZAdd and ZRem cost O(log n)
// expected, ZRangeByScore O(log n + limit), ZScore and ZCard O(1). A score
// of -0 is stored as 0, as Redis stores it.
//
// Values handed out (HGetAll's map, LRange's, SMembers' and
// ZRangeByScore's slices) are copies; maps and slices passed in are not
// kept.
package memory
