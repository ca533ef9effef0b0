package main

import (
	"math"
	"testing"
)

func TestMedian(t *testing.T) {
	nan := math.NaN()
	for _, c := range []struct {
		in   []float64
		want float64
	}{
		{[]float64{3, 1, 2}, 2},
		{[]float64{4, 1, 3, 2}, 2.5},
		{[]float64{5}, 5},
		{[]float64{nan, 7, nan, 1, 4}, 4}, // NaNs (failed rounds) are left out
	} {
		if got := median(c.in); got != c.want {
			t.Errorf("median(%v) = %v, want %v", c.in, got, c.want)
		}
	}
	if got := median([]float64{nan}); !math.IsNaN(got) {
		t.Errorf("median of no value = %v, want NaN", got)
	}
}

func TestMedianKeepsInput(t *testing.T) {
	in := []float64{3, 1, 2}
	median(in)
	if in[0] != 3 || in[1] != 1 || in[2] != 2 {
		t.Errorf("median reordered its input: %v", in)
	}
}

func TestRatio(t *testing.T) {
	if got := ratio(30, 20); got != 1.5 {
		t.Errorf("ratio(30, 20) = %v, want 1.5", got)
	}
	for _, c := range [][2]float64{{0, 1}, {1, 0}, {math.NaN(), 1}, {1, math.NaN()}, {-1, 1}} {
		if got := ratio(c[0], c[1]); !math.IsNaN(got) {
			t.Errorf("ratio(%v, %v) = %v, want NaN", c[0], c[1], got)
		}
	}
}

// TestSummarizePairsByRound: the ratios pair element i of both sides (one
// round), never the sorted sides: here each round's ratio is 0.2 or 20,
// where medians taken per side would give 20/10 = 2... or 1.
func TestSummarizePairsByRound(t *testing.T) {
	s := summarize([]float64{2, 20, 200}, []float64{10, 1, 10})
	want := summary{Median: 20, Min: 0.2, Max: 20, N: 3}
	if s != want {
		t.Errorf("summarize = %+v, want %+v", s, want)
	}
}

func TestSummarizeSkipsMissingRounds(t *testing.T) {
	nan := math.NaN()
	s := summarize([]float64{10, nan, 30, 40}, []float64{5, 5, nan, 10})
	want := summary{Median: 3, Min: 2, Max: 4, N: 2}
	if s != want {
		t.Errorf("summarize = %+v, want %+v", s, want)
	}
	s = summarize([]float64{nan}, []float64{1})
	if s.N != 0 || !math.IsNaN(s.Median) || !math.IsNaN(s.Min) || !math.IsNaN(s.Max) {
		t.Errorf("summarize of no pair = %+v, want N 0 and NaNs", s)
	}
	if got := spread(s); got != "-" {
		t.Errorf("spread of no pair = %q, want -", got)
	}
}
