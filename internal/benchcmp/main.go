package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"regexp"
	"runtime"
	"runtime/pprof"
	"strings"
	"time"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	code := run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// run is the command: "compare OLD NEW ...", a benchmark run, or (-serve)
// the measuring end of compare. It returns the exit code.
func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	if len(args) > 0 && args[0] == "compare" {
		return compareMain(ctx, args[1:], stdout, stderr)
	}
	cfg, err := parseFlags(args, stderr)
	if err != nil {
		if !errors.Is(err, flag.ErrHelp) {
			fmt.Fprintln(stderr, "benchcmp:", err)
		}
		return 2
	}
	if cfg.serve {
		if err := serve(ctx, cfg, stdin, stdout); err != nil {
			fmt.Fprintln(stderr, "benchcmp -serve:", err)
			return 1
		}
		return 0
	}
	if cfg.cpuProfile != "" {
		stop, err := startProfile(cfg.cpuProfile)
		if err != nil {
			fmt.Fprintln(stderr, "benchcmp:", err)
			return 1
		}
		defer stop()
	}
	pairs, err := bench(ctx, cfg, stderr)
	if err != nil {
		fmt.Fprintln(stderr, "benchcmp:", err)
		return 1
	}
	if cfg.jsonPath != "" {
		if err := writeJSON(cfg.jsonPath, args, pairs); err != nil {
			fmt.Fprintln(stderr, "benchcmp:", err)
			return 1
		}
	}
	cmd := "go run ./internal/benchcmp " + commandLine(args)
	writeTable(stdout, cmd, [3]string{"repo", "raw", "repo/raw"}, pairs)
	fmt.Fprintf(stdout, "\n%s\n", settings(cfg))
	return 0
}

// settings describes the run under the table: how to read it, what the
// defaults resolved to, and the machine.
func settings(cfg *config) string {
	return fmt.Sprintf("ns/op: each side's median over the rounds; ratio: the median and range of the rounds' own repo/raw ratios (not the quotient of the medians). "+
		"backends %s; %d rounds of %v per contender in %d slices; modes %v goroutines; TTL %v; %s, GOMAXPROCS %d, %s/%s.",
		strings.Join(cfg.backends, ","), cfg.rounds, cfg.d, cfg.slices, cfg.pars, cfg.ttl,
		runtime.Version(), runtime.GOMAXPROCS(0), runtime.GOOS, runtime.GOARCH)
}

// bench opens the backends, prepares every pair, runs the rounds and
// deletes the run's keys.
func bench(ctx context.Context, cfg *config, progress io.Writer) (pairs []*pair, err error) {
	pairs, closeAll, err := openPairs(ctx, cfg)
	if err != nil {
		return nil, err
	}
	defer func() { err = errors.Join(err, closeAll()) }()
	runRounds(ctx, pairs, cfg, measure, progress)
	return pairs, ctx.Err()
}

// openPairs opens the backends and prepares every pair cfg selects;
// closeAll deletes the run's keys and closes the backends.
func openPairs(ctx context.Context, cfg *config) (pairs []*pair, closeAll func() error, err error) {
	prefix := newPrefix()
	var closers []func() error
	closeAll = func() error {
		var errs []error
		for _, c := range closers {
			errs = append(errs, c())
		}
		return errors.Join(errs...)
	}
	for _, name := range cfg.backends {
		e, closeEnv, err := openEnv(ctx, name, cfg, prefix)
		if err != nil {
			return nil, nil, errors.Join(fmt.Errorf("open %s: %w", name, err), closeAll())
		}
		closers = append(closers, closeEnv)
		ps, err := preparePairs(ctx, e, cfg)
		if err != nil {
			return nil, nil, errors.Join(err, closeAll())
		}
		pairs = append(pairs, ps...)
	}
	if len(pairs) == 0 {
		return nil, nil, errors.Join(fmt.Errorf("-calls %q matches no call (calls: %s)", cfg.calls, callNames()), closeAll())
	}
	return pairs, closeAll, nil
}

// startProfile starts a CPU profile written to path; stop ends it.
func startProfile(path string) (stop func(), err error) {
	f, err := os.Create(path)
	if err != nil {
		return nil, err
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		_ = f.Close()
		return nil, fmt.Errorf("-cpuprofile: %w", err)
	}
	return func() { pprof.StopCPUProfile(); _ = f.Close() }, nil
}

// callNames lists the calls, for error messages.
func callNames() string {
	var names []string
	for _, c := range calls {
		names = append(names, c.name)
	}
	return strings.Join(names, ", ")
}

