package redisrules

import "strings"

// Match reports whether s matches pattern with Redis' rules: * any run of
// bytes, ? one byte, [abc] [a-z] [^a] classes, and \ to take the next byte
// literally. Like Redis it compares bytes as signed chars inside ranges
// and gives up early on hopeless backtracking, so crafted patterns cost
// time linear in the pattern times the key. As in SCAN and KEYS, the
// pattern "*" alone matches every key, the empty one included (Redis'
// matcher itself would not match "" against any pattern but "").
func Match(pattern, s string) bool {
	if pattern == "*" {
		return true
	}
	skipLonger := false
	return match(pattern, s, &skipLonger)
}

func match(p, s string, skipLonger *bool) bool {
	for len(p) > 0 && len(s) > 0 {
		switch p[0] {
		case '*':
			for len(p) > 1 && p[1] == '*' {
				p = p[1:]
			}
			if len(p) == 1 {
				return true
			}
			for len(s) > 0 {
				if match(p[1:], s, skipLonger) {
					return true
				}
				if *skipLonger {
					return false
				}
				s = s[1:]
			}
			*skipLonger = true
			return false
		case '?':
			s = s[1:]
		case '[':
			var ok bool
			p, ok = matchClass(p[1:], s[0])
			if !ok {
				return false
			}
			s = s[1:]
		case '\\':
			if len(p) >= 2 {
				p = p[1:]
			}
			if p[0] != s[0] {
				return false
			}
			s = s[1:]
		default:
			if p[0] != s[0] {
				return false
			}
			s = s[1:]
		}
		p = p[1:]
		if len(s) == 0 {
			for len(p) > 0 && p[0] == '*' {
				p = p[1:]
			}
			break
		}
	}
	return len(p) == 0 && len(s) == 0
}

// matchClass matches c against the class that starts at p (just past the
// '['). It returns the pattern left at the class' closing ']' (or at its
// last byte when the class is not closed) and whether c matched.
func matchClass(p string, c byte) (string, bool) {
	not := len(p) > 0 && p[0] == '^'
	if not {
		p = p[1:]
	}
	matched := false
	for {
		switch {
		case len(p) >= 2 && p[0] == '\\':
			p = p[1:]
			if p[0] == c {
				matched = true
			}
		case len(p) > 0 && p[0] == ']':
			return p, matched != not
		case len(p) == 0:
			// Unclosed class: Redis steps back one byte so that the
			// caller's advance ends the pattern.
			return " ", matched != not
		case len(p) >= 3 && p[1] == '-':
			lo, hi := int8(p[0]), int8(p[2])
			if lo > hi {
				lo, hi = hi, lo
			}
			if int8(c) >= lo && int8(c) <= hi {
				matched = true
			}
			p = p[2:]
		default:
			if p[0] == c {
				matched = true
			}
		}
		p = p[1:]
	}
}

// Escape returns s with every pattern metacharacter (* ? [ ] \) preceded
// by a backslash, so that Match(Escape(s), s) holds and Escape(s) matches
// nothing but s.
func Escape(s string) string {
	if !strings.ContainsAny(s, `*?[]\`) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + 8)
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '*', '?', '[', ']', '\\':
			b.WriteByte('\\')
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

// LiteralPrefix returns the bytes every key matching pattern must start
// with (the pattern up to its first metacharacter, unescaped). Backends
// with ordered keys use it to seek instead of walking everything.
func LiteralPrefix(pattern string) string {
	var b strings.Builder
	for i := 0; i < len(pattern); i++ {
		switch c := pattern[i]; c {
		case '*', '?', '[':
			return b.String()
		case '\\':
			if i+1 >= len(pattern) {
				return b.String()
			}
			i++
			b.WriteByte(pattern[i])
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}
