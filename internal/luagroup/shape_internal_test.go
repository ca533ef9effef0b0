package luagroup

import (
	"strings"
	"testing"
	"time"

	"github.com/mimeiapify/store"
)

// TestShapeIntChecksAreScripts: the shape scripts check an increment with
// Script's own functions, so both give the same answers.
func TestShapeIntChecksAreScripts(t *testing.T) {
	if !strings.Contains(Script, strings.TrimSpace(luaIntChecks)) {
		t.Fatal("luaIntChecks is no longer the text of Script's strict, split and overflows")
	}
}

func BenchmarkEncodeShapeSetField(b *testing.B) {
	ops := []store.Op{&store.HSetOp{Key: "t:u:s", Fields: map[string]string{"f": "v"}}, &store.ExpireOp{Key: "t:u:s", TTL: time.Hour},
		&store.SAddOp{Key: "t:u:idx", Members: []string{"s"}}, &store.ExpireOp{Key: "t:u:idx", TTL: time.Hour, NX: true}, &store.ExpireOp{Key: "t:u:idx", TTL: time.Hour, GT: true}}
	b.ReportAllocs()
	for b.Loop() {
		checks, _ := store.CheckGroup(ops)
		_ = Choose(ops, checks)
		_, _, _, _ = EncodeShape(ops, checks)
	}
}