// parseFlags parses the flags of a benchmark run.
func parseFlags(args []string, stderr io.Writer) (*config, error) {
	fs := flag.NewFlagSet("benchcmp", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() { fmt.Fprint(stderr, usage); fs.PrintDefaults() }
	backends := fs.String("backends", "", "comma-separated backends among memory,bolt,redis,valkey (default: memory, bolt and every network backend whose server is given)")
	modes := fs.String("mode", "seq,par", "comma-separated modes: seq (1 goroutine), par (-par goroutines)")
	par := fs.Int("par", 64, "goroutines of the par mode")
	calls := fs.String("calls", "", "regular expression selecting the calls (default: all)")
	cfg := &config{}
	fs.IntVar(&cfg.rounds, "rounds", 5, "rounds; each runs every contender once")
	fs.DurationVar(&cfg.d, "time", 300*time.Millisecond, "time each contender runs in each round")
	fs.IntVar(&cfg.slices, "slices", 6, "slices each contender's time of a round is cut into, alternating with its twin's (ABBA); a round's figure is the median of its slices")
	fs.StringVar(&cfg.redisURL, "redis", os.Getenv("STORE_TEST_REDIS_URL"), "redis:// URL of the Redis server for the redis backend and go-redis (default $STORE_TEST_REDIS_URL)")
	fs.StringVar(&cfg.valkeyURL, "valkey", os.Getenv("STORE_TEST_VALKEY_URL"), "valkey:// URL of the server for the valkey backend and valkey-go (default $STORE_TEST_VALKEY_URL)")
	fs.DurationVar(&cfg.ttl, "ttl", time.Hour, "TTL of the records written (the repositories' Options.TTL)")
	fs.StringVar(&cfg.cpuProfile, "cpuprofile", "", "write a CPU profile of the run (both sides) to this file")
	fs.StringVar(&cfg.jsonPath, "json", "", "write every round's measurements to this JSON file")
	fs.BoolVar(&cfg.repoOnly, "repo-only", false, "measure the repository calls only (as compare does)")
	fs.BoolVar(&cfg.serve, "serve", false, "measure on request from stdin (the end of compare that runs a build)")
	if err := fs.Parse(args); err != nil {
		return nil, err
	}
	if fs.NArg() > 0 {
		return nil, fmt.Errorf("unexpected argument %q (flags only, or: compare OLD NEW)", fs.Arg(0))
	}
	var err error
	if cfg.backends, err = parseBackends(*backends, cfg); err != nil {
		return nil, err
	}
	if cfg.pars, err = parseModes(*modes, *par); err != nil {
		return nil, err
	}
	if *calls != "" {
		if cfg.calls, err = regexp.Compile(*calls); err != nil {
			return nil, fmt.Errorf("-calls: %w", err)
		}
	}
	if cfg.rounds < 1 || cfg.slices < 1 || cfg.d <= 0 || cfg.ttl <= 0 {
		return nil, fmt.Errorf("-rounds (%d), -slices (%d), -time (%v) and -ttl (%v) must be positive", cfg.rounds, cfg.slices, cfg.d, cfg.ttl)
	}
	return cfg, nil
}

// parseBackends checks -backends; empty means memory, bolt and every
// network backend whose URL is set.
func parseBackends(s string, cfg *config) ([]string, error) {
	if s == "" {
		out := []string{"memory", "bolt"}
		if cfg.redisURL != "" {
			out = append(out, "redis")
		}
		if cfg.valkeyURL != "" {
			out = append(out, "valkey")
		}
		return out, nil
	}
	var out []string
	for _, b := range strings.Split(s, ",") {
		switch b {
		case "memory", "bolt":
		case "redis", "valkey":
			if (b == "redis" && cfg.redisURL == "") || (b == "valkey" && cfg.valkeyURL == "") {
				return nil, errNoServer(b)
			}
		default:
			return nil, fmt.Errorf("-backends: unknown backend %q (known: %s)", b, strings.Join(knownBackends, ","))
		}
		out = append(out, b)
	}
	return out, nil
}

// parseModes turns -mode into goroutine counts.
func parseModes(s string, par int) ([]int, error) {
	if par < 2 {
		return nil, fmt.Errorf("-par %d: the parallel mode needs at least 2 goroutines", par)
	}
	var out []int
	for _, m := range strings.Split(s, ",") {
		switch m {
		case "seq":
			out = append(out, 1)
		case "par":
			out = append(out, par)
		default:
			return nil, fmt.Errorf("-mode: unknown mode %q (known: seq, par)", m)
		}
	}
	return out, nil
}

// usage heads -help.
const usage = `usage: go run ./internal/benchcmp [flags]
       go run ./internal/benchcmp compare [-rounds N] [-slices K] [-time D] OLD NEW [flags...]

Interleaved side-by-side benchmark of the repository calls against raw
client code doing the same job; see doc.go. Flags:
`
