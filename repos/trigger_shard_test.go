package repos

import (
	"strconv"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/mimeiapify/store/internal/hashslot"
)

// TestShardTagsSpreadOverTheSlotSpace checks that shard k's slot is in
// the k-th TriggerShards-th of the slot space, so that the contiguous slot
// ranges of any number of masters each hold their share of the shards:
// with 3 masters (the ranges redis-cli makes), 11, 11 and 10.
func TestShardTagsSpreadOverTheSlotSpace(t *testing.T) {
	seen := map[string]bool{}
	perMaster := make([]int, 3)
	for k, tag := range shardTags {
		slot := int(hashslot.Of("{" + tag + "}"))
		require.GreaterOrEqual(t, slot, k*hashslot.Count/TriggerShards, tag)
		require.Less(t, slot, (k+1)*hashslot.Count/TriggerShards, tag)
		require.False(t, seen[tag])
		seen[tag] = true
		got, ok := shardOfTag(tag)
		require.True(t, ok)
		require.Equal(t, k, got)
		perMaster[slot*3/hashslot.Count]++
	}
	t.Logf("shards per master of 3: %v", perMaster)
	for _, n := range perMaster {
		require.InDelta(t, float64(TriggerShards)/3, n, 1)
	}
	for _, bad := range []string{"", "trg~", "trg~x~0", "trg~-1~0", "trg~32~0", "trg~0~99999", "trg~live"} {
		_, ok := shardOfTag(bad)
		require.False(t, ok, bad)
	}
}

// TestTriggerShardSpreadsIdentifiers checks that the identifiers of one
// tenant, and the tenants of one identifier, spread evenly over the
// shards, and that the separator keeps (a, bc) and (ab, c) apart.
func TestTriggerShardSpreadsIdentifiers(t *testing.T) {
	counts := make([]int, TriggerShards)
	const n = 64000
	for i := range n {
		counts[triggerShard("acme", string(rune('a'+i%26))+strconv.Itoa(i))]++
	}
	for k, c := range counts {
		require.InDelta(t, n/TriggerShards, c, n/TriggerShards/5, "shard %d", k)
	}
	same := 0
	for i := range 1000 {
		if triggerShard("a"+strconv.Itoa(i), "bc") == triggerShard("a", strconv.Itoa(i)+"bc") {
			same++
		}
	}
	require.Less(t, same, 100, "the tenant and the identifier are not kept apart")
}

// TestParseMember checks that parseMember reverses triggerMember.
func TestParseMember(t *testing.T) {
	for _, id := range []string{"a", "a:b", "{x}", "%41", "é"} {
		m, ok := parseMember(triggerMember(id, id+"1", id+"2"))
		require.True(t, ok)
		require.Equal(t, member{raw: triggerMember(id, id+"1", id+"2"), tenant: id, action: id + "1", ident: id + "2"}, m)
		require.Equal(t, triggerShard(id, id+"2"), m.shard())
	}
	for _, bad := range []string{"", "a:b", "a:b:c:d", "a::c", "%4:b:c"} {
		_, ok := parseMember(bad)
		require.False(t, ok, bad)
	}
}
