package repos_test

import (
	"bufio"
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/alicebob/miniredis/v2"
	"github.com/stretchr/testify/require"

	"github.com/mimeiapify/store"
	"github.com/mimeiapify/store/internal/testenv"
	"github.com/mimeiapify/store/prefix"
	"github.com/mimeiapify/store/repos"
)

// The listener child: a process that listens on the backend its URL
// names (under a key prefix when set) and announces each delivery on
// stdout. Its handler then hangs until the process is killed, or, in
// "handle" mode, returns at once; in that mode an interrupt stops the
// listener gracefully.
const (
	listenerChildEnv       = "REPOS_TEST_LISTENER_CHILD_URL"
	listenerChildPrefixEnv = "REPOS_TEST_LISTENER_CHILD_PREFIX"
	listenerChildModeEnv   = "REPOS_TEST_LISTENER_CHILD_MODE"
	childLease             = 700 * time.Millisecond
)

// runListenerChild is the child's main.
func runListenerChild(url, keyPrefix string) int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	b, err := store.Open(ctx, url)
	if err == nil && keyPrefix != "" {
		b, err = prefix.New(b, keyPrefix)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 2
	}
	defer b.Close()
	hang := os.Getenv(listenerChildModeEnv) != "handle"
	fmt.Println("listening") // os.Stdout is unbuffered
	err = repos.ListenTriggers(ctx, b, nil, func(_ context.Context, f repos.Fired) error {
		fmt.Printf("handling %s %d\n", f.Identifier, f.Attempt)
		if hang {
			time.Sleep(time.Hour)
		}
		return nil
	}, &repos.ListenOptions{Lease: childLease, Interval: 20 * time.Millisecond})
	if err != nil {
		fmt.Fprintln(os.Stderr, "listener returned:", err)
		return 3
	}
	return 0
}

// startChild starts a listener child on c in mode and returns it with a
// reader of its stdout, past its "listening" line.
func startChild(t *testing.T, c crashTarget, mode string) (*exec.Cmd, *bufio.Reader, *strings.Builder) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), listenerChildEnv+"="+c.url, listenerChildPrefixEnv+"="+c.keyPrefix,
		listenerChildModeEnv+"="+mode)
	stderr := &strings.Builder{}
	cmd.Stderr = stderr
	out, err := cmd.StdoutPipe()
	require.NoError(t, err)
	require.NoError(t, cmd.Start())
	r := bufio.NewReader(out)
	line, err := r.ReadString('\n')
	require.NoError(t, err, "child: %s", stderr)
	require.Equal(t, "listening\n", line)
	return cmd, r, stderr
}

// crashTarget is a backend that a child process can open too.
type crashTarget struct {
	name, url, keyPrefix string
	shared               bool // the parent may keep its handle open while the child runs
}

// crashTargets lists the backends of the crash test: bolt (one process at
// a time: the parent closes its handle while the child runs), redis on
// miniredis, and the real servers when configured.
func crashTargets(t *testing.T) []crashTarget {
	mr := miniredis.RunT(t)
	targets := []crashTarget{
		{name: "bolt", url: "bolt://" + filepath.Join(t.TempDir(), "crash.db")},
		{name: "redis-miniredis", url: "redis://" + mr.Addr() + "/0", shared: true},
	}
	for _, s := range []struct{ name, variable, format string }{
		{"redis-server", testenv.RedisURL, "%s"},
		{"valkey-server", testenv.ValkeyURL, "%s"},
		{"redis-cluster", testenv.RedisCluster, "redis+cluster://%s"},
	} {
		v := os.Getenv(s.variable)
		if v == "" {
			if os.Getenv(testenv.RequireServers) == "1" {
				testenv.Server(t, s.variable) // fails the test
			}
			continue
		}
		var tag [6]byte
		_, _ = rand.Read(tag[:])
		targets = append(targets, crashTarget{name: s.name, url: sprintf(s.format, clusterURL(s.variable, v)),
			keyPrefix: "repos-crash-" + hex.EncodeToString(tag[:]) + ":", shared: true})
	}
	return targets
}

// open opens the target in this process.
func (c crashTarget) open(t *testing.T) store.Backend {
	b, err := store.Open(context.Background(), c.url)
	require.NoError(t, err)
	if c.keyPrefix != "" {
		b, err = prefix.New(b, c.keyPrefix)
		require.NoError(t, err)
	}
	return b
}

