// Package redisnum forwards to the exported [redisrules] number functions,
// for the packages that still import it. New code imports
// github.com/mimeiapify/store/redisrules.
package redisnum

import (
	"math/big"

	"github.com/mimeiapify/store/redisrules"
)

// ParseInt is [redisrules.ParseInt].
func ParseInt(s string) (int64, bool) { return redisrules.ParseInt(s) }

// AddInt is [redisrules.AddInt].
func AddInt(a, b int64) (int64, bool) { return redisrules.AddInt(a, b) }

// FormatInt is [redisrules.FormatInt].
func FormatInt(n int64) string { return redisrules.FormatInt(n) }

// ParseFloat is [redisrules.ParseFloat].
func ParseFloat(s string) (*big.Float, bool) { return redisrules.ParseFloat(s) }

// IncrFloat is [redisrules.IncrFloat].
func IncrFloat(cur string, exists bool, delta float64) (stored string, value float64, errNotFloat, errOverflow bool) {
	return redisrules.IncrFloat(cur, exists, delta)
}

// FormatFloat is [redisrules.FormatFloat].
func FormatFloat(f *big.Float) string { return redisrules.FormatFloat(f) }
