package repos_test

import (
	"bufio"
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
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
// names (under a key prefix when set) and whose handler announces each
// delivery on stdout and then hangs until the process is killed.
const (
	listenerChildEnv       = "REPOS_TEST_LISTENER_CHILD_URL"
	listenerChildPrefixEnv = "REPOS_TEST_LISTENER_CHILD_PREFIX"
	childLease             = 700 * time.Millisecond
)

// runListenerChild is the child's main; it returns only on error.
func runListenerChild(url, keyPrefix string) int {
	ctx := context.Background()
	b, err := store.Open(ctx, url)
	if err == nil && keyPrefix != "" {
		b, err = prefix.New(b, keyPrefix)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 2
	}
	err = repos.ListenTriggers(ctx, b, nil, func(_ context.Context, f repos.Fired) error {
		fmt.Printf("handling %s %d\n", f.Identifier, f.Attempt) // os.Stdout is unbuffered
		time.Sleep(time.Hour)
		return nil
	}, &repos.ListenOptions{Lease: childLease, Interval: 20 * time.Millisecond})
	fmt.Fprintln(os.Stderr, "listener returned:", err)
	return 3
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

			cmd := exec.Command(os.Args[0], "-test.run=^$")
			cmd.Env = append(os.Environ(), listenerChildEnv+"="+c.url, listenerChildPrefixEnv+"="+c.keyPrefix)
			var stderr strings.Builder
			cmd.Stderr = &stderr
			out, err := cmd.StdoutPipe()
			require.NoError(t, err)
			beforeClaim := time.Now() // the child's lease ends at least childLease after this
			require.NoError(t, cmd.Start())
			line, err := bufio.NewReader(out).ReadString('\n')
			require.NoError(t, err, "child: %s", stderr.String())
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