// close deletes the target's keys when it lives on a shared server, then
// closes b.
func (c crashTarget) close(t *testing.T, b store.Backend) {
	if p, ok := b.(*prefix.Backend); ok {
		_, err := p.Purge(context.Background())
		require.NoError(t, err)
	}
	require.NoError(t, b.Close())
}

// TestListenRedeliversWhenListenerDies kills (SIGKILL) a listener process
// in the middle of a delivery and checks that a listener started
// afterwards gets the trigger again, as attempt 2, once the dead one's
// lease has ended, and never before.
func TestListenRedeliversWhenListenerDies(t *testing.T) {
	for _, c := range crashTargets(t) {
		t.Run(c.name, func(t *testing.T) {
			ctx := context.Background()
			b := c.open(t)
			tr := newTriggers(t, b, "acme", nil)
			require.NoError(t, tr.Set(ctx, "remind", "chat-1", "hello", repos.WithTTL(50*time.Millisecond)))
			if !c.shared {
				require.NoError(t, b.Close())
			}

			beforeClaim := time.Now() // the child's lease ends at least childLease after this
			cmd, out, stderr := startChild(t, c, "hang")
			line, err := out.ReadString('\n')
			require.NoError(t, err, "child: %s", stderr)
			require.Equal(t, "handling chat-1 1\n", line)
			require.NoError(t, cmd.Process.Kill())
			require.Error(t, cmd.Wait())

			if !c.shared {
				b = c.open(t)
			}
			t.Cleanup(func() { c.close(t, b) })
			next := listenArrivals(t, b, &repos.ListenOptions{Interval: 20 * time.Millisecond})
			a := next.next(t, "the trigger of the dead listener was not delivered again")
			next.stop()
			require.GreaterOrEqual(t, a.at.Sub(beforeClaim), childLease, "redelivered before the dead listener's lease ended")
			require.Equal(t, "chat-1", a.f.Identifier)
			require.Equal(t, "hello", a.f.Payload)
			require.Equal(t, 2, a.f.Attempt, "the dead listener's delivery counts as an attempt")
			require.Empty(t, next.ch, "delivered once")
			require.Empty(t, dataKeys(t, b))
			require.Empty(t, scheduled(t, b))
		})
	}
}

// TestListenAcrossProcesses runs listeners in three processes (two
// children and this one) on one backend: each of 1,000 triggers is
// handled exactly once, and every process handles some.
func TestListenAcrossProcesses(t *testing.T) {
	for _, c := range crashTargets(t) {
		if !c.shared {
			continue // bolt: one process per file
		}
		t.Run(c.name, func(t *testing.T) {
			b := c.open(t)
			t.Cleanup(func() { c.close(t, b) })
			var mu sync.Mutex
			count := map[string]int{}
			by := map[string]int{}
			handled := func(who, ident string) {
				mu.Lock()
				defer mu.Unlock()
				count[ident]++
				by[who]++
			}
			distinct := func() int {
				mu.Lock()
				defer mu.Unlock()
				return len(count)
			}
			var children []*exec.Cmd
			var readers sync.WaitGroup
			for i := range 2 {
				cmd, out, stderr := startChild(t, c, "handle")
				children = append(children, cmd)
				readers.Go(func() {
					for {
						line, err := out.ReadString('\n')
						if err != nil {
							return
						}
						var ident string
						var attempt int
						if _, err := fmt.Sscanf(line, "handling %s %d", &ident, &attempt); err != nil {
							t.Errorf("child %d: unexpected output %q (stderr: %s)", i, line, stderr)
							return
						}
						handled(fmt.Sprint("child-", i), ident)
					}
				})
			}
			stop := startListeners(t, b, 1, func(_ context.Context, f repos.Fired) error {
				handled("parent", f.Identifier)
				return nil
			}, &repos.ListenOptions{Interval: 20 * time.Millisecond})

			const n = 1000
			setMany(t, b, n, 300*time.Millisecond, time.Second)
			eventually(t, 30*time.Second, func() bool { return distinct() == n }, "delivered %d of %d", distinct(), n)
			time.Sleep(300 * time.Millisecond) // room for a duplicate to show
			stop()
			for _, cmd := range children {
				require.NoError(t, cmd.Process.Signal(os.Interrupt))
			}
			readers.Wait()
			for _, cmd := range children {
				require.NoError(t, cmd.Wait(), "a child listener stopped badly")
			}
			for ident, n := range count {
				require.Equal(t, 1, n, ident)
			}
			t.Logf("1,000 triggers over 3 processes: %v", by)
			require.Len(t, by, 3, "every process handled some")
			require.Empty(t, dataKeys(t, b))
		})
	}
}
