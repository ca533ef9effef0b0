package main

import (
	"testing"
)

// TestMergePairsBuildsByRound: compare pairs the two builds' repository
// measurements of one call in one round, ignores raw twins, and its
// ratio is new/old.
func TestMergePairsBuildsByRound(t *testing.T) {
	m := newMerge(2)
	rep := func(ns float64) report {
		return report{Results: []row{
			{Call: "User.Upsert", Backend: "memory", Mode: "par64", Side: "repo", NsPerOp: ns},
			{Call: "User.Upsert", Backend: "memory", Mode: "par64", Side: "raw", NsPerOp: 1},
		}}
	}
	for r, ns := range [][2]float64{{100, 110}, {200, 180}} { // old, new
		order := compareOrder(r)
		for _, s := range order {
			v := ns[0]
			if s == sideNew {
				v = ns[1]
			}
			m.add(rep(v), s, r)
		}
	}
	if len(m.pairs) != 1 {
		t.Fatalf("%d pairs, want 1", len(m.pairs))
	}
	p := m.pairs[0]
	if p.Par != 64 || p.Call != "User.Upsert" {
		t.Errorf("pair %+v, want User.Upsert with 64 goroutines", p)
	}
	s := summarize(p.NsPerOp[sideNew], p.NsPerOp[sideOld])
	if s.Min != 0.9 || s.Max != 1.1 || s.N != 2 {
		t.Errorf("summary %+v, want ratios 1.1 and 0.9", s)
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
