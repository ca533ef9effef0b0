package difftest

import (
	"fmt"
	"math/rand/v2"
	"os"
	"strconv"
)

// SeedEnv is the environment variable that sets the seed of runs whose
// Options.Seed is zero.
const SeedEnv = "STORE_DIFF_SEED"

// resolveSeed returns seed, else the seed of SeedEnv, else a random one.
// A malformed SeedEnv is an error rather than silently random.
func resolveSeed(seed uint64) (uint64, error) {
	if seed != 0 {
		return seed, nil
	}
	if v := os.Getenv(SeedEnv); v != "" {
		s, err := strconv.ParseUint(v, 10, 64)
		if err != nil || s == 0 {
			return 0, fmt.Errorf("difftest: %s=%q is not a positive integer", SeedEnv, v)
		}
		return s, nil
	}
	for seed == 0 {
		seed = rand.Uint64()
	}
	return seed, nil
}
