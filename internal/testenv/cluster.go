package testenv

import (
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"
)

// Cluster is a private Redis Cluster of masters only, each a RedisServer
// owning an equal contiguous range of the 16384 hash slots (the layout
// redis-cli --cluster create makes). Tests that count per-master server
// work (INFO commandstats) use one, since other tests running at the same
// time on a shared cluster would disturb the counts.
type Cluster struct {
	Nodes []*RedisServer
}

// StartCluster starts a cluster of n masters (n >= 1) on free loopback
// ports, waits until every node reports cluster_state:ok, and kills it
// when the test ends. Without a redis-server binary the test skips (or,
// under STORE_TEST_REQUIRE_SERVERS=1, fails).
func StartCluster(t testing.TB, n int) *Cluster {
	t.Helper()
	if n < 1 {
		t.Fatalf("StartCluster: %d masters", n)
	}
	c := &Cluster{}
	for range n {
		c.Nodes = append(c.Nodes, StartRedis(t, "--cluster-enabled", "yes",
			"--cluster-config-file", "nodes.conf", "--cluster-node-timeout", "5000"))
	}
	for i, s := range c.Nodes {
		lo, hi := i*16384/n, (i+1)*16384/n-1
		if _, err := s.Do("CLUSTER", "ADDSLOTSRANGE", strconv.Itoa(lo), strconv.Itoa(hi)); err != nil {
			t.Fatalf("CLUSTER ADDSLOTSRANGE %d %d on port %d: %v", lo, hi, s.Port, err)
		}
		if i > 0 {
			if _, err := s.Do("CLUSTER", "MEET", "127.0.0.1", strconv.Itoa(c.Nodes[0].Port)); err != nil {
				t.Fatalf("CLUSTER MEET from port %d: %v", s.Port, err)
			}
		}
	}
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		if c.ok() {
			return c
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("private cluster of %d masters did not reach cluster_state:ok within 20s", n)
	return nil
}

// ok reports whether every node sees every other and the cluster is up.
func (c *Cluster) ok() bool {
	for _, s := range c.Nodes {
		info, err := s.Do("CLUSTER", "INFO")
		if err != nil || !strings.Contains(info, "cluster_state:ok") ||
			!strings.Contains(info, "cluster_known_nodes:"+strconv.Itoa(len(c.Nodes))+"\r") {
			return false
		}
	}
	return true
}

// Seeds returns the nodes' addresses joined by commas, the form of
// STORE_TEST_REDIS_CLUSTER.
func (c *Cluster) Seeds() string {
	addrs := make([]string, len(c.Nodes))
	for i, s := range c.Nodes {
		addrs[i] = s.Addr()
	}
	return strings.Join(addrs, ",")
}

// CommandCalls returns, for each node in order, the number of commands it
// has executed since it started: the sum of the calls= counts of INFO
// commandstats (a script's EVALSHA and every command it runs count, as do
// MULTI and EXEC; the INFO calls of CommandCalls count too, one per node
// per call, the same on every node).
func (c *Cluster) CommandCalls() ([]int64, error) {
	calls := make([]int64, len(c.Nodes))
	for i, s := range c.Nodes {
		info, err := s.Do("INFO", "commandstats")
		if err != nil {
			return nil, fmt.Errorf("INFO commandstats on port %d: %w", s.Port, err)
		}
		calls[i] = sumCalls(info)
	}
	return calls, nil
}

// sumCalls adds up the calls= fields of an INFO commandstats reply.
func sumCalls(info string) int64 {
	var total int64
	for _, line := range strings.Split(info, "\n") {
		_, rest, ok := strings.Cut(line, ":calls=")
		if !ok {
			continue
		}
		n, _, _ := strings.Cut(rest, ",")
		v, err := strconv.ParseInt(n, 10, 64)
		if err == nil {
			total += v
		}
	}
	return total
}

// Shares returns each node's part of the commands run between two
// CommandCalls readings, as a multiple of its fair share (1 is exactly
// 1/len of the total; a node with no work at all gives 0).
func Shares(before, after []int64) []float64 {
	deltas := make([]float64, len(after))
	var total float64
	for i := range after {
		deltas[i] = float64(after[i] - before[i])
		total += deltas[i]
	}
	for i := range deltas {
		if total > 0 {
			deltas[i] = deltas[i] * float64(len(deltas)) / total
		}
	}
	return deltas
}
