package conformance

import (
	"context"
	"math"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/mimeiapify/store"
)

// limitsCases cover values at the edges of their types: TTLs near the
// largest time.Duration and expiries past the year 2262, where a
// nanosecond count of Unix time ends.
var limitsCases = []testCase{
	{"MaxDurationTTL", testMaxDurationTTL},
	{"MaxDurationTTLInGroup", testMaxDurationTTLInGroup},
	{"TTLEndingAfter2262", testTTLEndingAfter2262},
}

// requireLongTTL checks that key's TTL reads back within a second of set
// (never above it), and never as NoExpiry or a negative duration, as
// store.Keys.TTL promises for TTLs up to the largest Duration.
func (e *env) requireLongTTL(key string, set time.Duration) {
	e.t.Helper()
	ttl, err := e.b.TTL(e.ctx, key)
	require.NoError(e.t, err, "TTL(%q)", key)
	require.Positive(e.t, ttl, "TTL(%q) of a key set with a TTL of %v: the key expires, so it is neither NoExpiry nor negative", key, set)
	require.LessOrEqual(e.t, ttl, set, "TTL(%q) is above the TTL set", key)
	require.Greater(e.t, ttl, set-time.Second, "TTL(%q) is more than a second below the TTL set", key)
}

// testMaxDurationTTL: a TTL of math.MaxInt64 nanoseconds is accepted by
// Set, SetNX and Expire and reads back as at most the largest Duration,
// never as NoExpiry or a negative duration.
func testMaxDurationTTL(t *testing.T, e *env) {
	const most = time.Duration(math.MaxInt64)
	e.set("set", "v", most)
	ok, err := e.b.SetNX(e.ctx, "setnx", "v", most)
	require.NoError(t, err)
	require.True(t, ok)
	e.rpush("expire", "v")
	e.expire("expire", most)
	for _, k := range []string{"set", "setnx", "expire"} {
		e.requireLongTTL(k, most)
	}
	require.Equal(t, "v", e.get("set"))
}

// testMaxDurationTTLInGroup: the same through Apply's SetOp and ExpireOp.
func testMaxDurationTTLInGroup(t *testing.T, e *env) {
	const most = time.Duration(math.MaxInt64)
	e.hset("{g}expire", "f", "v")
	require.NoError(t, e.b.Apply(e.ctx,
		&store.SetOp{Key: "{g}set", Value: "v", TTL: most},
		&store.ExpireOp{Key: "{g}expire", TTL: most},
	))
	e.requireLongTTL("{g}set", most)
	e.requireLongTTL("{g}expire", most)
}

// testTTLEndingAfter2262: a TTL that ends after 2262-04-11, where Unix
// time in nanoseconds overflows int64, reads back whole (250 years reads
// 250 years, not less).
func testTTLEndingAfter2262(t *testing.T, e *env) {
	const years250 = 250 * 365 * 24 * time.Hour
	require.True(t, time.Now().Add(years250).Year() > 2262, "the case assumes it runs before 2262-04-11 minus 250 years")
	e.set("set", "v", years250)
	e.rpush("expire", "v")
	e.expire("expire", years250)
	e.requireLongTTL("set", years250)
	e.requireLongTTL("expire", years250)
}

// scanLoopCases pin what a Scan does when its context is cancelled while
// the caller's loop runs.
var scanLoopCases = []testCase{
	{"ScanCancelledDuringLoopYieldsNoMoreKeys", testScanCancelledDuringLoopYieldsNoMoreKeys},
}

// testScanCancelledDuringLoopYieldsNoMoreKeys: once the context of a
// Scan is cancelled in the loop body, the next yield is one error that
// wraps context.Canceled and the scan ends: no key already read in
// advance is yielded after the cancel.
func testScanCancelledDuringLoopYieldsNoMoreKeys(t *testing.T, e *env) {
	e.setMany(numberedKeys("key:", 300))
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var keys int
	var errs []error
	for k, err := range e.b.Scan(ctx, "*") {
		if err != nil {
			errs = append(errs, err)
			continue
		}
		require.Empty(t, errs, "Scan yielded key %q after an error", k)
		keys++
		cancel()
	}
	require.Equal(t, 1, keys, "Scan yielded keys after its context was cancelled in the loop")
	require.Len(t, errs, 1, "Scan must end with one error after its context was cancelled")
	require.ErrorIs(t, errs[0], context.Canceled)
}
