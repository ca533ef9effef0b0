package faults_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/mimeiapify/store/internal/faults"
	"github.com/mimeiapify/store/internal/testenv"
)

// TestKillMasterPromotesReplica kills the master of slot 0 of the
// failover cluster and checks that its replica took the slot within 10 s
// (the node timeout is 1 s) and that the key written before the kill,
// replicated with WAIT, is served by the new master.
func TestKillMasterPromotesReplica(t *testing.T) {
	nodes := faults.FailoverCluster(t)
	const key = "faults-failover-{06S}" // slot 0
	require.Equal(t, "0", do(t, nodes[0], "CLUSTER", "KEYSLOT", key))
	master := ownerOf(t, nodes, key)
	do(t, master, "SET", key, "v")
	require.Equal(t, "1", do(t, master, "WAIT", "1", "5000"), "the replica acknowledged the write")
	f := faults.KillMaster(t, nodes, 0)
	t.Logf("killed %s; %s promoted after %v", f.Killed, f.Promoted, f.Took)
	require.NotEqual(t, f.Killed, f.Promoted)
	require.Less(t, f.Took, 10*time.Second)
	got, err := testenv.Do(f.Promoted, "GET", key)
	require.NoError(t, err)
	require.Equal(t, "v", got, "the write acknowledged by WAIT survived the failover")
}

// ownerOf returns the node that serves key, following a MOVED reply.
func ownerOf(t *testing.T, nodes []string, key string) string {
	_, err := testenv.Do(nodes[0], "GET", key)
	if err == nil {
		return nodes[0]
	}
	var slot int
	var addr string
	_, scanErr := fmt.Sscanf(err.Error(), "MOVED %d %s", &slot, &addr)
	require.NoError(t, scanErr, "want a MOVED reply, got %v", err)
	return addr
}

// do sends one command and fails t on an error reply.
func do(t *testing.T, addr string, args ...string) string {
	got, err := testenv.Do(addr, args...)
	require.NoError(t, err, "%s %v", addr, args)
	return got
}
