package faults

import (
	"fmt"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/mimeiapify/store/internal/testenv"
)

// FailoverCluster returns the node addresses of the failover cluster
// named by STORE_TEST_FAILOVER_CLUSTER (3 masters with one replica each
// and a short cluster-node-timeout, started by .ci/failover-cluster.sh),
// after checking it is healthy. Without the variable the test skips, or
// fails under STORE_TEST_REQUIRE_SERVERS=1, as testenv.Server.
func FailoverCluster(t testing.TB) []string {
	t.Helper()
	nodes := strings.Split(testenv.Server(t, testenv.FailoverCluster), ",")
	if err := waitHealthy(nodes, 30*time.Second); err != nil {
		t.Fatalf("faults: failover cluster %v: %v", nodes, err)
	}
	return nodes
}

// Failover is what KillMaster did and saw.
type Failover struct {
	Killed   string        // address of the master killed
	Promoted string        // address of the replica that took its slots
	Killed0  time.Time     // when the SIGKILL was sent
	Took     time.Duration // from the kill until the cluster named the new master
}

// KillMaster SIGKILLs the master that serves slot (its pid read from INFO
// server's process_id), waits until its replica is promoted and owns the
// slot, and returns what happened. When the test ends it starts the killed
// node again from its config_file (it rejoins as a replica) and waits
// until the cluster is healthy again, so that the next test finds 3
// masters with one replica each.
func KillMaster(t testing.TB, nodes []string, slot int) *Failover {
	t.Helper()
	master, err := slotOwner(nodes, slot)
	if err != nil {
		t.Fatalf("faults: find the master of slot %d: %v", slot, err)
	}
	info, err := testenv.Do(master, "INFO", "server")
	if err != nil {
		t.Fatalf("faults: INFO server on %s: %v", master, err)
	}
	pid, conf := infoField(info, "process_id"), infoField(info, "config_file")
	n, err := strconv.Atoi(pid)
	if err != nil || conf == "" {
		t.Fatalf("faults: %s: process_id %q, config_file %q: the failover cluster must run from config files", master, pid, conf)
	}
	t.Cleanup(func() { restart(t, nodes, master, conf) })
	f := &Failover{Killed: master, Killed0: time.Now()}
	if err := syscall.Kill(n, syscall.SIGKILL); err != nil {
		t.Fatalf("faults: SIGKILL %s (pid %d): %v", master, n, err)
	}
	others := without(nodes, master)
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		if owner, err := slotOwner(others, slot); err == nil && owner != master {
			f.Promoted, f.Took = owner, time.Since(f.Killed0)
			return f
		}
	}
	t.Fatalf("faults: no replica of %s was promoted within 30s", master)
	return nil
}

// restart starts the killed node again and waits for a healthy cluster.
func restart(t testing.TB, nodes []string, addr, conf string) {
	if out, err := exec.Command("redis-server", conf).CombinedOutput(); err != nil {
		t.Errorf("faults: restart %s: %v\n%s", addr, err, out)
		return
	}
	if err := waitHealthy(nodes, 60*time.Second); err != nil {
		t.Errorf("faults: the failover cluster did not heal after %s restarted: %v", addr, err)
	}
}

// slotOwner returns the address of the master that the first answering
// node says serves slot, skipping masters flagged as failing.
func slotOwner(nodes []string, slot int) (string, error) {
	var last error
	for _, n := range nodes {
		out, err := testenv.Do(n, "CLUSTER", "NODES")
		if err != nil {
			last = err
			continue
		}
		for _, line := range strings.Split(out, "\n") {
			f := strings.Fields(line)
			if len(f) < 8 || !strings.Contains(f[2], "master") || strings.Contains(f[2], "fail") {
				continue
			}
			for _, r := range f[8:] {
				if inRange(r, slot) {
					return strings.Split(f[1], "@")[0], nil
				}
			}
		}
		return "", fmt.Errorf("%s knows no live master of slot %d", n, slot)
	}
	return "", last
}

// inRange reports whether slot is in r, "a-b" or "a".
func inRange(r string, slot int) bool {
	lo, hi, ok := strings.Cut(r, "-")
	if !ok {
		hi = lo
	}
	a, err1 := strconv.Atoi(lo)
	b, err2 := strconv.Atoi(hi)
	return err1 == nil && err2 == nil && a <= slot && slot <= b
}

// waitHealthy waits until every node answers cluster_state:ok, every
// master has one replica online and every replica's link is up.
func waitHealthy(nodes []string, d time.Duration) error {
	var err error
	for deadline := time.Now().Add(d); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		if err = healthy(nodes); err == nil {
			return nil
		}
	}
	return err
}

func healthy(nodes []string) error {
	masters := 0
	for _, n := range nodes {
		ci, err := testenv.Do(n, "CLUSTER", "INFO")
		if err != nil {
			return err
		}
		if infoField(ci, "cluster_state") != "ok" {
			return fmt.Errorf("%s: cluster_state %s", n, infoField(ci, "cluster_state"))
		}
		repl, err := testenv.Do(n, "INFO", "replication")
		if err != nil {
			return err
		}
		switch {
		case infoField(repl, "role") == "master":
			masters++
			if infoField(repl, "connected_slaves") != "1" {
				return fmt.Errorf("%s: master with %s replicas", n, infoField(repl, "connected_slaves"))
			}
		case infoField(repl, "master_link_status") != "up":
			return fmt.Errorf("%s: replica link %s", n, infoField(repl, "master_link_status"))
		}
	}
	if masters != 3 {
		return fmt.Errorf("%d masters, want 3", masters)
	}
	return nil
}

// infoField returns the value of field in an INFO reply.
func infoField(info, field string) string {
	for _, line := range strings.Split(info, "\n") {
		if v, ok := strings.CutPrefix(strings.TrimSpace(line), field+":"); ok {
			return v
		}
	}
	return ""
}

func without(nodes []string, drop string) []string {
	out := make([]string, 0, len(nodes))
	for _, n := range nodes {
		if n != drop {
			out = append(out, n)
		}
	}
	return out
}
