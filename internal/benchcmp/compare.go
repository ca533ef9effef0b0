package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os/exec"
	"slices"
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
}

// compareMain runs "compare [flags] OLD NEW [flags of both builds...]":
// both builds start once with -serve and prepare the same pairs; then
// each round takes the pairs in a rotated order and measures each pair's
// repository call with the two builds in ABBA slices, so that the two
// builds of a call are measured moments apart, in warm processes. The
// table gives the paired ratio new/old of each call.
func compareMain(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	cc, err := parseCompare(args, stderr)
	if err != nil {
		fmt.Fprintln(stderr, "benchcmp compare:", err)
		return 2
	}
	pairs, err := compareBuilds(ctx, cc, stderr)
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
	fs.IntVar(&cc.rounds, "rounds", 5, "rounds; each measures every pair with both builds")
	fs.IntVar(&cc.slices, "slices", 6, "ABBA slices of each pair in each round")
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

// compareBuilds starts both builds, runs the rounds and stops them.
func compareBuilds(ctx context.Context, cc *compareConfig, progress io.Writer) (pairs []*pair, err error) {
	var builds [2]*build
	defer func() {
		for _, b := range builds {
			if b != nil {
				err = errors.Join(err, b.stop())
			}
		}
	}()
	for _, s := range []side{sideOld, sideNew} {
		if builds[s], err = startBuild(cc.bins[s], cc.pass); err != nil {
			return nil, err
		}
	}
	if !slices.Equal(builds[sideOld].pairs, builds[sideNew].pairs) {
		return nil, fmt.Errorf("the two builds select different pairs:\nold: %q\nnew: %q", builds[sideOld].pairs, builds[sideNew].pairs)
	}
	pairs = make([]*pair, len(builds[sideNew].pairs))
	for i, k := range builds[sideNew].pairs {
		f := strings.Fields(k)
		pairs[i] = &pair{Call: f[0], Backend: f[1], Par: parOf(f[2]), NsPerOp: [2][]float64{nans(cc.rounds), nans(cc.rounds)}}
	}
	for r := range cc.rounds {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		order := roundOrder(r, cc.rounds, len(pairs))
		for i := 0; i+1 < len(order); i += 2 {
			if err := compareTurn(builds, pairs, order[i].Pair, r, cc); err != nil {
				return nil, err
			}
		}
		fmt.Fprintf(progress, "benchcmp compare: round %d/%d done\n", r+1, cc.rounds)
	}
	return pairs, nil
}

// compareTurn measures pair i in round r: cc.slices ABBA slices of the
// two builds, each side's median slice, then a reset in both builds. A
// build's failed measurement is the pair's error, not the comparison's.
func compareTurn(builds [2]*build, pairs []*pair, i, r int, cc *compareConfig) error {
	p := pairs[i]
	var got [2][]float64
	d := cc.d / time.Duration(cc.slices)
	for j := range cc.slices {
		for _, s := range compareOrder(r + j) {
			reply, err := builds[s].ask("run " + strconv.Itoa(i) + " " + strconv.FormatInt(d.Nanoseconds(), 10))
			if err != nil {
				return err
			}
			ns, err := strconv.ParseFloat(reply, 64)
			if err != nil {
				p.Errs = append(p.Errs, fmt.Sprintf("round %d %s build: %s", r, buildName(s), reply))
				continue
			}
			got[s] = append(got[s], ns)
		}
	}
	for s := range got {
		if len(got[s]) == cc.slices {
			p.NsPerOp[s][r] = median(got[s])
		}
	}
	for _, b := range builds {
		if reply, err := b.ask("reset " + strconv.Itoa(i)); err != nil {
			return err
		} else if reply != "" {
			p.Errs = append(p.Errs, fmt.Sprintf("round %d reset: %s", r, reply))
		}
	}
	return nil
}

// buildName names a side of compare.
func buildName(s side) string {
	if s == sideOld {
		return "old"
	}
	return "new"
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

// build is one running build of benchcmp -serve.
type build struct {
	bin   string
	cmd   *exec.Cmd
	in    io.WriteCloser
	out   *bufio.Scanner
	errs  strings.Builder
	pairs []string // "CALL BACKEND MODE"
}

// startBuild starts bin -serve with the flags pass and reads its pairs.
func startBuild(bin string, pass []string) (*build, error) {
	b := &build{bin: bin}
	b.cmd = exec.Command(bin, append(append([]string{}, pass...), "-repo-only", "-serve")...)
	b.cmd.Stderr = &b.errs
	var err error
	if b.in, err = b.cmd.StdinPipe(); err != nil {
		return nil, err
	}
	out, err := b.cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	b.out = bufio.NewScanner(out)
	if err := b.cmd.Start(); err != nil {
		return nil, fmt.Errorf("start %s: %w", bin, err)
	}
	for b.out.Scan() {
		line := b.out.Text()
		if line == "ready" {
			return b, nil
		}
		if k, ok := strings.CutPrefix(line, "pair "); ok {
			b.pairs = append(b.pairs, k)
		}
	}
	return nil, errors.Join(fmt.Errorf("%s -serve stopped before it was ready: %s", bin, strings.TrimSpace(b.errs.String())), b.stop())
}

// ask sends one request and returns the reply's value: the text after
// "ok " ("" for a bare ok); a reply "err ..." is returned as the value
// whole, for the caller to record against its pair. A build that stops
// answering is an error.
func (b *build) ask(req string) (string, error) {
	if _, err := io.WriteString(b.in, req+"\n"); err != nil {
		return "", fmt.Errorf("%s: %w: %s", b.bin, err, strings.TrimSpace(b.errs.String()))
	}
	if !b.out.Scan() {
		return "", fmt.Errorf("%s stopped answering: %s", b.bin, strings.TrimSpace(b.errs.String()))
	}
	reply := b.out.Text()
	if v, ok := strings.CutPrefix(reply, "ok"); ok {
		return strings.TrimPrefix(v, " "), nil
	}
	return reply, nil
}

// stop closes the build's stdin, so that it deletes its keys and exits,
// and waits for it.
func (b *build) stop() error {
	_ = b.in.Close()
	if err := b.cmd.Wait(); err != nil {
		return fmt.Errorf("%s: %w: %s", b.bin, err, strings.TrimSpace(b.errs.String()))
	}
	return nil
}

// parOf reverses mode.
func parOf(mode string) int {
	n, err := strconv.Atoi(mode[min(3, len(mode)):])
	if err != nil {
		return 1
	}
	return n
}
