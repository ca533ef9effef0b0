// Package glob forwards to the exported [redisrules] glob functions, for
// the packages that still import it. New code imports
// github.com/mimeiapify/store/redisrules.
package glob

import "github.com/mimeiapify/store/redisrules"

// Match is [redisrules.Match].
func Match(pattern, s string) bool { return redisrules.Match(pattern, s) }

// Escape is [redisrules.Escape].
func Escape(s string) string { return redisrules.Escape(s) }

// LiteralPrefix is [redisrules.LiteralPrefix].
func LiteralPrefix(pattern string) string { return redisrules.LiteralPrefix(pattern) }

// ServerPattern is [redisrules.ServerPattern].
func ServerPattern(pattern string) string { return redisrules.ServerPattern(pattern) }
