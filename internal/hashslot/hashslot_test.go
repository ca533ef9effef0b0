package hashslot

import (
	"testing"

	"github.com/stretchr/testify/require"
)

// TestOf checks slots against the answers of a Redis 7 server's CLUSTER
// KEYSLOT.
func TestOf(t *testing.T) {
	for key, want := range map[string]uint16{
		"foo":                  12182,
		"bar":                  5061,
		"{user1000}.following": 3443,
		"{user1000}.followers": 3443,
		"foo{}{bar}":           8363,
		"foo{{bar}}zap":        4015,
		"foo{bar}{zap}":        5061,
		"":                     0,
		"123456789":            12739,
		"a{":                   14311,
		"}{a}":                 15495,
	} {
		require.Equal(t, want, Of(key), "%q", key)
	}
}

func TestSameAndGroup(t *testing.T) {
	require.Equal(t, -1, Same(nil))
	require.Equal(t, -1, Same([]string{"foo"}))
	require.Equal(t, -1, Same([]string{"{g}a", "{g}b", "g"}))
	require.Equal(t, 2, Same([]string{"{g}a", "{g}b", "foo"}))
	require.Equal(t, [][]string{{"foo", "foo"}, {"{g}a", "g"}, {"bar", "foo{bar}{zap}"}},
		Group([]string{"foo", "{g}a", "bar", "g", "foo", "foo{bar}{zap}"}))
	require.Nil(t, Group(nil))
}
