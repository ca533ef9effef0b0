package store

import (
	"context"
	"errors"
	"iter"
	"time"
)

// Sentinel errors. Backends wrap them with context (the operation and the
// key); callers match them with errors.Is.
var (
	// ErrNotFound: Get or HGet of a missing key or field, TTL of a missing key.
	ErrNotFound = errors.New("store: not found")
	// ErrWrongType: an operation on a key that holds another type, as
	// Redis' WRONGTYPE.
	ErrWrongType = errors.New("store: operation against a key holding the wrong kind of value")
	// ErrNotInteger: an integer increment of a value that is not a base-10
	// signed 64-bit integer in Redis' strict form ("12", "-3"; not "+1",
	// " 1", "01" or "1.0").
	ErrNotInteger = errors.New("store: value is not an integer or out of range")
	// ErrNotFloat: a float increment of a value that is not a number.
	ErrNotFloat = errors.New("store: value is not a valid float")
	// ErrOverflow: an increment whose result would overflow int64, or a
	// float increment whose result would be NaN or infinite.
	ErrOverflow = errors.New("store: increment would overflow")
	// ErrInvalidArgument: a call's arguments are malformed (an empty field
	// list, a negative TTL, a malformed atomic group, ...). Nothing is
	// written.
	ErrInvalidArgument = errors.New("store: invalid argument")
	// ErrConflict: Update gave up after MaxUpdateAttempts attempts because
	// other writers kept changing its keys. Nothing of the last attempt
	// was written.
	ErrConflict = errors.New("store: too many conflicting concurrent updates")
	// ErrClosed: the backend was closed.
	ErrClosed = errors.New("store: backend is closed")
	// ErrUnsupported: a backend cannot do what an optional capability asks.
	ErrUnsupported = errors.New("store: operation not supported by this backend")
)

// NoExpiry is the TTL reported for a key that exists and has no expiry.
const NoExpiry time.Duration = -1

// MaxUpdateAttempts bounds how many times Update runs its function before
// it gives up with ErrConflict.
const MaxUpdateAttempts = 100

// Type is the kind of value a key holds.
type Type uint8

// The types a key can hold. TypeNone is the type of a missing key.
const (
	TypeNone Type = iota
	TypeString
	TypeHash
	TypeList
	TypeSet
	// TypeZSet is a sorted set (a key written by ZAdd), Redis' "zset".
	TypeZSet
)

// String returns the type's name as Redis' TYPE command spells it.
func (t Type) String() string {
	switch t {
	case TypeString:
		return "string"
	case TypeHash:
		return "hash"
	case TypeList:
		return "list"
	case TypeSet:
		return "set"
	case TypeZSet:
		return "zset"
	default:
		return "none"
	}
}

// Backend is the contract that repositories are written against. Redis is
// the reference: every backend gives the answers a Redis server gives for
// the same calls, and the conformance suite checks it.
//
// Rules that hold for every method:
//   - Keys, fields, members and values are arbitrary byte strings (NUL,
//     invalid UTF-8, glob metacharacters included); the empty string is a
//     valid key, field and value.
//   - A hash, list, set or sorted set that becomes empty is deleted with
//     its TTL.
//   - A typed operation on a key holding another type fails with
//     ErrWrongType and changes nothing.
//   - A key whose TTL has passed is invisible to every call from that
//     moment on, whether or not its memory was reclaimed yet.
//   - TTLs have millisecond precision. A positive TTL below one
//     millisecond is rounded up to one millisecond; a negative one fails
//     with ErrInvalidArgument. Where a TTL is optional, zero means none.
//   - A call whose context is done fails with an error that wraps
//     ctx.Err() and writes nothing.
//   - After Close every call fails with ErrClosed.
//   - Checks come in this order, before anything is written: closed
//     (ErrClosed), then the context (ctx.Err()), then the arguments
//     (ErrInvalidArgument, ErrNotFloat); a nil Update function is an
//     ErrInvalidArgument.
//
// Implementations are safe for concurrent use.
//
// A new method (or a new Op) touches more than this file: every backend,
// the prefix decorator, the conformance suite and its ctxCalls table,
// internal/difftest, and the counting wrappers of the repos tests.
// CONTRIBUTING.md lists each file and which test catches a miss that the
// compiler cannot (a wrapper that embeds Backend, a type switch over Op).
type Backend interface {
	Keys
	Strings
	Hashes
	Lists
	Sets
	SortedSets
	Atomic
	// Close releases the backend's resources and stops its background
	// work; no goroutine of the backend outlives it. Calls after Close
	// fail with ErrClosed; Close itself may be called more than once.
	Close() error
}

