package repos

import (
	"testing"

	"github.com/stretchr/testify/require"
)

func TestBatchKeyShapes(t *testing.T) {
	k := keyspace{prefix: "app:"}
	cases := map[string]string{
		k.pendingShard("s", 0):                      "app:pending:{" + pendingTags[0] + "}:s",
		k.leasedShard("s", 15):                      "app:pending:{" + pendingTags[15] + "}:s:leased",
		k.tenantLease("s", "a:b"):                   "app:pending:{" + pendingTags[tenantShard("a:b")] + "}:s:lease:a%3Ab",
		k.pending("s", "a:b"):                       "app:pending:{" + pendingTags[tenantShard("a:b")] + "}:s",
		k.claimRecord("acme", "s", "b", "a", "c-1"): "app:t:acme:{acme:q:s:b:a}:claim:c-1",
		k.queueHead("acme", "s", "b", "a"):          "app:t:acme:{acme:q:s:b:a}:head",
	}
	for got, want := range cases {
		require.Equal(t, want, got)
	}
	require.Equal(t, "0.", pendingTags[0][:2], "tags start with their shard")
}
