package conformance

import (
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/require"

	"github.com/mimeiapify/store"
	"github.com/mimeiapify/store/internal/glob"
)

// scanCases cover Scan: completeness, no duplicates, and Redis' glob
// patterns.
var scanCases = []testCase{
	{"EveryKeyOnce", testScanEveryKeyOnce},
	{"EmptyStore", testScanEmptyStore},
	{"NoMatch", testScanNoMatch},
	{"PatternsAsRedis", testScanPatternsAsRedis},
	{"PatternQuirks", testScanPatternQuirks},
	{"MalformedPatterns", testScanMalformedPatterns},
	{"PrefixEndsAtDelimiter", testScanPrefixEndsAtDelimiter},
	{"EscapedKeysMatchLiterally", testScanEscapedKeysMatchLiterally},
	{"EscapedInvalidUTF8KeysMatchLiterally", testScanEscapedInvalidUTF8Keys},
	{"EveryType", testScanEveryType},
	{"EmptyKey", testScanEmptyKey},
	{"BinaryKeys", testScanBinaryKeys},
	{"StopEarly", testScanStopEarly},
	{"WhileWriting", testScanWhileWriting},
}

// numberedKeys returns n keys p0, p1, ...
func numberedKeys(p string, n int) []string {
	keys := make([]string, n)
	for i := range keys {
		keys[i] = p + strconv.Itoa(i)
	}
	return keys
}

func testScanEveryKeyOnce(t *testing.T, e *env) {
	keys := numberedKeys("key:", 1000)
	e.setMany(keys)
	require.Equal(t, sorted(keys...), e.scan("*"))
	require.Equal(t, sorted(keys...), e.scan("key:*"))
}

func testScanEmptyStore(t *testing.T, e *env) {
	require.Empty(t, e.scan("*"))
	require.Empty(t, e.scan("a*"))
}

func testScanNoMatch(t *testing.T, e *env) {
	for _, k := range numberedKeys("key:", 20) {
		e.set(k, "v", 0)
	}
	require.Empty(t, e.scan("nomatch*"))
	require.Empty(t, e.scan("key:"))
	require.Empty(t, e.scan("key:?x"))
}

// patternKeys and patternCases: the keys Scan runs over and what a Redis
// 7 server's SCAN MATCH answers for each pattern.
var patternKeys = []string{
	"a*b", "axb", `a\b`, "a[b]", "a?b", "ab", "abc", "b", "bat", "cat", "hat",
	"k0", "k3", "k5", "k9", "kx", "café", "cafe", "x:1", "x:10",
	"prod:1", "prod:2", "prod2:1", "production",
}

var patternCases = []patternCase{
	{`a\*b`, `a*b`},
	{`a?b`, `a*b a?b a\b axb`},
	{`?at`, `bat cat hat`},
	{`[bc]at`, `bat cat`},
	{`[^b]at`, `cat hat`},
	{`k[0-3]`, `k0 k3`},
	{`k[^0-3]`, `k5 k9 kx`},
	{`k[0-35-6]`, `k0 k3 k5`},
	{`x:1*`, `x:1 x:10`},
	{`x:?`, `x:1`},
	{`prod:*`, `prod:1 prod:2`},
	{`prod*`, `prod2:1 prod:1 prod:2 production`},
	{`*b`, `a*b a?b a\b ab axb b`},
	{`*a*`, `a*b a?b a[b] a\b ab abc axb bat cafe café cat hat`},
	{`a\[b\]`, `a[b]`},
	{`a[b]`, `ab`},
	{`a\\b`, `a\b`},
	{`a[*]b`, `a*b`},
	{`[a-b]*`, `a*b a?b a[b] a\b ab abc axb b bat`},
	{`abc`, `abc`},
	{`nomatch*`, ``},
}

// quirkCases are Redis' answers where its matcher differs from common
// glob or regular expression engines: it compares bytes, not runes; it
// swaps a reversed range; '!' does not negate a class; an escape outside
// a class takes any byte literally.
var quirkCases = []patternCase{
	{`caf?`, `cafe`}, // ? is one byte, and é is two
	{`caf??`, `café`},
	{`k[3-0]`, `k0 k3`},
	{`[!a]*`, `a*b a?b a[b] a\b ab abc axb`},
	{`\a\b`, `ab`},
}

