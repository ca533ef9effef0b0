package testenv

import (
	"strconv"
	"strings"
	"testing"
	"time"
)

// StartReplica starts a private redis-server (as StartRedis, with args
// added) that replicates master, and waits until its link to master is up.
// It sets master's repl-diskless-sync-delay to 0, so that the first sync
// starts at once rather than after 5 s.
func StartReplica(t testing.TB, master *RedisServer, args ...string) *RedisServer {
	t.Helper()
	if _, err := master.Do("CONFIG", "SET", "repl-diskless-sync-delay", "0"); err != nil {
		t.Fatalf("CONFIG SET repl-diskless-sync-delay 0 on port %d: %v", master.Port, err)
	}
	r := StartRedis(t, append([]string{"--replicaof", "127.0.0.1", strconv.Itoa(master.Port)}, args...)...)
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		if info, err := r.Do("INFO", "replication"); err == nil && strings.Contains(info, "master_link_status:up") {
			return r
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("replica on port %d did not connect to its master on port %d within 10s", r.Port, master.Port)
	return nil
}
