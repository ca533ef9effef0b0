package testenv

import (
	"bytes"
	"io"
	"os"
	"syscall"
	"testing"
)

// CaptureStderr points file descriptor 2 at a pipe while fn runs and
// returns what was written there. It redirects the descriptor, not only
// os.Stderr, because a logger made at init (go-redis' default) holds the
// original *os.File. Tests that use it must not run in parallel.
func CaptureStderr(t testing.TB, fn func()) string {
	t.Helper()
	saved, err := syscall.Dup(2)
	if err != nil {
		t.Fatalf("dup stderr: %v", err)
	}
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatalf("pipe: %v", err)
	}
	if err := syscall.Dup3(int(w.Fd()), 2, 0); err != nil {
		t.Fatalf("redirect stderr: %v", err)
	}
	var out bytes.Buffer
	done := make(chan struct{})
	go func() { _, _ = io.Copy(&out, r); close(done) }()
	restore := func() {
		_ = syscall.Dup3(saved, 2, 0)
		_ = w.Close()
		<-done
	}
	defer func() {
		if saved >= 0 {
			restore()
			_ = syscall.Close(saved)
		}
		_ = r.Close()
	}()
	fn()
	restore()
	_ = syscall.Close(saved)
	saved = -1
	return out.String()
}
