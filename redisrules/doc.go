// Package redisrules holds the Redis 7 rules that every store backend
// must reproduce byte for byte, exported for authors of their own
// backends. The conformance suite (package conformance) checks these
// rules against every backend, and the in-process backends (memory, bolt)
// and the prefix decorator use this package to follow them.
//
// # Glob patterns
//
// [Match] is Redis' stringmatchlen, the matcher behind SCAN MATCH and
// KEYS: * any run of bytes, ? one byte, [abc] [a-z] [^a] classes, \ to
// take the next byte literally, quirks included (an unclosed class, a
// trailing backslash, ranges written backwards, signed-char comparison).
// [Escape] quotes text for use inside a pattern; [LiteralPrefix] is the
// fixed start every matching key shares (an index can seek to it);
// [ServerPattern] is the pattern to send to a server that may reject
// bytes that are not UTF-8.
//
// # Numbers
//
// [ParseInt] accepts exactly what INCRBY and HINCRBY accept as a stored
// integer (no sign but '-', no leading zero, no space); [AddInt] is their
// overflow check; [FormatInt] their reply. [ParseFloat], [IncrFloat] and
// [FormatFloat] reproduce HINCRBYFLOAT and INCRBYFLOAT: 80-bit extended
// precision (x87 long double) arithmetic, and the "%.17Lf" text with
// trailing zeros removed that the server stores, so that 0.1+0.2 is
// stored as "0.3" as on Redis, not as "0.30000000000000004".
package redisrules
