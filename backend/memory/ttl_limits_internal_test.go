package memory

import (
	"math"
	"testing"
	"time"
)

// TestMillisToDurationClamps: a remaining TTL of more milliseconds than a
// Duration holds reads back as the largest Duration, not a wrapped one.
func TestMillisToDurationClamps(t *testing.T) {
	for ms, want := range map[int64]time.Duration{
		math.MaxInt64/int64(time.Millisecond) + 1: math.MaxInt64,
		math.MaxInt64: math.MaxInt64,
		1500:          1500 * time.Millisecond,
	} {
		if got := millisToDuration(ms); got != want {
			t.Errorf("millisToDuration(%d) = %v, want %v", ms, got, want)
		}
	}
}
