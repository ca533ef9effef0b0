package testenv

import (
	"testing"
)

func TestStartClusterCountsCommandsPerMaster(t *testing.T) {
	c := StartCluster(t, 3)
	before, err := c.CommandCalls()
	if err != nil {
		t.Fatal(err)
	}
	for range 50 {
		if _, err := c.Nodes[1].Do("PING"); err != nil {
			t.Fatal(err)
		}
	}
	after, err := c.CommandCalls()
	if err != nil {
		t.Fatal(err)
	}
	shares := Shares(before, after)
	if shares[1] <= shares[0] || shares[1] <= shares[2] {
		t.Fatalf("node 1 ran 50 PINGs but its share is %v", shares)
	}
	if d := after[1] - before[1]; d < 50 {
		t.Fatalf("node 1 counted %d commands, want at least 50", d)
	}
}

func TestSumCalls(t *testing.T) {
	info := "# Commandstats\r\ncmdstat_get:calls=3,usec=1,usec_per_call=0.33,rejected_calls=0,failed_calls=0\r\ncmdstat_set:calls=4,usec=2\r\n"
	if got := sumCalls(info); got != 7 {
		t.Fatalf("sumCalls = %d, want 7", got)
	}
	if got := Shares([]int64{0, 0}, []int64{3, 1}); got[0] != 1.5 || got[1] != 0.5 {
		t.Fatalf("Shares = %v, want [1.5 0.5]", got)
	}
}
