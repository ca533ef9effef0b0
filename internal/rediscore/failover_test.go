package rediscore_test

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/mimeiapify/store/internal/faults"
	"github.com/mimeiapify/store/internal/testenv"
)

// TestFailoverRecovery writes continuously to slot 0 of the failover
// cluster while its master is SIGKILLed, on both backends with default
// options, and checks that calls for the slot fail for less than 10 s
// after the kill (the replica is promoted in about 2-3 s with a 1 s node
// timeout), and that writes the replica had acknowledged before the kill
// are all there afterwards.
func TestFailoverRecovery(t *testing.T) {
	nodes := faults.FailoverCluster(t)
	for _, be := range []string{"redis", "valkey"} {
		t.Run(be, func(t *testing.T) { testFailover(t, be, nodes) })
	}
}

type outcome struct {
	end time.Time
	err error
}

func testFailover(t *testing.T, be string, nodes []string) {
	ctx := context.Background()
	b := open(t, clusterURL(be, nodes))
	pfx := fmt.Sprintf("{06S}fo:%s:%d:", be, time.Now().UnixNano()) // slot 0
	const acked = 100
	for i := range acked {
		require.NoError(t, b.Set(ctx, pfx+strconv.Itoa(i), "v", time.Minute))
	}
	waitReplicated(t, nodes)
	var mu sync.Mutex
	var log []outcome
	stop := make(chan struct{})
	done := make(chan struct{})
	go func() { // one write at a time, each with a 300 ms deadline
		defer close(done)
		for i := acked; ; i++ {
			select {
			case <-stop:
				return
			default:
			}
			cctx, cancel := context.WithTimeout(ctx, 300*time.Millisecond)
			err := b.Set(cctx, pfx+strconv.Itoa(i), "v", time.Minute)
			cancel()
			mu.Lock()
			log = append(log, outcome{time.Now(), err})
			mu.Unlock()
			time.Sleep(10 * time.Millisecond)
		}
	}()
	f := faults.KillMaster(t, nodes, 0)
	failing := waitRecovered(t, &mu, &log, f.Killed0)
	close(stop)
	<-done
	t.Logf("%s: master %s killed, %s promoted after %v; calls for its slots failed for %v after the kill",
		be, f.Killed, f.Promoted, f.Took.Round(time.Millisecond), failing.Round(time.Millisecond))
	require.Less(t, failing, 10*time.Second, "calls for the dead master's slots failed for too long")
	for i := range acked {
		v, err := b.Get(ctx, pfx+strconv.Itoa(i))
		require.NoError(t, err, "a write the replica acknowledged before the failover was lost")
		require.Equal(t, "v", v)
	}
}

// waitRecovered waits (up to 20 s after the kill) for 20 successful
// writes in a row and returns how long after the kill the last failed
// write ended.
func waitRecovered(t *testing.T, mu *sync.Mutex, log *[]outcome, killed time.Time) time.Duration {
	for time.Since(killed) < 20*time.Second {
		time.Sleep(50 * time.Millisecond)
		mu.Lock()
		l := *log
		n := 0
		for i := len(l) - 1; i >= 0 && l[i].err == nil && l[i].end.After(killed); i-- {
			n++
		}
		var last time.Time
		var lastErr error
		for _, o := range l {
			if o.err != nil {
				last, lastErr = o.end, o.err
			}
		}
		mu.Unlock()
		if n >= 20 {
			if last.IsZero() || last.Before(killed) {
				return 0
			}
			t.Logf("last failure: %v", lastErr)
			return last.Sub(killed)
		}
	}
	t.Fatalf("no 20 successful writes in a row within 20 s of the kill")
	return 0
}

// waitReplicated waits until every master's replica has every write the
// master has (INFO replication offsets), as WAIT 1 would confirm.
func waitReplicated(t *testing.T, nodes []string) {
	t.Helper()
	for _, n := range nodes {
		for deadline := time.Now().Add(5 * time.Second); ; time.Sleep(10 * time.Millisecond) {
			info, err := testenv.Do(n, "INFO", "replication")
			require.NoError(t, err)
			if !strings.Contains(info, "role:master") || replicaCaughtUp(info) {
				break
			}
			require.True(t, time.Now().Before(deadline), "the replica of %s did not catch up: %s", n, info)
		}
	}
}

// replicaCaughtUp reports whether slave0's offset reached the master's.
func replicaCaughtUp(info string) bool {
	var master, replica int64 = -1, -2
	for _, line := range strings.Split(info, "\n") {
		line = strings.TrimSpace(line)
		if v, ok := strings.CutPrefix(line, "master_repl_offset:"); ok {
			master, _ = strconv.ParseInt(v, 10, 64)
		}
		if v, ok := strings.CutPrefix(line, "slave0:"); ok {
			for _, kv := range strings.Split(v, ",") {
				if o, ok := strings.CutPrefix(kv, "offset="); ok {
					replica, _ = strconv.ParseInt(o, 10, 64)
				}
			}
		}
	}
	return replica >= master
}
