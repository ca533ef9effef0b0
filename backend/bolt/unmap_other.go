//go:build !linux

package bolt

import "os"

// unmapFile would remove the memory maps of f that a panicked bbolt.Open
// left behind; outside Linux it cannot find them, and they stay until the
// process exits.
func unmapFile(*os.File) {}
