package redisrules

import (
	"context"
	"math/rand/v2"
	"sort"
	"testing"

	"github.com/mimeiapify/store/internal/testenv"
	"github.com/redis/go-redis/v9"
	"github.com/stretchr/testify/require"
)

func TestMatch(t *testing.T) {
	cases := []struct {
		pattern, s string
		want       bool
	}{
		{"*", "", true},
		{"*", "anything", true},
		{"**", "", false}, // only "*" alone is special-cased, as in SCAN
		{"", "", true},
		{"a*", "abc", true},
		{"a*", "ba", false},
		{"a?c", "abc", true},
		{"a?c", "ac", false},
		{"[abc]x", "bx", true},
		{"[^abc]x", "bx", false},
		{"[^abc]x", "dx", true},
		{"[a-c]", "b", true},
		{"[c-a]", "b", true}, // reversed ranges are swapped
		{"[a-c]", "d", false},
		{`\*`, "*", true},
		{`\*`, "a", false},
		{`a\?`, "a?", true},
		{`[\]]`, "]", true},
		{"[abc", "b", true}, // an unclosed class ends the pattern
		{`a\`, `a\`, true},  // a lone trailing backslash is literal
		{"prod:*", "prod2:x", false},
		{"t:a\\*:*", "t:ab:x", false},
		{"**a", "ba", true},
		{"a*b*c", "aXbYc", true},
		{"a*b*c", "aXbY", false},
	}
	for _, c := range cases {
		require.Equal(t, c.want, Match(c.pattern, c.s), "Match(%q, %q)", c.pattern, c.s)
	}
}

func TestEscapeMatchesOnlyItself(t *testing.T) {
	for _, s := range []string{"", "plain", `*?[]\`, "a*b", "t:{x}:[y]", "日本\x00\xff"} {
		require.True(t, Match(Escape(s), s), "Escape(%q)", s)
		require.False(t, Match(Escape(s), s+"x"), "Escape(%q) matched a longer key", s)
		require.Equal(t, s, LiteralPrefix(Escape(s)))
	}
}

func TestLiteralPrefix(t *testing.T) {
	require.Equal(t, "user:", LiteralPrefix("user:*"))
	require.Equal(t, "a*b", LiteralPrefix(`a\*b?`))
	require.Equal(t, "", LiteralPrefix("[ab]c"))
}

// TestMatchAgreesWithRedis compares Match with a real server's SCAN MATCH
// over random keys and patterns built from the metacharacters.
func TestMatchAgreesWithRedis(t *testing.T) {
	url := testenv.Server(t, testenv.RedisURL)
	opt, err := redis.ParseURL(url)
	require.NoError(t, err)
	opt.DisableIdentity = true
	c := redis.NewClient(opt)
	defer c.Close()
	ctx := context.Background()
	rng := rand.New(rand.NewPCG(7, 11))
	prefix := "globtest:" + randString(rng, "abcdefgh", 8) + ":"
	alphabet := []byte("ab*?[]\\^-x\xc3\xa9")
	keys := map[string]bool{}
	for len(keys) < 300 {
		keys[randString(rng, string(alphabet), 1+rng.IntN(5))] = true
	}
	for k := range keys {
		require.NoError(t, c.Set(ctx, prefix+k, "1", 0).Err())
	}
	defer func() {
		for k := range keys {
			c.Del(ctx, prefix+k)
		}
	}()
	for range 300 {
		pattern := randString(rng, string(alphabet), 1+rng.IntN(6))
		var want []string
		iter := c.Scan(ctx, 0, Escape(prefix)+pattern, 1000).Iterator()
		for iter.Next(ctx) {
			want = append(want, iter.Val()[len(prefix):])
		}
		require.NoError(t, iter.Err())
		var got []string
		for k := range keys {
			if Match(pattern, k) {
				got = append(got, k)
			}
		}
		sort.Strings(want)
		sort.Strings(got)
		want = dedupe(want)
		require.Equal(t, want, got, "pattern %q", pattern)
	}
}

func randString(rng *rand.Rand, alphabet string, n int) string {
	b := make([]byte, n)
	for i := range b {
		b[i] = alphabet[rng.IntN(len(alphabet))]
	}
	return string(b)
}

func dedupe(s []string) []string {
	out := s[:0]
	for i, v := range s {
		if i == 0 || v != s[i-1] {
			out = append(out, v)
		}
	}
	return out
}
