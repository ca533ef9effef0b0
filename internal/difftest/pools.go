package difftest

import (
	"math"
	"time"
)

// oddKeys are keys that hit the edges of key handling and glob matching:
// the empty key, glob metacharacters, NUL and invalid UTF-8.
var oddKeys = []string{"", "*", "?", "a", "b", "c", "[a]", "\\", "a*b", "\x00", "\xff\xfe", "k1*"}

// oddFields are hash fields beside the usual f0..f5.
var oddFields = []string{"", "f", "g", "h", "*", "\x00"}

// values are string and hash values: integers in and out of Redis'
// strict form, the int64 limits, floats in every spelling (hexadecimal,
// and beyond float64's range but within long double's) and garbage.
var values = []string{"0", "1", "-1", "-3", "12", "42", "01", "+1", " 1", "1 ", "-0", "1.5", "10.50",
	"3.0e2", "1e3", "abc", "", "\x00*[", "9223372036854775807", "-9223372036854775808",
	"9223372036854775806", "inf", "-inf", "nan", "0x10", "0x1p3", "1e5000", "1e4000", "1e-400", ".5", "5."}

// deltas are integer increments, the int64 limits included.
var deltas = []int64{0, 1, -1, 7, 1 << 62, -(1 << 62), math.MaxInt64, math.MinInt64}

// floatDeltas are float increments: small, huge, negative and denormal.
var floatDeltas = []float64{0, 1.5, -0.1, 0.1, -2.5, 3, -3, 1e-5, 1e300, 1e308, -1e308, 5e-324}

// indexes are list indexes beside the small ones, at the int64 limits.
var indexes = []int64{math.MinInt64, math.MinInt64 + 1, -1 << 40, 1 << 40, math.MaxInt64}

// popCounts are valid LPop counts, a large one included; badPopCounts
// are invalid ones.
var (
	popCounts = []int{1, 2, 3, 4, 100}
	// scores are sorted-set scores: ties, both signs, the infinities,
	// fractions and a millisecond timestamp.
	scores = []float64{math.Inf(-1), -1.5, 0, 0, 1, 1, 2, 2.5, 1e300, 1767225600000, math.Inf(1)}
	// limits are ZRangeByScore limits; badLimits must be refused.
	limits       = []int{1, 2, 3, 100}
	badLimits    = []int{-1, 0}
	badPopCounts = []int{-1, 0}
)

// badTTLs are TTLs every call must refuse where a TTL is required (zero
// included) and where it is optional (zero excluded).
var badTTLs = []time.Duration{-time.Second, -time.Millisecond, -1}

// patterns are Scan patterns: plain, every glob feature, patterns for the
// area keys (k*, h?, [hl]*), for the odd keys, and malformed ones.
var patterns = []string{"*", "", "a", "?", "??", "[a-b]", "[^a]", "[!a]*", "\\*", "*1", "k?", "k1*", "k[0-2]?",
	"h?", "[hl]*", "[^k]*", "*\x00*", "\xff*", "a\\*b", "[\\]]", "[", "\\", "a[^]", "*[*", "[z-a]*", "**1"}
