package main

import (
	"context"
	"fmt"
	"io"
	"math"
	"regexp"
	"runtime"
	"strconv"
	"time"
)

// config is what the flags ask for.
type config struct {
	backends   []string
	pars       []int // goroutines of each mode: 1 is sequential
	rounds     int
	d          time.Duration // time of each contender in each round
	slices     int           // the slices each round's time is cut into
	calls      *regexp.Regexp
	redisURL   string
	valkeyURL  string
	ttl        time.Duration
	repoOnly   bool // measure the repository calls only (compare mode)
	serve      bool // measure on request (compare mode)
	jsonPath   string
	cpuProfile string
}

// pair is one row of the table: a call on a backend in a mode, its two
// contenders and their ns/op per round (NaN where not measured).
type pair struct {
	Call, Backend string
	Par           int
	ops           [2]opFunc
	reset         func(context.Context) error // nil, or run after each turn
	NsPerOp       [2][]float64                // by side, then round
	Errs          []string
}

// mode names a number of goroutines: "seq" or "par64".
func mode(par int) string {
	if par <= 1 {
		return "seq"
	}
	return "par" + strconv.Itoa(par)
}

// measurer times one contender; measure in real runs, a fake in tests.
type measurer func(ctx context.Context, op opFunc, par int, d time.Duration) (result, error)

// preparePairs makes the pairs of the calls cfg selects on e, one per
// mode.
func preparePairs(ctx context.Context, e *env, cfg *config) ([]*pair, error) {
	maxPar := 1
	for _, p := range cfg.pars {
		maxPar = max(maxPar, p)
	}
	var out []*pair
	for _, c := range calls {
		if cfg.calls != nil && !cfg.calls.MatchString(c.name) {
			continue
		}
		repo, raw, err := c.prepare(ctx, e, maxPar)
		if err != nil {
			return nil, fmt.Errorf("%s on %s: prepare: %w", c.name, e.name, err)
		}
		for _, p := range cfg.pars {
			pr := &pair{Call: c.name, Backend: e.name, Par: p, ops: [2]opFunc{repo, raw}}
			if c.reset != nil {
				reset := c.reset
				pr.reset = func(ctx context.Context) error { return reset(ctx, e) }
			}
			out = append(out, pr)
		}
	}
	return out, nil
}

// runRounds runs cfg.rounds rounds of pairs in the order roundOrder
// gives, recording each side's ns/op in its round's slot, so that the
// ratio of round r pairs two runs of round r. Within a round, the two
// sides of a pair share its time in cfg.slices alternating slices (ABBA
// ABBA ...), so that a slow moment of a shared machine falls on both,
// and each side's figure for the round is the median of its slices. A
// contender that fails leaves NaN in its slot and its error in the pair.
// progress gets one line per round.
func runRounds(ctx context.Context, pairs []*pair, cfg *config, m measurer, progress io.Writer) {
	for _, p := range pairs {
		for s := range p.NsPerOp {
			p.NsPerOp[s] = nans(cfg.rounds)
		}
	}
	for r := range cfg.rounds {
		start := time.Now()
		order := roundOrder(r, cfg.rounds, len(pairs))
		for i := 0; i+1 < len(order); i += 2 {
			p := pairs[order[i].Pair]
			sides := [2]side{order[i].Side, order[i+1].Side}
			runPair(ctx, p, sides, r, cfg, m)
			if p.reset != nil {
				if err := p.reset(ctx); err != nil {
					p.Errs = append(p.Errs, fmt.Sprintf("round %d reset: %v", r, err))
				}
			}
		}
		fmt.Fprintf(progress, "benchcmp: round %d/%d done in %v\n", r+1, cfg.rounds, time.Since(start).Round(time.Millisecond))
	}
}

// runPair runs round r of p: cfg.slices slices of each side, sides[0]
// first in even slices and second in odd ones, and records each side's
// median ns/op over its slices (a stall of the machine in one slice
// does not move it). A side that fails stops and records nothing for
// the round.
func runPair(ctx context.Context, p *pair, sides [2]side, r int, cfg *config, m measurer) {
	k := max(1, cfg.slices)
	var got [2][]float64
	failed := [2]bool{}
	for j := range k {
		for _, s := range [2]side{sides[j%2], sides[1-j%2]} {
			if failed[s] || (cfg.repoOnly && s == sideRaw) {
				continue
			}
			runtime.GC()
			res, err := m(ctx, p.ops[s], p.Par, cfg.d/time.Duration(k))
			if err != nil {
				failed[s] = true
				p.Errs = append(p.Errs, fmt.Sprintf("round %d %s: %v", r, s, err))
				continue
			}
			got[s] = append(got[s], res.NsPerOp)
		}
	}
	for s := range got {
		if !failed[s] && len(got[s]) > 0 {
			p.NsPerOp[s][r] = median(got[s])
		}
	}
}

// nans returns n NaNs.
func nans(n int) []float64 {
	out := make([]float64, n)
	for i := range out {
		out[i] = math.NaN()
	}
	return out
}
