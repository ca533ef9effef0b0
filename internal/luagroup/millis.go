package luagroup

import (
	"math"
	"time"

	"github.com/mimeiapify/store"
)

// MaxMillis is the largest millisecond count sent as a TTL: the largest
// whole number of milliseconds that fits a time.Duration. A TTL of
// math.MaxInt64 ns rounds up to one millisecond more, which PTTL would
// then read back as a duration that overflows (NoExpiry on Redis), and
// which miniredis turns into a negative expiry (the key is gone at once).
const MaxMillis = math.MaxInt64 / int64(time.Millisecond)

// Millis is store.TTLMillis with the result capped at MaxMillis: a TTL
// within a millisecond of the largest Duration is sent 1 ms shorter.
func Millis(ttl time.Duration) (int64, error) {
	ms, err := store.TTLMillis(ttl)
	return min(ms, MaxMillis), err
}

// Duration is a PTTL reply in milliseconds as a time.Duration, capped at
// the largest Duration (a TTL written by another client may exceed it).
func Duration(ms int64) time.Duration {
	if ms > MaxMillis {
		return math.MaxInt64
	}
	return time.Duration(ms) * time.Millisecond
}
