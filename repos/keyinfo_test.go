package repos

import (
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/mimeiapify/store"
	"github.com/mimeiapify/store/internal/glob"
	"github.com/mimeiapify/store/internal/hashslot"
)

// hostileIDs are identifiers that try to escape their place in a key.
var hostileIDs = []string{"acme", "acme*", "*", "%41cme", "a:b", "{x}", "pk", "q", "trg", "a\x00\xff", "a b]["}

func TestParseKeyDecodesEveryShape(t *testing.T) {
	for _, prefix := range []string{"", "app:"} {
		k := keyspace{prefix: prefix}
		for _, id := range hostileIDs {
			cases := []struct {
				key  string
				want KeyInfo
			}{
				{k.user(id, id+"u"), KeyInfo{Shape: ShapeUser, Tenant: id, User: id + "u", Bucket: userBucket(id + "u")}},
				{k.userIDs(id, 7), KeyInfo{Shape: ShapeUsersBucket, Tenant: id, Bucket: 7}},
				{k.userField(id, 127, id, "v"), KeyInfo{Shape: ShapeUserField, Tenant: id, Bucket: 127, Field: id}},
				{k.lock(id, id), KeyInfo{Shape: ShapeLock, Tenant: id, Name: id}},
				{k.handlerState(id, "u", id), KeyInfo{Shape: ShapeHandlerState, Tenant: id, User: "u", Handler: id}},
				{k.sharedState(id, id, "n"), KeyInfo{Shape: ShapeSharedState, Tenant: id, User: id, Name: "n"}},
				{k.sharedIndex(id, id), KeyInfo{Shape: ShapeSharedIndex, Tenant: id, User: id}},
				{k.row(id, "tb", id), KeyInfo{Shape: ShapeRow, Tenant: id, Table: "tb", PK: id}},
				{k.pkTables(id, id), KeyInfo{Shape: ShapePKTables, Tenant: id, PK: id}},
				{k.batch(id, "s", id, "a"), KeyInfo{Shape: ShapeQueue, Tenant: id, Service: "s", Batch: id, Action: "a"}},
				{k.inflight(id, id, "b", "a"), KeyInfo{Shape: ShapeInflight, Tenant: id, Service: id, Batch: "b", Action: "a"}},
				{k.trigger(id, "i", id), KeyInfo{Shape: ShapeTrigger, Tenant: id, Ident: "i", Action: id, Shard: triggerShard(id, "i")}},
				{k.identTriggers(id, id), KeyInfo{Shape: ShapeIdentTriggers, Tenant: id, Ident: id, Shard: triggerShard(id, id)}},
				{k.generic(id, id), KeyInfo{Shape: ShapeGeneric, Tenant: id, Name: id}},
				{k.claimRecord(id, "s", "b", id, id+"c"), KeyInfo{Shape: ShapeClaim, Tenant: id, Service: "s", Batch: "b", Action: id, Name: id + "c"}},
				{k.pending(id, id), KeyInfo{Shape: ShapePending, Service: id, Bucket: tenantShard(id)}},
				{k.leasedShard(id, 3), KeyInfo{Shape: ShapeLeased, Service: id, Bucket: 3}},
				{k.tenantLease(id, id+"t"), KeyInfo{Shape: ShapeTenantLease, Service: id, Tenant: id + "t", Bucket: tenantShard(id + "t")}},
			}
			for _, c := range cases {
				got, ok := ParseKey(prefix, c.key)
				require.True(t, ok, c.key)
				require.Equal(t, c.want, got, c.key)
			}
		}
		sched := map[string]KeyInfo{
			k.schedule(0):                 {Shape: ShapeSchedule},
			k.schedule(TriggerShards - 1): {Shape: ShapeSchedule, Shard: TriggerShards - 1},
			k.deadTriggers(5):             {Shape: ShapeDeadTriggers, Shard: 5},
			k.wake(7):                     {Shape: ShapeWake, Shard: 7},
			k.listeners():                 {Shape: ShapeListeners},
		}
		for key, want := range sched {
			got, ok := ParseKey(prefix, key)
			require.True(t, ok, key)
			require.Equal(t, want, got, key)
		}
	}
}

