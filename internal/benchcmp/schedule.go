package main

// side is one contender of a pair: the repository call or its raw twin
// (in compare mode: the old or the new binary).
type side int

const (
	sideRepo side = iota
	sideRaw
)

// String names the side as the JSON output and the table do.
func (s side) String() string {
	if s == sideRaw {
		return "raw"
	}
	return "repo"
}

// slot is one run of a round: pair number Pair (an index into the pairs
// list), side Side.
type slot struct {
	Pair int
	Side side
}

// roundOrder returns the order in which round r (from 0) runs the two
// sides of npairs pairs. The pairs are rotated by r*step places, with
// step = max(1, npairs/rounds), so that over the rounds every pair runs
// early and late; the two sides of a pair run back to back, so that a
// pair's ratio compares two runs a few seconds apart, and which side goes
// first alternates from round to round, so that neither always gets the
// warmer or the colder moment.
func roundOrder(r, rounds, npairs int) []slot {
	if npairs == 0 {
		return nil
	}
	step := max(1, npairs/max(1, rounds))
	first, second := sideRepo, sideRaw
	if r%2 == 1 {
		first, second = sideRaw, sideRepo
	}
	out := make([]slot, 0, 2*npairs)
	for i := range npairs {
		p := (i + r*step) % npairs
		out = append(out, slot{p, first}, slot{p, second})
	}
	return out
}
