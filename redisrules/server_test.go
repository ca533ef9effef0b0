package redisrules

import (
	"testing"

	"github.com/stretchr/testify/require"
)

func TestServerPattern(t *testing.T) {
	for _, tt := range []struct{ pattern, want string }{
		{"a*", "a*"},
		{`caf?[é]\*`, `caf?[é]\*`},
		{"", ""},
		{"\xff*", "*"},
		{"ab\xff*", "ab*"},
		{"a\\*b\xfe", `a\*b*`},
		{"a[\xff]", "a*"},
		{"é\xc3(", "é*"},
	} {
		got := ServerPattern(tt.pattern)
		require.Equal(t, tt.want, got, "%q", tt.pattern)
		require.True(t, Match(got, LiteralPrefix(tt.pattern)) || got == tt.pattern, "%q", tt.pattern)
	}
}
