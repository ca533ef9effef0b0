package testenv

// MiniredisQuirks are the conformance cases where miniredis (v2.40), not
// the backend under test, answers otherwise than Redis 7, with the reason:
// each was checked by sending the same command to both. Harnesses on
// miniredis skip them (conformance.Harness.Skip); the real-server
// harnesses run them all.
var MiniredisQuirks = map[string]string{
	"Strings/IncrByStrictIntegerForm":      `miniredis parses integers with Go's rules (INCRBY accepts "+1")`,
	"Hash/HIncrByStrictIntegerForm":        `miniredis parses integers with Go's rules (HINCRBY accepts "+1")`,
	"Hash/HIncrByOverflow":                 "miniredis HINCRBY does not check int64 overflow (it wraps)",
	"Errors/Overflow":                      "miniredis HINCRBY and HINCRBYFLOAT do not check overflow",
	"Hash/HIncrByFloatLongDoublePrecision": "miniredis computes HINCRBYFLOAT in arbitrary precision, not long double",
	"Hash/HIncrByFloatOutOfRangeValue":     `miniredis accepts floats beyond the long double range ("1e5000")`,
	"Hash/HIncrByFloatInfiniteValue":       `miniredis accepts "inf" and an infinite HINCRBYFLOAT result`,
	"Hash/HIncrByFloatHexadecimalValue":    `miniredis parses floats with Go's rules (rejects "0x10")`,
	"Scan/PatternQuirks":                   "miniredis matches SCAN patterns with Go regexps, rune by rune",
	"Scan/MalformedPatterns":               `miniredis compiles SCAN patterns to Go regexps: a trailing "\" matches nothing, and "a[^]" panics the server`,
	"Scan/BinaryKeys":                      "miniredis matches SCAN patterns with Go regexps, rune by rune",
	"ZSet/ApplyZAddOpNX":                   "miniredis ZADD NX with a member named twice keeps the last score (Redis keeps the first)",
}
