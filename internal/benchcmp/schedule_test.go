package main

import (
	"context"
	"errors"
	"io"
	"slices"
	"strings"
	"testing"
	"time"
)

// TestRoundOrderRunsEverySideOnce: every round runs both sides of every
// pair exactly once, the two sides of a pair back to back.
func TestRoundOrderRunsEverySideOnce(t *testing.T) {
	for _, npairs := range []int{1, 2, 7, 40} {
		for r := range 6 {
			order := roundOrder(r, 6, npairs)
			if len(order) != 2*npairs {
				t.Fatalf("npairs %d round %d: %d slots, want %d", npairs, r, len(order), 2*npairs)
			}
			seen := map[slot]bool{}
			for i, s := range order {
				if seen[s] {
					t.Fatalf("npairs %d round %d: %v runs twice", npairs, r, s)
				}
				seen[s] = true
				if i%2 == 1 && (order[i-1].Pair != s.Pair || order[i-1].Side == s.Side) {
					t.Fatalf("npairs %d round %d: slots %d and %d are %v and %v, not the two sides of one pair", npairs, r, i-1, i, order[i-1], s)
				}
			}
		}
	}
}

// TestRoundOrderRotates: the first side alternates from round to round,
// and the pairs start at a different place in each round.
func TestRoundOrderRotates(t *testing.T) {
	const npairs, rounds = 10, 5
	starts := map[int]bool{}
	for r := range rounds {
		order := roundOrder(r, rounds, npairs)
		if want := side(r % 2); order[0].Side != want {
			t.Errorf("round %d starts with side %v, want %v", r, order[0].Side, want)
		}
		starts[order[0].Pair] = true
	}
	if len(starts) != rounds {
		t.Errorf("the %d rounds start with only %d different pairs: %v", rounds, len(starts), starts)
	}
	if roundOrder(0, 1, 0) != nil {
		t.Error("roundOrder of no pair is not empty")
	}
}

// TestRunRoundsPairsWithinRounds: each measurement lands in the slot of
// the round that made it, so the ratio of a round pairs two runs of that
// round. The fake measurer's time is 10*(round+1) for the repository side
// and 5*(round+1) for the raw one: every paired ratio is exactly 2, while
// a pairing across rounds would give other values.
func TestRunRoundsPairsWithinRounds(t *testing.T) {
	round := 0
	var ran side
	repo := func(context.Context, int, int) error { ran = sideRepo; return nil }
	raw := func(context.Context, int, int) error { ran = sideRaw; return nil }
	fake := func(ctx context.Context, op opFunc, _ int, _ time.Duration) (result, error) {
		_ = op(ctx, 0, 0)
		base := 5.0
		if ran == sideRepo {
			base = 10
		}
		return result{NsPerOp: base * float64(round+1), Ops: 1}, nil
	}
	pairs := []*pair{
		{Call: "a", Backend: "memory", Par: 1, ops: [2]opFunc{repo, raw}},
		{Call: "b", Backend: "memory", Par: 4, ops: [2]opFunc{repo, raw}},
	}
	cfg := &config{rounds: 4, slices: 3}
	runRounds(context.Background(), pairs, cfg, roundCounter(&round, 2*len(pairs)*cfg.slices, fake), io.Discard)
	for _, p := range pairs {
		for r := range cfg.rounds {
			if got, want := p.NsPerOp[sideRepo][r], 10*float64(r+1); got != want {
				t.Errorf("pair %s round %d: repo %v, want %v", p.Call, r, got, want)
			}
		}
		if s := summarize(p.NsPerOp[sideRepo], p.NsPerOp[sideRaw]); s.Min != 2 || s.Max != 2 || s.N != 4 {
			t.Errorf("pair %s: %+v, want every ratio 2 over 4 rounds", p.Call, s)
		}
	}
}

