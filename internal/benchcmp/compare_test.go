package main

import (
	"bytes"
	"context"
	"os"
	"strings"
	"testing"
)

// TestCompareEndToEnd runs compare with this test binary as both builds
// (TestMain makes it the command when BENCHCMP_CHILD is set): one row per
// selected pair, a new/old ratio measured in every round.
func TestCompareEndToEnd(t *testing.T) {
	t.Setenv("BENCHCMP_CHILD", "1")
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	var out, errs bytes.Buffer
	args := []string{"compare", "-rounds", "2", "-slices", "1", "-time", "20ms", self, self,
		"-backends", "memory", "-mode", "par", "-par", "4", "-calls", "^Generic.Incr$"}
	if code := run(context.Background(), args, nil, &out, &errs); code != 0 {
		t.Fatalf("exit %d; stderr:\n%s", code, errs.String())
	}
	s := out.String()
	for _, want := range []string{"| new ns/op | old ns/op | new/old median |", "| Generic.Incr | memory | par4 |"} {
		if !strings.Contains(s, want) {
			t.Errorf("no %q in:\n%s", want, s)
		}
	}
	if strings.Count(s, "| 2 |") != 1 || strings.Contains(s, "Generic.Incr/ttl") || strings.Contains(s, "| seq |") {
		t.Errorf("want exactly the Generic.Incr row in par4, with 2 rounds:\n%s", s)
	}
}

func TestCompareOrderAlternates(t *testing.T) {
	if compareOrder(0) == compareOrder(1) || compareOrder(0) != compareOrder(2) {
		t.Errorf("orders %v %v %v do not alternate", compareOrder(0), compareOrder(1), compareOrder(2))
	}
	if parOf("seq") != 1 || parOf("par64") != 64 {
		t.Errorf("parOf(seq) = %d, parOf(par64) = %d", parOf("seq"), parOf("par64"))
	}
}

// TestServe: the measuring end of compare lists its pairs, then answers
// each request on its line, and a bad request with an error, not a stop.
func TestServe(t *testing.T) {
	var out bytes.Buffer
	cfg, err := parseFlags([]string{"-backends", "memory", "-mode", "seq", "-calls", `^(Generic\.Incr|Batch\.Enqueue)$`}, &out)
	if err != nil {
		t.Fatal(err)
	}
	in := strings.NewReader("run 0 1000000\nreset 1\nrun 2 1000\nrun 0 -5\nbogus\n")
	if err := serve(context.Background(), cfg, in, &out); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	want := []string{"pair Generic.Incr memory seq", "pair Batch.Enqueue memory seq", "ready", "ok *", "ok",
		`err no pair "2"`, `err bad duration "-5"`, `err malformed request "bogus"`}
	if len(lines) != len(want) {
		t.Fatalf("serve wrote %q, want %d lines like %q", lines, len(want), want)
	}
	for i, w := range want {
		if w == "ok *" {
			if !strings.HasPrefix(lines[i], "ok ") {
				t.Errorf("line %d: %q, want ok and a number", i, lines[i])
			}
			continue
		}
		if lines[i] != w {
			t.Errorf("line %d: %q, want %q", i, lines[i], w)
		}
	}
}
