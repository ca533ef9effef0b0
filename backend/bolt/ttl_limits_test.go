package bolt

import (
	"math"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// TestMillisToDurationClamps: a TTL of math.MaxInt64 ns is stored as
// 9223372036855 ms (rounded up), one more than a Duration holds; read back
// in the same millisecond it must clamp, not wrap negative.
func TestMillisToDurationClamps(t *testing.T) {
	require.Equal(t, time.Duration(math.MaxInt64), millisToDuration(math.MaxInt64/int64(time.Millisecond)+1))
	require.Equal(t, time.Duration(math.MaxInt64), millisToDuration(math.MaxInt64))
	require.Equal(t, 1500*time.Millisecond, millisToDuration(1500))
}