// malformedKeys and malformedCases: what Redis 7 answers for patterns
// with an unclosed or empty class or a trailing backslash.
var malformedKeys = []string{"a[", "a", "ab", `a\`, "a]", "a-", "ac", "a^", "b"}

var malformedCases = []patternCase{
	{`a[`, ``},
	{`a\`, `a\`},
	{`a[b`, `ab`},
	{`a[]`, ``},
	{`a[]]`, ``},
	{`a[^]`, `a- a[ a\ a] a^ ab ac`},
	{`a[\]`, `a]`},
	{`a[-c]`, `a- ac`},
	{`a[b-`, `a- ab`},
	{`[`, ``},
	{`*[`, ``},
}

// patternCase is a pattern and the keys it matches, space-separated.
type patternCase struct{ pattern, want string }

func testScanPatternsAsRedis(t *testing.T, e *env) {
	requirePatterns(t, e, patternKeys, patternCases)
}

func testScanPatternQuirks(t *testing.T, e *env) {
	requirePatterns(t, e, patternKeys, quirkCases)
}

func testScanMalformedPatterns(t *testing.T, e *env) {
	requirePatterns(t, e, malformedKeys, malformedCases)
}

// requirePatterns stores keys and scans them with each pattern of cases.
func requirePatterns(t *testing.T, e *env, keys []string, cases []patternCase) {
	for _, k := range keys {
		e.set(k, "v", 0)
	}
	for _, c := range cases {
		var want []string
		if c.want != "" {
			want = sorted(strings.Split(c.want, " ")...)
		}
		require.Equal(t, want, nilIfEmpty(e.scan(c.pattern)), "Scan(%q)", c.pattern)
	}
}

// testScanPrefixEndsAtDelimiter: a prefix pattern ending with its
// delimiter never reaches into a neighbour's keys.
func testScanPrefixEndsAtDelimiter(t *testing.T, e *env) {
	for _, k := range []string{"prod:1", "prod:2", "prod2:1", "prod", "production", "xprod:1"} {
		e.set(k, "v", 0)
	}
	require.Equal(t, []string{"prod:1", "prod:2"}, e.scan("prod:*"))
	require.Equal(t, []string{"prod2:1"}, e.scan("prod2:*"))
}

// testScanEscapedKeysMatchLiterally: glob.Escape turns any key into a
// pattern that matches it alone, and into a prefix that matches only the
// keys that start with it.
func testScanEscapedKeysMatchLiterally(t *testing.T, e *env) {
	var keys []string
	for _, sk := range specialKeys {
		if utf8.ValidString(sk.key) {
			keys = append(keys, sk.key)
		}
	}
	requireEscapedKeys(t, e, keys)
}

// testScanEscapedInvalidUTF8Keys is testScanEscapedKeysMatchLiterally for
// keys and patterns that are not UTF-8.
func testScanEscapedInvalidUTF8Keys(t *testing.T, e *env) {
	var keys []string
	for _, sk := range specialKeys {
		if !utf8.ValidString(sk.key) {
			keys = append(keys, sk.key)
		}
	}
	requireEscapedKeys(t, e, append(keys, "\xff*", "*\xfe?", "[\xff]"))
}

// requireEscapedKeys stores keys, each also with a ":child" suffix, next
// to a few plain keys, and scans for each key and its children.
func requireEscapedKeys(t *testing.T, e *env, keys []string) {
	var all []string
	for _, k := range keys {
		all = append(all, k, k+":child")
	}
	all = append(all, "ab", "a", "axb", "a:b", "abc", "x")
	for _, k := range all {
		e.set(k, "v", 0)
	}
	for _, k := range keys {
		require.Equal(t, []string{k}, e.scan(glob.Escape(k)), "key %q", k)
		if k == "" {
			continue
		}
		var want []string
		for _, other := range all {
			if strings.HasPrefix(other, k) {
				want = append(want, other)
			}
		}
		require.Equal(t, sorted(want...), e.scan(glob.Escape(k)+"*"), "keys under %q", k)
	}
}

func testScanEveryType(t *testing.T, e *env) {
	s := e.seedTypes("t:")
	want := []string{s[store.TypeString], s[store.TypeHash], s[store.TypeList], s[store.TypeSet], s[store.TypeZSet]}
	require.Equal(t, sorted(want...), e.scan("t:*"))
}

// testScanEmptyKey: "*" matches the empty key too, and the empty
// pattern matches only it.
func testScanEmptyKey(t *testing.T, e *env) {
	e.set("", "v", 0)
	e.set("a", "v", 0)
	require.Equal(t, []string{"", "a"}, e.scan("*"))
	require.Equal(t, []string{""}, e.scan(""))
}

func testScanBinaryKeys(t *testing.T, e *env) {
	keys := []string{"a\x00b", "a\x00\x00b", "\xff\xfe", "\xff", "日本", "日本語"}
	for _, k := range keys {
		e.set(k, "v", 0)
	}
	require.Equal(t, sorted(keys...), e.scan("*"))
	require.Equal(t, []string{"a\x00b"}, e.scan("a?b"))
	require.Equal(t, []string{"\xff", "\xff\xfe"}, e.scan("\xff*"))
	require.Equal(t, []string{"日本", "日本語"}, e.scan("日本*"))
	require.Equal(t, []string{"日本語"}, e.scan("日本???"))
}

// testScanStopEarly: breaking out of the loop is fine, and the backend
// keeps working.
func testScanStopEarly(t *testing.T, e *env) {
	keys := numberedKeys("key:", 50)
	for _, k := range keys {
		e.set(k, "v", 0)
	}
	n := 0
	for _, err := range e.b.Scan(e.ctx, "*") {
		require.NoError(t, err)
		n++
		if n == 3 {
			break
		}
	}
	require.Equal(t, 3, n)
	require.Equal(t, sorted(keys...), e.scan("*"))
	e.set("after", "v", 0)
	require.Equal(t, "v", e.get("after"))
}

// testScanWhileWriting: keys created and deleted during a scan do not
// make it miss or repeat the keys that stay.
func testScanWhileWriting(t *testing.T, e *env) {
	stable := numberedKeys("stable:", 1000)
	e.setMany(stable)
	var stop atomic.Bool
	var wg sync.WaitGroup
	var writeErr error
	wg.Go(func() { writeErr = churn(e, &stop) })
	got := e.scan("*")
	stop.Store(true)
	wg.Wait()
	require.NoError(t, writeErr)
	var kept []string
	for _, k := range got {
		if strings.HasPrefix(k, "stable:") {
			kept = append(kept, k)
		}
	}
	require.Equal(t, sorted(stable...), kept)
}

// churn creates and deletes keys until stop is set.
func churn(e *env, stop *atomic.Bool) error {
	for i := 0; !stop.Load(); i++ {
		k := "churn:" + strconv.Itoa(i)
		if err := e.b.Set(e.ctx, k, "v", 0); err != nil {
			return err
		}
		if i%2 == 0 {
			if _, err := e.b.Del(e.ctx, "churn:"+strconv.Itoa(i/2)); err != nil {
				return err
			}
		}
	}
	return nil
}