// Keys are the operations that apply to a key of any type.
type Keys interface {
	// Exists reports how many of keys exist (a key named twice counts
	// twice, as in Redis).
	Exists(ctx context.Context, keys ...string) (int64, error)
	// Del deletes keys and reports how many existed.
	Del(ctx context.Context, keys ...string) (int64, error)
	// Expire sets key's TTL and reports whether the key exists. ttl must
	// be positive (ErrInvalidArgument otherwise).
	Expire(ctx context.Context, key string, ttl time.Duration) (bool, error)
	// Persist removes key's TTL and reports whether there was one to
	// remove.
	Persist(ctx context.Context, key string) (bool, error)
	// TTL returns key's remaining time to live, NoExpiry when it has
	// none, and ErrNotFound when the key does not exist. Every positive
	// TTL up to the largest Duration (math.MaxInt64 ns, about 292 years)
	// is kept whole, also past 2262-04-11 where Unix nanoseconds end; the
	// value read back is clamped to the largest Duration (a TTL rounded up
	// to whole milliseconds may exceed it), so a key that expires never
	// reads as NoExpiry or as a negative duration.
	TTL(ctx context.Context, key string) (time.Duration, error)
	// Type returns the type of key's value; TypeNone when it is missing.
	// A key that holds a kind of value the contract does not know (a
	// stream or a JSON value another program wrote to a shared Redis)
	// fails with ErrWrongType naming that kind, as every typed call on
	// it does; the calls that work on any key (Exists, Del, Expire,
	// Persist, TTL, Scan, Set and SetNX, and their ops) treat it as any
	// key.
	Type(ctx context.Context, key string) (Type, error)
	// Scan yields every key matching the glob pattern, each at most once.
	// The pattern syntax is Redis': * any run of bytes, ? one byte,
	// [abc], [a-z] and [^a] classes, and \ to take the next byte
	// literally. A key that exists and matches for the whole scan is
	// yielded; one created or deleted during the scan may or may not be.
	// Scan never holds the whole keyspace locked. On failure it yields
	// one error and stops; stopping the loop early is fine. Once ctx is
	// done, even when it is cancelled in the loop body, the next yield is
	// one error wrapping ctx.Err() and the scan stops: no further keys,
	// not even those already read in advance.
	Scan(ctx context.Context, pattern string) iter.Seq2[string, error]
}

// Strings are the operations on string values.
type Strings interface {
	// Get returns key's value, ErrNotFound when it is missing.
	Get(ctx context.Context, key string) (string, error)
	// Set stores value at key, replacing a value of any type, with ttl
	// (zero: no expiry, and any previous TTL is cleared).
	Set(ctx context.Context, key, value string, ttl time.Duration) error
	// SetNX stores value only if key does not exist, and reports whether
	// it did.
	SetNX(ctx context.Context, key, value string, ttl time.Duration) (bool, error)
	// IncrBy adds delta to the integer at key (a missing key counts as
	// 0), keeps its TTL and returns the new value. ErrNotInteger when the
	// value is not an integer, ErrOverflow when the sum overflows.
	IncrBy(ctx context.Context, key string, delta int64) (int64, error)
}

// Hashes are the operations on hash values.
type Hashes interface {
	// HSet sets fields (at least one) and returns how many were new. It
	// keeps the key's TTL.
	HSet(ctx context.Context, key string, fields map[string]string) (int64, error)
	// HGet returns one field; ErrNotFound when the key or field is
	// missing.
	HGet(ctx context.Context, key, field string) (string, error)
	// HMGet returns the fields of the list that exist (at least one must
	// be named); a missing key gives an empty map.
	HMGet(ctx context.Context, key string, fields ...string) (map[string]string, error)
	// HGetAll returns every field; a missing key gives an empty map.
	HGetAll(ctx context.Context, key string) (map[string]string, error)
	// HDel deletes fields (at least one) and returns how many existed.
	HDel(ctx context.Context, key string, fields ...string) (int64, error)
	// HExists reports whether the field exists.
	HExists(ctx context.Context, key, field string) (bool, error)
	// HIncrBy adds delta to an integer field (missing counts as 0) and
	// returns the new value; ErrNotInteger or ErrOverflow as IncrBy.
	HIncrBy(ctx context.Context, key, field string, delta int64) (int64, error)
	// HIncrByFloat adds delta to a numeric field (missing counts as 0)
	// and returns the new value. The stored text is Redis': computed in
	// 80-bit extended precision and printed with at most 17 decimals,
	// trailing zeros removed ("10.6", "3", "0.3"). ErrNotFloat when the
	// field is not a number, ErrOverflow when the result is NaN or
	// infinite.
	HIncrByFloat(ctx context.Context, key, field string, delta float64) (float64, error)
	// HLen returns the number of fields; 0 for a missing key.
	HLen(ctx context.Context, key string) (int64, error)
}

// Lists are the operations on list values. Indexes count from 0 at the
// left; negative ones count from the right (-1 is the last element).
type Lists interface {
	// RPush appends values (at least one) at the right and returns the
	// new length.
	RPush(ctx context.Context, key string, values ...string) (int64, error)
	// LPush prepends values (at least one) at the left, one after the
	// other (so the last value ends up first), and returns the new length.
	LPush(ctx context.Context, key string, values ...string) (int64, error)
	// LRange returns the elements from start to stop, both included,
	// clamped to the list as Redis does; a missing key gives none.
	LRange(ctx context.Context, key string, start, stop int64) ([]string, error)
	// LTrim keeps only the elements from start to stop, both included;
	// a range that keeps nothing deletes the key.
	LTrim(ctx context.Context, key string, start, stop int64) error
	// LLen returns the length of the list; 0 for a missing key.
	LLen(ctx context.Context, key string) (int64, error)
	// LPop removes and returns up to count (at least 1) elements from
	// the left; a missing key gives none.
	LPop(ctx context.Context, key string, count int) ([]string, error)
}

