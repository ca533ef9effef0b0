//go:build !unix

package bolt

// locked reports whether another process holds the file's lock; where
// flock is not available it assumes not.
func locked(string) bool { return false }
