package main

import (
	"bytes"
	"context"
	"os"
	"slices"
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
	if code := run(context.Background(), args, &out, &errs); code != 0 {
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

// TestPairFlags: the flags that select one pair match its call alone
// (Generic.Incr, not Generic.Incr/ttl; the dot and plus are literal).
func TestPairFlags(t *testing.T) {
	got := pairFlags(row{Call: "Batch.Claim+Ack", Backend: "bolt", Mode: "par64"})
	want := []string{"-calls", `^Batch\.Claim\+Ack$`, "-backends", "bolt", "-mode", "par", "-par", "64"}
	if !slices.Equal(got, want) {
		t.Errorf("pairFlags = %q, want %q", got, want)
	}
	var out bytes.Buffer
	cfg, err := parseFlags([]string{"-backends", "memory", "-mode", "seq", "-calls", `^Generic\.Incr$`}, &out)
	if err != nil {
		t.Fatal(err)
	}
	listPairsOf(&out, cfg)
	if out.String() != "Generic.Incr\tmemory\tseq\n" {
		t.Errorf("-list wrote %q", out.String())
	}
}
