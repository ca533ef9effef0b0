//go:build unix

package bolt

import (
	"os"
	"syscall"
)

// locked reports whether another process holds the bbolt lock on the file
// at path: a file that a live writer is changing can look damaged to
// checkFile, and the caller then reports the lock instead.
func locked(path string) bool {
	f, err := os.Open(path)
	if err != nil {
		return false
	}
	defer f.Close()
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_SH|syscall.LOCK_NB); err != nil {
		return true
	}
	_ = syscall.Flock(int(f.Fd()), syscall.LOCK_UN)
	return false
}
