package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"go.uber.org/goleak"

	"github.com/mimeiapify/store/internal/testenv"
)

// TestMain runs the command itself when BENCHCMP_CHILD is set, so that
// compare's test can use this binary as both builds.
func TestMain(m *testing.M) {
	if os.Getenv("BENCHCMP_CHILD") == "1" {
		os.Exit(run(context.Background(), os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
	}
	goleak.VerifyTestMain(m)
}

// TestSmokeMemory runs one short round of every call on memory, both
// modes, and checks the table: the command line above it, and a ratio
// in every row.
func TestSmokeMemory(t *testing.T) {
	var out, errs bytes.Buffer
	args := []string{"-backends", "memory", "-rounds", "1", "-time", "10ms", "-slices", "2", "-par", "4"}
	if code := run(context.Background(), args, nil, &out, &errs); code != 0 {
		t.Fatalf("exit code %d; stderr:\n%s", code, errs.String())
	}
	s := out.String()
	if !strings.Contains(s, "go run ./internal/benchcmp -backends memory -rounds 1 -time 10ms -slices 2 -par 4\n") {
		t.Errorf("the table does not start with the command line:\n%s", s)
	}
	if strings.Contains(s, "failed") {
		t.Errorf("a contender failed:\n%s", s)
	}
	for _, c := range calls {
		for _, m := range []string{"seq", "par4"} {
			row := "| " + c.name + " | memory | " + m + " | "
			i := strings.Index(s, row)
			if i < 0 {
				t.Errorf("no row %q in:\n%s", row, s)
				continue
			}
			line := s[i : i+strings.IndexByte(s[i:], '\n')]
			if strings.Contains(line, "| - |") || !strings.Contains(line, "x |") {
				t.Errorf("row without a measured ratio: %s", line)
			}
		}
	}
}

// TestFlagErrors: bad flags, and a network backend without its server,
// fail with a message naming what is wrong; nothing is run.
func TestFlagErrors(t *testing.T) {
	t.Setenv("STORE_TEST_REDIS_URL", "")
	t.Setenv("STORE_TEST_VALKEY_URL", "")
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"-backends", "redis"}, "neither -redis nor STORE_TEST_REDIS_URL"},
		{[]string{"-backends", "valkey"}, "neither -valkey nor STORE_TEST_VALKEY_URL"},
		{[]string{"-backends", "mongo"}, `unknown backend "mongo"`},
		{[]string{"-mode", "fast"}, `unknown mode "fast"`},
		{[]string{"-par", "1"}, "-par 1"},
		{[]string{"-rounds", "0"}, "must be positive"},
		{[]string{"-calls", "("}, "-calls"},
		{[]string{"stray"}, `unexpected argument "stray"`},
	} {
		var errs bytes.Buffer
		if code := run(context.Background(), c.args, nil, io.Discard, &errs); code != 2 || !strings.Contains(errs.String(), c.want) {
			t.Errorf("%v: exit %d, stderr %q; want 2 and %q", c.args, code, errs.String(), c.want)
		}
	}
	var errs bytes.Buffer
	if code := run(context.Background(), []string{"-backends", "memory", "-calls", "^Nope$"}, nil, io.Discard, &errs); code != 1 || !strings.Contains(errs.String(), "matches no call") {
		t.Errorf("-calls matching nothing: exit %d, stderr %q", code, errs.String())
	}
}

// TestDefaultBackends: without -backends, a network backend is measured
// only when its server is given.
func TestDefaultBackends(t *testing.T) {
	got, err := parseBackends("", &config{valkeyURL: "valkey://x"})
	if err != nil || strings.Join(got, ",") != "memory,bolt,valkey" {
		t.Errorf("parseBackends = %v, %v; want memory,bolt,valkey", got, err)
	}
}

// TestSmokeServers runs one very short round of every call on the real
// Redis and Valkey servers of the environment (skipped without them), so
// that every twin, the sorted-set scheduler and the LMOVE queue
// included, runs on a server; the run deletes its keys.
func TestSmokeServers(t *testing.T) {
	redisURL := testenv.Server(t, testenv.RedisURL)
	valkeyURL := testenv.Server(t, testenv.ValkeyURL)
	var out, errs bytes.Buffer
	args := []string{"-backends", "redis,valkey", "-redis", redisURL, "-valkey", valkeyURL,
		"-rounds", "1", "-time", "5ms", "-slices", "1", "-par", "4"}
	if code := run(context.Background(), args, nil, &out, &errs); code != 0 {
		t.Fatalf("exit code %d; stderr:\n%s", code, errs.String())
	}
	if strings.Contains(out.String(), "failed") || strings.Contains(out.String(), "| - |") {
		t.Errorf("a contender failed or was not measured:\n%s", out.String())
	}
}

// TestJSON: -json writes every measurement: each round, each side (and
// -cpuprofile a profile).
func TestJSON(t *testing.T) {
	path, prof := filepath.Join(t.TempDir(), "out.json"), filepath.Join(t.TempDir(), "cpu.prof")
	args := []string{"-backends", "memory", "-mode", "seq", "-calls", `^Generic\.Incr$`, "-rounds", "2",
		"-slices", "1", "-time", "5ms", "-json", path, "-cpuprofile", prof}
	var errs bytes.Buffer
	if code := run(context.Background(), args, nil, io.Discard, &errs); code != 0 {
		t.Fatalf("exit %d: %s", code, errs.String())
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var rep report
	if err := json.Unmarshal(b, &rep); err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, r := range rep.Results {
		if r.NsPerOp <= 0 || r.Call != "Generic.Incr" || r.Backend != "memory" || r.Mode != "seq" {
			t.Errorf("row %+v", r)
		}
		got = append(got, fmt.Sprintf("%d %s", r.Round, r.Side))
	}
	slices.Sort(got)
	if want := []string{"0 raw", "0 repo", "1 raw", "1 repo"}; !slices.Equal(got, want) {
		t.Errorf("rows %q, want %q", got, want)
	}
	if st, err := os.Stat(prof); err != nil || st.Size() == 0 {
		t.Errorf("-cpuprofile: %v, %v", st, err)
	}
	if !slices.Equal(rep.Command, args) {
		t.Errorf("command %q, want %q", rep.Command, args)
	}
}