func TestParseKeyRejectsForeignKeys(t *testing.T) {
	k := keyspace{prefix: "app:"}
	for _, key := range []string{"", "x", "other:t:a:users", "app:t::users", "app:t:a%4:users",
		"app:pending:{s}", "app:pending:{s}:leased", "app:pending:{99.0}:s", "app:pending:{" + pendingTags[0] + "}:s:other",
		"app:pending:{" + pendingTags[0] + "}:s:lease:" + wrongShardTenant(0), "app:triggers:{trg~0~x}:due",
		"app:triggers:{" + shardTags[1] + "}:days", "app:triggers:{trg~live}:other"} {
		_, ok := ParseKey("app:", key)
		require.False(t, ok, key)
	}
	_, ok := ParseKey("app:", keyspace{}.user("t", "u"))
	require.False(t, ok, "a key without the prefix")
	// An unknown key under a tenant's base still names its tenant.
	for _, key := range []string{k.tenantBase("a:b") + "future", k.tenantBase("a:b") + "{b:u}:user", k.tenantBase("a:b") + "{a%3Ab:u}:odd",
		k.tenantBase("a:b") + "{trg~1~x}:trg:i:a", k.tenantBase("a:b") + "{" + shardTags[1] + "}:trg:i",
		k.tenantBase("a:b") + "{" + shardTags[(triggerShard("a:b", "i")+1)%TriggerShards] + "}:trg:i:a"} {
		got, ok := ParseKey("app:", key)
		require.True(t, ok, key)
		require.Equal(t, KeyInfo{Shape: ShapeTenantOther, Tenant: "a:b"}, got, key)
	}
}

func TestExportedPatternsMatchOnlyTheirKeys(t *testing.T) {
	k := keyspace{prefix: "p:"}
	for _, id := range hostileIDs {
		pat, err := TenantPattern("p", id)
		require.NoError(t, err)
		for _, other := range hostileIDs {
			keys := []string{k.user(other, "u"), k.userIDs(other, 3), k.lock(other, "l"), k.generic(other, "g"), k.trigger(other, "i", "a")}
			for _, key := range keys {
				require.Equal(t, id == other, glob.Match(pat, key), "pattern %q key %q", pat, key)
			}
		}
		upat, err := UserPattern("p", id, id)
		require.NoError(t, err)
		require.True(t, glob.Match(upat, k.handlerState(id, id, "h")))
		require.False(t, glob.Match(upat, k.handlerState(id, id+"x", "h")))
	}
	_, err := TenantPattern("", "")
	require.ErrorIs(t, err, ErrInvalidID)
	_, err = TenantPattern("a*", "t")
	require.ErrorIs(t, err, store.ErrInvalidArgument)
	app, err := AppPattern("p")
	require.NoError(t, err)
	require.True(t, glob.Match(app, k.schedule(0)))
	require.False(t, glob.Match(app, "p2:t:a:users"))
}

func TestDecodeClaimReversesEncodeClaim(t *testing.T) {
	until := time.UnixMilli(1700000000123)
	got, items, ok := DecodeClaim(map[string]string{claimField: encodeClaim(until, []string{"a b", ""})})
	require.True(t, ok)
	require.True(t, got.Equal(until))
	require.Equal(t, []string{"a b", ""}, items)
}

// wrongShardTenant returns a tenant id whose pending shard is not shard.
func wrongShardTenant(shard int) string {
	for i := 0; ; i++ {
		if t := strconv.Itoa(i); tenantShard(t) != shard {
			return t
		}
	}
}

// TestPendingShardsSpreadOverTheSlots checks that shard k's slot lies in
// the k-th part of the slot space (so the shards spread evenly over the
// masters of a cluster), that a shard's keys share its slot whatever the
// prefix and service, and that tenants spread evenly over the shards.
func TestPendingShardsSpreadOverTheSlots(t *testing.T) {
	width := hashslot.Count / PendingShards
	for k, tag := range pendingTags {
		slot := int(hashslot.Of(keyspace{prefix: "app:"}.pendingShard("s", k)))
		require.Equal(t, k, slot/width, "shard %d (tag %q) lies in its part of the slot space", k, tag)
		require.Equal(t, slot, int(hashslot.Of(keyspace{}.leasedShard("other", k))), "a shard's keys share its slot")
	}
	counts := make([]int, PendingShards)
	for i := range 16000 {
		counts[tenantShard("tenant-"+strconv.Itoa(i))]++
	}
	for k, n := range counts {
		require.InDelta(t, 1000, n, 150, "tenants of shard %d", k)
	}
}
