package main

import (
	"math"
	"slices"
)

// summary is the spread of a pair's ratios over the rounds.
type summary struct {
	Median, Min, Max float64
	N                int // rounds with both sides measured
}

// ratio returns repo/raw; NaN when either side is missing (not measured,
// or failed) or raw is zero.
func ratio(repo, raw float64) float64 {
	if repo <= 0 || raw <= 0 || math.IsNaN(repo) || math.IsNaN(raw) {
		return math.NaN()
	}
	return repo / raw
}

// median returns the median of xs (the mean of the two middle values
// when len(xs) is even), ignoring NaNs; NaN when none is left.
func median(xs []float64) float64 {
	v := finite(xs)
	if len(v) == 0 {
		return math.NaN()
	}
	slices.Sort(v)
	m := len(v) / 2
	if len(v)%2 == 1 {
		return v[m]
	}
	return (v[m-1] + v[m]) / 2
}

// finite returns a copy of xs without its NaNs.
func finite(xs []float64) []float64 {
	out := make([]float64, 0, len(xs))
	for _, x := range xs {
		if !math.IsNaN(x) {
			out = append(out, x)
		}
	}
	return out
}

// summarize returns the median and range of the paired ratios
// repo[i]/raw[i]: element i of both slices was measured in round i, so a
// ratio never mixes two rounds. Rounds where a side is missing are left
// out.
func summarize(repo, raw []float64) summary {
	n := min(len(repo), len(raw))
	rs := make([]float64, 0, n)
	for i := range n {
		rs = append(rs, ratio(repo[i], raw[i]))
	}
	v := finite(rs)
	if len(v) == 0 {
		return summary{Median: math.NaN(), Min: math.NaN(), Max: math.NaN()}
	}
	return summary{Median: median(v), Min: slices.Min(v), Max: slices.Max(v), N: len(v)}
}
