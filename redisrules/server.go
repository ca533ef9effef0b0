package redisrules

import "unicode/utf8"

// ServerPattern returns the SCAN MATCH pattern to send to a server for
// pattern: pattern itself when it is valid UTF-8; otherwise the escaped
// longest literal prefix of pattern that is valid UTF-8, then "*". Some
// servers (miniredis, which compiles patterns to Go regular expressions)
// fail on other bytes. The server's answer is then a superset of the keys
// that match pattern, so the caller must also check each key with Match.
func ServerPattern(pattern string) string {
	if utf8.ValidString(pattern) {
		return pattern
	}
	lit := LiteralPrefix(pattern)
	for i, r := range lit {
		if r == utf8.RuneError {
			lit = lit[:i]
			break
		}
	}
	return Escape(lit) + "*"
}
