package main

import (
	"context"
	"fmt"
	"io"
	"math"
	"regexp"
	"strconv"
	"time"
)

// config is what the flags ask for.
type config struct {
	backends   []string
	pars       []int // goroutines of each mode: 1 is sequential
	rounds     int
	firstRound int // number of the first round (compare runs one round per process)
	ofRounds   int // rounds of the whole comparison, for roundOrder; 0: firstRound+rounds
	d          time.Duration
	calls      *regexp.Regexp
	redisURL   string
	valkeyURL  string
	ttl        time.Duration
	repoOnly   bool // measure the repository calls only (compare mode)
	jsonPath   string
}

// pair is one row of the table: a call on a backend in a mode, its two
// contenders and their ns/op per round (NaN where not measured).
type pair struct {
	Call, Backend string
	Par           int
	ops           [2]opFunc
	NsPerOp       [2][]float64 // by side, then round
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
			out = append(out, &pair{Call: c.name, Backend: e.name, Par: p, ops: [2]opFunc{repo, raw}})
		}
	}
	return out, nil
}

// runRounds runs cfg.rounds rounds of pairs in the order roundOrder
// gives, recording each side's ns/op in its round's slot, so that the
// ratio of round r pairs two runs of round r. A contender that fails
// leaves NaN in its slot and its error in the pair. progress gets one
// line per round.
func runRounds(ctx context.Context, pairs []*pair, cfg *config, m measurer, progress io.Writer) {
	total := cfg.ofRounds
	if total == 0 {
		total = cfg.firstRound + cfg.rounds
	}
	for _, p := range pairs {
		for s := range p.NsPerOp {
			p.NsPerOp[s] = nans(cfg.rounds)
		}
	}
	for r := range cfg.rounds {
		start := time.Now()
		for _, sl := range roundOrder(cfg.firstRound+r, total, len(pairs)) {
			if cfg.repoOnly && sl.Side == sideRaw {
				continue
			}
			p := pairs[sl.Pair]
			res, err := m(ctx, p.ops[sl.Side], p.Par, cfg.d)
			if err != nil {
				p.Errs = append(p.Errs, fmt.Sprintf("round %d %s: %v", cfg.firstRound+r, sl.Side, err))
				continue
			}
			p.NsPerOp[sl.Side][r] = res.NsPerOp
		}
		fmt.Fprintf(progress, "benchcmp: round %d/%d done in %v\n", r+1, cfg.rounds, time.Since(start).Round(time.Millisecond))
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