// TestRunRoundsRecordsFailures: a contender that fails leaves its round
// empty and its error in the pair; the other rounds still count.
func TestRunRoundsRecordsFailures(t *testing.T) {
	calls := 0
	fake := func(context.Context, opFunc, int, time.Duration) (result, error) {
		if calls++; calls == 1 {
			return result{}, errors.New("boom")
		}
		return result{NsPerOp: 1, Ops: 1}, nil
	}
	nop := func(context.Context, int, int) error { return nil }
	resets := 0
	p := &pair{Call: "a", Backend: "memory", Par: 1, ops: [2]opFunc{nop, nop},
		reset: func(context.Context) error { resets++; return nil }}
	runRounds(context.Background(), []*pair{p}, &config{rounds: 3}, fake, io.Discard)
	if resets != 3 {
		t.Errorf("%d resets, want one after each of the 3 turns", resets)
	}
	if len(p.Errs) != 1 || !strings.Contains(p.Errs[0], "boom") {
		t.Errorf("errors %q, want one naming boom", p.Errs)
	}
	if s := summarize(p.NsPerOp[sideRepo], p.NsPerOp[sideRaw]); s.N != 2 {
		t.Errorf("%d paired rounds, want 2 (round 0 failed)", s.N)
	}
}

// TestRunRoundsRepoOnly: -repo-only (compare's runs) never runs a raw
// twin.
func TestRunRoundsRepoOnly(t *testing.T) {
	rawRan := false
	repo := func(context.Context, int, int) error { return nil }
	raw := func(context.Context, int, int) error { rawRan = true; return nil }
	fake := func(ctx context.Context, op opFunc, _ int, _ time.Duration) (result, error) {
		return result{NsPerOp: 1, Ops: 1}, op(ctx, 0, 0)
	}
	p := &pair{Call: "a", Backend: "memory", Par: 1, ops: [2]opFunc{repo, raw}}
	runRounds(context.Background(), []*pair{p}, &config{rounds: 2, repoOnly: true}, fake, io.Discard)
	if rawRan || p.NsPerOp[sideRepo][1] != 1 {
		t.Errorf("raw ran: %v; repo rounds %v", rawRan, p.NsPerOp[sideRepo])
	}
}

// roundCounter wraps m, advancing *round after every perRound calls.
func roundCounter(round *int, perRound int, m measurer) measurer {
	calls := 0
	return func(ctx context.Context, op opFunc, par int, d time.Duration) (result, error) {
		res, err := m(ctx, op, par, d)
		if calls++; calls%perRound == 0 {
			*round++
		}
		return res, err
	}
}

// TestRunPairSlices: a pair's round runs its sides in ABBA slices, each
// for the round's time over the slices, and a side's ns/op is the median
// of its slices' (a stalled slice does not move it).
func TestRunPairSlices(t *testing.T) {
	var seq []side
	var ran side
	repo := func(context.Context, int, int) error { ran = sideRepo; return nil }
	raw := func(context.Context, int, int) error { ran = sideRaw; return nil }
	n := 0
	fake := func(ctx context.Context, op opFunc, _ int, d time.Duration) (result, error) {
		if d != 25*time.Millisecond {
			t.Errorf("slice of %v, want 25ms", d)
		}
		_ = op(ctx, 0, 0)
		seq = append(seq, ran)
		n++
		if ran == sideRepo && n == 1 {
			return result{NsPerOp: 1e6, Ops: 1}, nil // a stall
		}
		return result{NsPerOp: 20 + float64(n), Ops: 3}, nil
	}
	p := &pair{ops: [2]opFunc{repo, raw}, NsPerOp: [2][]float64{nans(1), nans(1)}}
	runPair(context.Background(), p, [2]side{sideRepo, sideRaw}, 0, &config{d: 100 * time.Millisecond, slices: 4}, fake)
	want := []side{sideRepo, sideRaw, sideRaw, sideRepo, sideRepo, sideRaw, sideRaw, sideRepo}
	if !slices.Equal(seq, want) {
		t.Errorf("slices ran %v, want %v", seq, want)
	}
	// repo slices are runs 1, 4, 5, 8: 1e6, 24, 25, 28; raw: 2, 3, 6, 7.
	if got, want := p.NsPerOp[sideRepo][0], (25+28)/2.0; got != want {
		t.Errorf("repo %v ns/op, want %v (the median of its slices)", got, want)
	}
	if got, want := p.NsPerOp[sideRaw][0], (23+26)/2.0; got != want {
		t.Errorf("raw %v ns/op, want %v", got, want)
	}
}
