package valkey

import (
	"fmt"
	"testing"
	"time"
)

// TestDirtyKeysForgetAfterTTL: a key is dirty for the TTL after its write
// ended, then not; the marks of many keys are swept as more come, so the
// set holds about the keys written within one TTL.
func TestDirtyKeysForgetAfterTTL(t *testing.T) {
	d := newDirtyKeys(50 * time.Millisecond)
	if d.has("k") {
		t.Fatal("a key never written is dirty")
	}
	d.mark([]string{"k"})
	if !d.has("k") {
		t.Fatal("a key just written is not dirty")
	}
	for i := range 10000 {
		d.mark([]string{fmt.Sprint("old", i)})
	}
	time.Sleep(60 * time.Millisecond)
	if d.has("k") || d.has("old1") {
		t.Fatal("a key is still dirty after the TTL")
	}
	for i := range 10000 {
		d.mark([]string{fmt.Sprint("new", i)})
	}
	if n := d.count.Load(); n > 10000+10000/2 {
		t.Fatalf("%d marks held after the old ones expired: not swept", n)
	}
	if !d.has("new9999") {
		t.Fatal("a key just written is not dirty")
	}
}
