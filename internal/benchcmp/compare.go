package main

import (
	"bufio"
	"bytes"
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// The two builds of compare; their measurements go in the pair's
// sideRepo (new) and sideRaw (old) slots, so that the pair's ratio is
// new/old.
const (
	sideNew = sideRepo
	sideOld = sideRaw
)

// compareConfig is what compare's own flags ask for.
type compareConfig struct {
	bins   [2]string // by side
	pass   []string  // flags given to both builds
	rounds int
	slices int
	d      time.Duration
	dir    string // where the children write their JSON
}

// compareMain runs "compare [flags] OLD NEW [flags of both builds...]":
// two built benchcmp binaries measure the repository calls alternately.
// Each round takes the pairs (call, backend, mode) in a rotated order,
// and runs each pair's two builds in ABBA slices, one process per slice
// (-repo-only -rounds 1 -slices 1, the pair alone): the two builds of a
// call are measured moments apart, never a whole run apart. The table
// gives the paired ratio new/old of each call.
func compareMain(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	cc, err := parseCompare(args, stderr)
	if err != nil {
		fmt.Fprintln(stderr, "benchcmp compare:", err)
		return 2
	}
	if cc.dir, err = os.MkdirTemp("", "benchcmp-compare-"); err != nil {
		fmt.Fprintln(stderr, "benchcmp compare:", err)
		return 1
	}
	defer os.RemoveAll(cc.dir)
	keys, err := listPairs(ctx, cc.bins[sideNew], cc.pass)
	if err != nil {
		fmt.Fprintln(stderr, "benchcmp compare:", err)
		return 1
	}
	pairs, err := comparePairs(ctx, cc, keys, stderr)
	if err != nil {
		fmt.Fprintln(stderr, "benchcmp compare:", err)
		return 1
	}
	writeTable(stdout, "go run ./internal/benchcmp compare "+commandLine(args), [3]string{"new", "old", "new/old"}, pairs)
	return 0
}

// parseCompare parses compare's flags and its two binaries.
func parseCompare(args []string, stderr io.Writer) (*compareConfig, error) {
	fs := flag.NewFlagSet("benchcmp compare", flag.ContinueOnError)
	fs.SetOutput(stderr)
	cc := &compareConfig{}
	fs.IntVar(&cc.rounds, "rounds", 5, "rounds; each measures every pair once with both builds")
	fs.IntVar(&cc.slices, "slices", 2, "ABBA slices of each pair in each round (one process each)")
	fs.DurationVar(&cc.d, "time", 300*time.Millisecond, "time of each build for each pair in each round, over its slices")
	if err := fs.Parse(args); err != nil {
		return nil, err
	}
	if fs.NArg() < 2 || cc.rounds < 1 || cc.slices < 1 || cc.d <= 0 {
		return nil, fmt.Errorf("usage: compare [-rounds N] [-slices K] [-time D] OLD NEW [flags of both builds...]")
	}
	cc.bins = [2]string{sideOld: fs.Arg(0), sideNew: fs.Arg(1)}
	cc.pass = fs.Args()[2:]
	if len(cc.pass) > 0 && cc.pass[0] == "--" {
		cc.pass = cc.pass[1:]
	}
	return cc, nil
}

// listPairs asks bin which pairs its flags select ("-list").
func listPairs(ctx context.Context, bin string, pass []string) ([]row, error) {
	var out, errs bytes.Buffer
	cmd := exec.CommandContext(ctx, bin, append(append([]string{}, pass...), "-list")...)
	cmd.Stdout, cmd.Stderr = &out, &errs
	if err := cmd.Run(); err != nil {
		return nil, fmt.Errorf("%s -list: %w\n%s", bin, err, errs.Bytes())
	}
	var keys []row
	sc := bufio.NewScanner(&out)
	for sc.Scan() {
		f := strings.Split(sc.Text(), "\t")
		if len(f) == 3 {
			keys = append(keys, row{Call: f[0], Backend: f[1], Mode: f[2], Side: sideRepo.String()})
		}
	}
	if len(keys) == 0 {
		return nil, fmt.Errorf("%s %s selects no pair", bin, commandLine(pass))
	}
	return keys, nil
}

// comparePairs runs the rounds and returns one pair per key, with the
// median of each build's slices in each round.
func comparePairs(ctx context.Context, cc *compareConfig, keys []row, progress io.Writer) ([]*pair, error) {
	pairs := make([]*pair, len(keys))
	for i, k := range keys {
		pairs[i] = &pair{Call: k.Call, Backend: k.Backend, Par: parOf(k.Mode),
			NsPerOp: [2][]float64{nans(cc.rounds), nans(cc.rounds)}}
	}
	for r := range cc.rounds {
		order := roundOrder(r, cc.rounds, len(keys))
		for i := 0; i+1 < len(order); i += 2 {
			k, p := keys[order[i].Pair], pairs[order[i].Pair]
			var got [2][]float64
			for j := range cc.slices {
				for _, s := range compareOrder(r + j) {
					ns, err := runSlice(ctx, cc, s, k, fmt.Sprintf("r%d-p%d-j%d-%s", r, order[i].Pair, j, s))
					if err != nil {
						return nil, err
					}
					got[s] = append(got[s], ns)
				}
			}
			for s := range got {
				p.NsPerOp[s][r] = median(got[s])
			}
		}
		fmt.Fprintf(progress, "benchcmp compare: round %d/%d done\n", r+1, cc.rounds)
	}
	return pairs, nil
}

// compareOrder returns the order of the two builds in slice n: old first
// when n is even, new first when it is odd (ABBA over the slices, and
// the first build alternates from round to round).
func compareOrder(n int) [2]side {
	if n%2 == 0 {
		return [2]side{sideOld, sideNew}
	}
	return [2]side{sideNew, sideOld}
}

// runSlice runs build s on pair k alone for one slice and returns its
// ns/op.
func runSlice(ctx context.Context, cc *compareConfig, s side, k row, name string) (float64, error) {
	out := filepath.Join(cc.dir, name+".json")
	args := append(append([]string{}, cc.pass...), pairFlags(k)...)
	args = append(args, "-repo-only", "-rounds", "1", "-slices", "1",
		"-time", (cc.d / time.Duration(cc.slices)).String(), "-json", out)
	var errs bytes.Buffer
	cmd := exec.CommandContext(ctx, cc.bins[s], args...)
	cmd.Stdout, cmd.Stderr = io.Discard, &errs
	if err := cmd.Run(); err != nil {
		return 0, fmt.Errorf("%s %s: %w\n%s", cc.bins[s], commandLine(args), err, errs.Bytes())
	}
	rep, err := readJSON(out)
	if err != nil {
		return 0, err
	}
	for _, x := range rep.Results {
		if x.key() == k.key() && x.Side == sideRepo.String() {
			return x.NsPerOp, nil
		}
	}
	return 0, fmt.Errorf("%s %s: no measurement of %s (did it fail?)", cc.bins[s], commandLine(args), k.key())
}

// pairFlags are the flags selecting pair k alone; given after the
// user's, they win.
func pairFlags(k row) []string {
	f := []string{"-calls", "^" + regexp.QuoteMeta(k.Call) + "$", "-backends", k.Backend}
	if par := parOf(k.Mode); par > 1 {
		return append(f, "-mode", "par", "-par", strconv.Itoa(par))
	}
	return append(f, "-mode", "seq")
}

// parOf reverses mode.
func parOf(mode string) int {
	n, err := strconv.Atoi(mode[min(3, len(mode)):])
	if err != nil {
		return 1
	}
	return n
}
