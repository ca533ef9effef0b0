package main

import (
	"encoding/json"
	"fmt"
	"io"
	"math"
	"os"
	"runtime"
	"strings"
)

// report is what -json writes: every measurement of every round.
type report struct {
	Command []string `json:"command"`
	Go      string   `json:"go"`
	Results []row    `json:"results"`
}

// row is one measurement: one side of one pair in one round.
type row struct {
	Round   int     `json:"round"`
	Call    string  `json:"call"`
	Backend string  `json:"backend"`
	Mode    string  `json:"mode"`
	Side    string  `json:"side"`
	NsPerOp float64 `json:"ns_per_op"`
}

// rows flattens pairs into measurements, leaving out the missing ones.
func rows(pairs []*pair) []row {
	var out []row
	for _, p := range pairs {
		for s, xs := range p.NsPerOp {
			for r, x := range xs {
				if !math.IsNaN(x) {
					out = append(out, row{Round: r, Call: p.Call, Backend: p.Backend,
						Mode: mode(p.Par), Side: side(s).String(), NsPerOp: x})
				}
			}
		}
	}
	return out
}

// writeJSON writes the report to path.
func writeJSON(path string, args []string, pairs []*pair) error {
	b, err := json.MarshalIndent(report{Command: args, Go: runtime.Version(), Results: rows(pairs)}, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(path, append(b, '\n'), 0o644)
}

// commandLine quotes args as a shell would need them.
func commandLine(args []string) string {
	q := make([]string, len(args))
	for i, a := range args {
		if a == "" || strings.ContainsAny(a, " \t'\"$*?[]|&;<>()\\") {
			a = "'" + strings.ReplaceAll(a, "'", `'\''`) + "'"
		}
		q[i] = a
	}
	return strings.Join(q, " ")
}

// writeTable writes the command line and the Markdown table of pairs:
// the median ns/op of each side, and the median and range of the paired
// ratios. heads names the two sides' columns and the ratio.
func writeTable(w io.Writer, cmd string, heads [3]string, pairs []*pair) {
	fmt.Fprintf(w, "```\n%s\n```\n\n", cmd)
	fmt.Fprintf(w, "| call | backend | mode | %s ns/op | %s ns/op | %s median | range | rounds |\n", heads[0], heads[1], heads[2])
	fmt.Fprintln(w, "|---|---|---|---:|---:|---:|---|---:|")
	for _, p := range pairs {
		s := summarize(p.NsPerOp[sideRepo], p.NsPerOp[sideRaw])
		fmt.Fprintf(w, "| %s | %s | %s | %s | %s | %s | %s | %d |\n", p.Call, p.Backend, mode(p.Par),
			ns(median(p.NsPerOp[sideRepo])), ns(median(p.NsPerOp[sideRaw])),
			times(s.Median), spread(s), s.N)
	}
	for _, p := range pairs {
		for _, e := range p.Errs {
			fmt.Fprintf(w, "\n%s on %s %s failed: %s", p.Call, p.Backend, mode(p.Par), e)
		}
	}
	fmt.Fprintln(w)
}

// ns formats a time per operation.
func ns(x float64) string {
	if math.IsNaN(x) {
		return "-"
	}
	return fmt.Sprintf("%.0f", x)
}

// times formats a ratio.
func times(x float64) string {
	if math.IsNaN(x) {
		return "-"
	}
	return fmt.Sprintf("%.2fx", x)
}

// spread formats a ratio's range.
func spread(s summary) string {
	if s.N == 0 {
		return "-"
	}
	return fmt.Sprintf("%.2f-%.2f", s.Min, s.Max)
}
