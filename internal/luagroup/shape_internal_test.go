package luagroup

import (
	"strings"
	"testing"
)

// TestShapeIntChecksAreScripts: the shape scripts check an increment with
// Script's own functions, so both give the same answers.
func TestShapeIntChecksAreScripts(t *testing.T) {
	if !strings.Contains(Script, strings.TrimSpace(luaIntChecks)) {
		t.Fatal("luaIntChecks is no longer the text of Script's strict, split and overflows")
	}
}
