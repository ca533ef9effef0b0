package redisrules

import (
	"math"
	"math/big"
	"strconv"
	"strings"
)

// ParseInt parses s as Redis' string2ll does: an optional '-', then
// digits without leading zeros ("0" alone is fine), within int64. It
// rejects "+1", " 1", "01", "-0", "1.0" and the empty string.
func ParseInt(s string) (int64, bool) {
	if len(s) == 0 || len(s) > 20 {
		return 0, false
	}
	if s == "0" {
		return 0, true
	}
	digits := s
	if s[0] == '-' {
		digits = s[1:]
	}
	if len(digits) == 0 || digits[0] < '1' || digits[0] > '9' {
		return 0, false
	}
	for i := 1; i < len(digits); i++ {
		if digits[i] < '0' || digits[i] > '9' {
			return 0, false
		}
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		return 0, false
	}
	return n, true
}

// AddInt returns a+b and false when the sum overflows int64.
func AddInt(a, b int64) (int64, bool) {
	sum := a + b
	if (b > 0 && sum < a) || (b < 0 && sum > a) {
		return 0, false
	}
	return sum, true
}

// FormatInt formats n as Redis replies and stores it.
func FormatInt(n int64) string { return strconv.FormatInt(n, 10) }

// extended is the precision of the x87 long double Redis computes
// HINCRBYFLOAT in: a 64-bit mantissa.
const extended = 64

// Limits of the x87 long double, as big.Float exponents (x = m * 2^exp
// with 0.5 <= m < 1): larger values overflow to infinity, smaller ones
// underflow to zero.
const (
	maxExp = 16384
	minExp = -16444
)

// ParseFloat parses s as Redis' string2ld (strtold) does for a stored
// value: decimal or hexadecimal ("0x1p3"), with optional sign and exponent,
// "inf" and "infinity" in any case; no leading space, nothing trailing, no
// NaN, and nothing that overflows or underflows a long double.
func ParseFloat(s string) (*big.Float, bool) {
	if len(s) == 0 || len(s) >= 5*1024 || strings.ContainsRune(" \t\n\v\f\r", rune(s[0])) || strings.ContainsAny(s, "_") {
		return nil, false
	}
	unsigned := strings.TrimLeft(s, "+-")
	if len(s)-len(unsigned) > 1 {
		return nil, false
	}
	switch strings.ToLower(unsigned) {
	case "inf", "infinity":
		return new(big.Float).SetInf(strings.HasPrefix(s, "-")), true
	}
	base := 10
	if strings.HasPrefix(unsigned, "0x") || strings.HasPrefix(unsigned, "0X") {
		base = 0 // big.ParseFloat reads the 0x prefix and a p exponent
	}
	f, _, err := big.ParseFloat(s, base, extended, big.ToNearestEven)
	if err != nil || !inRange(f) {
		return nil, false
	}
	return f, true
}

// inRange reports whether f is finite in a long double: zero, or neither
// overflowing nor underflowing.
func inRange(f *big.Float) bool {
	if f.IsInf() {
		return false
	}
	if f.Sign() == 0 {
		return true
	}
	exp := f.MantExp(nil)
	return exp <= maxExp && exp >= minExp
}

// IncrFloat adds delta to the stored text cur (cur == "" with !exists
// means a missing field, counted as 0) as Redis' HINCRBYFLOAT does, and
// returns the text to store and its value. errNotFloat reports a cur or
// delta that is not a number; errOverflow a NaN or infinite result.
func IncrFloat(cur string, exists bool, delta float64) (stored string, value float64, errNotFloat, errOverflow bool) {
	if math.IsNaN(delta) || math.IsInf(delta, 0) {
		return "", 0, true, false
	}
	base := new(big.Float).SetPrec(extended)
	if exists {
		f, ok := ParseFloat(cur)
		if !ok {
			return "", 0, true, false
		}
		base = f
	}
	if base.IsInf() {
		return "", 0, false, true
	}
	// The client sends delta as its shortest decimal text, which the
	// server parses into a long double: do the same.
	d, _, _ := big.ParseFloat(strconv.FormatFloat(delta, 'f', -1, 64), 10, extended, big.ToNearestEven)
	sum := new(big.Float).SetPrec(extended).SetMode(big.ToNearestEven).Add(base, d)
	if sum.Sign() != 0 && sum.MantExp(nil) > maxExp {
		return "", 0, false, true
	}
	stored = FormatFloat(sum)
	value, _ = strconv.ParseFloat(stored, 64)
	return stored, value, false, false
}

// FormatFloat prints f as Redis' ld2string in human mode: "%.17Lf" with
// trailing zeros (and a trailing '.') removed, and "-0" printed as "0".
func FormatFloat(f *big.Float) string {
	s := f.Text('f', 17)
	if strings.IndexByte(s, '.') >= 0 {
		s = strings.TrimRight(s, "0")
		s = strings.TrimSuffix(s, ".")
	}
	if s == "-0" {
		return "0"
	}
	return s
}
