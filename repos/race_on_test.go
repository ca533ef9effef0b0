//go:build race

package repos_test

// raceOn reports whether the race detector is on (tests then scale down
// on the slower backends).
const raceOn = true
