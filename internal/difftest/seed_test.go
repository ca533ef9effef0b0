package difftest

import (
	"testing"

	"github.com/stretchr/testify/require"
)

func TestSeedPrecedence(t *testing.T) {
	t.Setenv(SeedEnv, "42")
	s, err := resolveSeed(5)
	require.NoError(t, err)
	require.EqualValues(t, 5, s, "Options.Seed wins")
	s, err = resolveSeed(0)
	require.NoError(t, err)
	require.EqualValues(t, 42, s, "then STORE_DIFF_SEED")

	t.Setenv(SeedEnv, "")
	s, err = resolveSeed(0)
	require.NoError(t, err)
	require.NotZero(t, s, "then a random seed")
}

func TestMalformedSeedEnvFails(t *testing.T) {
	for _, v := range []string{"x", "-1", "0", "1.5"} {
		t.Setenv(SeedEnv, v)
		_, err := resolveSeed(0)
		require.Error(t, err, v)
	}
}
