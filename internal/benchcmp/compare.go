package main

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
)

// The two builds of compare; their measurements go in the pair's
// sideRepo (new) and sideRaw (old) slots, so that the pair's ratio is
// new/old.
const (
	sideNew = sideRepo
	sideOld = sideRaw
)

// compareMain runs "compare [-rounds N] OLD NEW [flags...]": two built
// benchcmp binaries alternate round by round, each measuring the
// repository calls for one round (-repo-only -rounds 1), and the table
// gives the paired ratio new/old of each call.
func compareMain(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("benchcmp compare", flag.ContinueOnError)
	fs.SetOutput(stderr)
	rounds := fs.Int("rounds", 5, "rounds; each runs both binaries once, in alternating order")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if fs.NArg() < 2 || *rounds < 1 {
		fmt.Fprint(stderr, "usage: benchcmp compare [-rounds N] OLD NEW [flags of both runs...]\n")
		return 2
	}
	bins := [2]string{sideOld: fs.Arg(0), sideNew: fs.Arg(1)}
	pass := fs.Args()[2:]
	if len(pass) > 0 && pass[0] == "--" {
		pass = pass[1:]
	}
	dir, err := os.MkdirTemp("", "benchcmp-compare-")
	if err != nil {
		fmt.Fprintln(stderr, "benchcmp compare:", err)
		return 1
	}
	defer os.RemoveAll(dir)
	m := newMerge(*rounds)
	for r := range *rounds {
		for _, s := range compareOrder(r) {
			out := filepath.Join(dir, fmt.Sprintf("r%d-%s.json", r, s))
			if err := runBinary(ctx, bins[s], pass, r, *rounds, out); err != nil {
				fmt.Fprintln(stderr, "benchcmp compare:", err)
				return 1
			}
			rep, err := readJSON(out)
			if err != nil {
				fmt.Fprintln(stderr, "benchcmp compare:", err)
				return 1
			}
			m.add(rep, s, r)
		}
		fmt.Fprintf(stderr, "benchcmp compare: round %d/%d done\n", r+1, *rounds)
	}
	cmd := "go run ./internal/benchcmp compare " + commandLine(args)
	writeTable(stdout, cmd, [3]string{"new", "old", "new/old"}, m.pairs)
	return 0
}

// compareOrder returns the order of the two builds in round r: old
// first in even rounds, new first in odd ones.
func compareOrder(r int) [2]side {
	if r%2 == 0 {
		return [2]side{sideOld, sideNew}
	}
	return [2]side{sideNew, sideOld}
}

// runBinary runs one round of bin, writing its measurements to out.
func runBinary(ctx context.Context, bin string, pass []string, r, rounds int, out string) error {
	args := append([]string{}, pass...)
	args = append(args, "-repo-only", "-rounds", "1", "-first-round", strconv.Itoa(r),
		"-of-rounds", strconv.Itoa(rounds), "-json", out)
	var buf bytes.Buffer
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Stdout, cmd.Stderr = io.Discard, &buf
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("round %d: %s %s: %w\n%s", r, bin, commandLine(args), err, buf.Bytes())
	}
	return nil
}

// merge gathers the repository measurements of the two builds into
// pairs, in the order the first report lists them.
type merge struct {
	rounds int
	pairs  []*pair
	byKey  map[string]*pair
}

// newMerge returns an empty merge of rounds rounds.
func newMerge(rounds int) *merge { return &merge{rounds: rounds, byKey: map[string]*pair{}} }

// add records the repository measurements of rep, made by build s in
// round r.
func (m *merge) add(rep report, s side, r int) {
	for _, row := range rep.Results {
		if row.Side != sideRepo.String() || r >= m.rounds {
			continue
		}
		p := m.byKey[row.key()]
		if p == nil {
			p = &pair{Call: row.Call, Backend: row.Backend, Par: parOf(row.Mode)}
			p.NsPerOp = [2][]float64{nans(m.rounds), nans(m.rounds)}
			m.byKey[row.key()] = p
			m.pairs = append(m.pairs, p)
		}
		p.NsPerOp[s][r] = row.NsPerOp
	}
}

// parOf reverses mode.
func parOf(mode string) int {
	n, err := strconv.Atoi(mode[min(3, len(mode)):])
	if err != nil {
		return 1
	}
	return n
}
