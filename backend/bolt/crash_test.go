package bolt

import (
	"bufio"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"go.etcd.io/bbolt"

	"github.com/mimeiapify/store"
)

// crashEnv names the file the crash child writes to; set, TestMain runs
// crashChild instead of the tests.
const crashEnv = "BOLT_CRASH_CHILD_FILE"

// crashChild is the child process of TestCrashRecovery: it writes from 8
// goroutines until it is killed and prints every acknowledged key.
func crashChild(path string) {
	b, err := Open(path, &Options{Timeout: 5 * time.Second, SweepInterval: -1})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	run := os.Getenv(crashEnv + "_RUN")
	var mu sync.Mutex
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Go(func() {
			for i := 0; ; i++ {
				key := fmt.Sprintf("%s/%d/%d", run, g, i)
				err := b.Apply(ctx, &store.SetOp{Key: key, Value: key}, &store.SAddOp{Key: "all", Members: []string{key}})
				if err != nil {
					fmt.Fprintln(os.Stderr, err)
					os.Exit(3)
				}
				mu.Lock()
				fmt.Fprintln(os.Stdout, key) // os.Stdout is unbuffered
				mu.Unlock()
			}
		})
	}
	wg.Wait()
}

// TestCrashRecovery kills a writing child with SIGKILL 20 times and
// checks after each kill that every acknowledged write survived and the
// file is consistent.
func TestCrashRecovery(t *testing.T) {
	path := filepath.Join(t.TempDir(), "crash.db")
	total := 0
	for run := range 20 {
		acked := runCrashChild(t, path, run, time.Duration(20+run*7)*time.Millisecond)
		require.NotEmpty(t, acked, "run %d acknowledged nothing", run)
		total += len(acked)
		checkAfterCrash(t, path, acked)
	}
	t.Logf("20 kills, %d acknowledged writes, all present", total)
}

// runCrashChild runs the child for about d after its first acknowledged
// write, kills it and returns the keys it acknowledged.
func runCrashChild(t *testing.T, path string, run int, d time.Duration) []string {
	t.Helper()
	cmd := exec.Command(os.Args[0])
	cmd.Env = append(os.Environ(), crashEnv+"="+path, fmt.Sprintf("%s_RUN=%d", crashEnv, run))
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.StdoutPipe()
	require.NoError(t, err)
	require.NoError(t, cmd.Start())
	sc := bufio.NewScanner(out)
	var acked []string
	var kill sync.Once
	for sc.Scan() {
		line := sc.Text()
		require.True(t, strings.HasPrefix(line, fmt.Sprint(run, "/")), "unexpected child output %q", line)
		acked = append(acked, line)
		kill.Do(func() { time.AfterFunc(d, func() { _ = cmd.Process.Kill() }) })
	}
	err = cmd.Wait()
	require.Error(t, err, "child exited by itself: %s", stderr.String())
	require.Contains(t, err.Error(), "killed", stderr.String())
	return acked
}

// checkAfterCrash reopens the file and checks the acknowledged writes and
// bbolt's consistency check.
func checkAfterCrash(t *testing.T, path string, acked []string) {
	t.Helper()
	b, err := Open(path, &Options{Timeout: time.Second, SweepInterval: -1})
	require.NoError(t, err)
	defer func() { require.NoError(t, b.Close()) }()
	for _, k := range acked {
		v, err := b.Get(ctx, k)
		require.NoError(t, err, "acknowledged key %q lost", k)
		require.Equal(t, k, v)
		ok, err := b.SIsMember(ctx, "all", k)
		require.NoError(t, err)
		require.True(t, ok, "acknowledged member %q lost", k)
	}
	require.NoError(t, b.DB().View(func(tx *bbolt.Tx) error {
		for err := range tx.Check() {
			return err
		}
		return nil
	}))
}
