package conformance

import "testing"

// TestCaseNames checks that every behaviour has a name of its own, so
// that -run selects exactly one.
func TestCaseNames(t *testing.T) {
	total := 0
	for _, g := range groups() {
		seen := map[string]bool{}
		for _, c := range g.cases {
			if c.name == "" || seen[c.name] {
				t.Errorf("%s: case name %q is empty or repeated", g.name, c.name)
			}
			seen[c.name] = true
			if c.fn == nil {
				t.Errorf("%s/%s has no function", g.name, c.name)
			}
		}
		total += len(g.cases)
	}
	t.Logf("%d cases in %d groups", total, len(groups()))
}