// Sets are the operations on set values.
type Sets interface {
	// SAdd adds members (at least one) and returns how many were new.
	SAdd(ctx context.Context, key string, members ...string) (int64, error)
	// SRem removes members (at least one) and returns how many existed.
	SRem(ctx context.Context, key string, members ...string) (int64, error)
	// SMembers returns the members in no particular order; a missing key
	// gives none.
	SMembers(ctx context.Context, key string) ([]string, error)
	// SIsMember reports whether member is in the set.
	SIsMember(ctx context.Context, key, member string) (bool, error)
	// SCard returns the number of members; 0 for a missing key.
	SCard(ctx context.Context, key string) (int64, error)
	// SRandMember returns up to count (positive) distinct members picked
	// at random, not necessarily uniformly, in no particular order: all of
	// them when the set has count or fewer; none for a missing key. It is
	// Redis' SRANDMEMBER with a positive count: it reads count members,
	// not the whole set.
	SRandMember(ctx context.Context, key string, count int) ([]string, error)
}

// ZMember is one member of a sorted set with its score.
type ZMember struct {
	Member string
	Score  float64
}

// SortedSets are the operations on sorted-set values: members ordered by
// score, ties by member bytes (Redis' order).
type SortedSets interface {
	// ZAdd adds members (at least one) or updates their scores and
	// returns how many were new. A NaN score is ErrInvalidArgument (named).
	// A member named twice: the last score wins. It keeps the key's TTL.
	ZAdd(ctx context.Context, key string, members ...ZMember) (int64, error)
	// ZRem removes members (at least one) and returns how many existed.
	ZRem(ctx context.Context, key string, members ...string) (int64, error)
	// ZScore returns member's score; ErrNotFound when the key or the
	// member is missing.
	ZScore(ctx context.Context, key, member string) (float64, error)
	// ZCard returns the number of members; 0 for a missing key.
	ZCard(ctx context.Context, key string) (int64, error)
	// ZRangeByScore returns up to limit (positive, else
	// ErrInvalidArgument) members whose score s is min <= s <= max,
	// ascending by (score, member), with their scores; none for a missing
	// key. min and max may be ±Inf; a NaN bound is ErrInvalidArgument.
	// It reads only the members it returns (Redis' ZRANGE ... BYSCORE
	// LIMIT 0 limit), so a poll of what is due costs O(log n + limit).
	ZRangeByScore(ctx context.Context, key string, min, max float64, limit int) ([]ZMember, error)
}

// Atomic are the operations that change several things as one step.
//
// All the keys of one call must share a hash slot on a Redis Cluster: one
// key, or keys with the same {hash tag}. Backends without slots ignore
// this, but portable callers must keep to it.
type Atomic interface {
	// Apply applies ops as one atomic step: other clients see all of
	// them or none, and if any op fails nothing is written. The group is
	// first checked with CheckGroup (ErrInvalidArgument when malformed);
	// then every key's type and every increment's value is checked
	// against the state before the group (ErrWrongType, ErrNotInteger,
	// ErrOverflow). Read ops (HGetAllOp, LPopOp) see the writes before them and
	// get their results filled in.
	Apply(ctx context.Context, ops ...Op) error
	// Update is an optimistic read-modify-write. It calls fn with a
	// reader; the ops fn returns are applied as by Apply only if none of
	// keys changed since fn's first read through r (ops of an fn that
	// read nothing are applied as they are); otherwise fn runs again
	// with fresh reads, at most MaxUpdateAttempts times (then
	// ErrConflict). fn must read only through r (reads of keys not in
	// keys are not guarded), must not call the backend itself, and may
	// run more than once. An error from fn aborts Update and is returned
	// as is; returning no ops writes nothing.
	Update(ctx context.Context, keys []string, fn func(r Reader) ([]Op, error)) error
}

// Reader is the read side of Update.
type Reader interface {
	// Get is Strings.Get.
	Get(ctx context.Context, key string) (string, error)
	// HGet is Hashes.HGet.
	HGet(ctx context.Context, key, field string) (string, error)
	// HGetAll is Hashes.HGetAll.
	HGetAll(ctx context.Context, key string) (map[string]string, error)
	// LRange is Lists.LRange.
	LRange(ctx context.Context, key string, start, stop int64) ([]string, error)
	// SMembers is Sets.SMembers.
	SMembers(ctx context.Context, key string) ([]string, error)
	// ZScore is SortedSets.ZScore.
	ZScore(ctx context.Context, key, member string) (float64, error)
	// ZRangeByScore is SortedSets.ZRangeByScore.
	ZRangeByScore(ctx context.Context, key string, min, max float64, limit int) ([]ZMember, error)
	// TTL is Keys.TTL.
	TTL(ctx context.Context, key string) (time.Duration, error)
	// Type is Keys.Type.
	Type(ctx context.Context, key string) (Type, error)
}
