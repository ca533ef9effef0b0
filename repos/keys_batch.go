package repos

// This file holds the key functions of the batch layout that keys.go's
// table lists: the pending shards of a service, their tenant leases, and
// the per-claim keys of a batch queue.

import (
	"strconv"

	"github.com/mimeiapify/store/internal/hashslot"
)

// PendingShards is the number of shards the pending tenants of a service
// are spread over (see Batch): a tenant's shard is FNV-1a of its raw id
// modulo PendingShards, and each shard is its own hash slot, holding the
// shard's pending set, its tenant leases and their expiry index. The
// shards' hash tags are chosen so that their slots fall one in each
// PendingShards-th of the slot space, in order: on a cluster whose masters own
// contiguous equal slot ranges (what redis-cli --cluster create makes),
// each of M masters owns PendingShards/M shards, give or take one. It is
// part of the key layout: changing it moves tenants to other shards, and
// pending marks left in the old shards are no longer read.
const PendingShards = 16

// pendingTags are the hash tags of the pending shards: "k.j", with k the
// shard and j the smallest number that puts the tag's slot in the middle
// half of the k-th PendingShards-th of the slot space. They depend on
// nothing else (not the prefix, not the service), so they are computed
// once.
var pendingTags = func() [PendingShards]string {
	var tags [PendingShards]string
	width := hashslot.Count / PendingShards
	for k := range tags {
		lo := k*width + width/4
		hi := k*width + 3*width/4
		for j := 0; ; j++ {
			tag := strconv.Itoa(k) + "." + strconv.Itoa(j)
			if s := int(hashslot.Of("{" + tag + "}")); s >= lo && s < hi {
				tags[k] = tag
				break
			}
		}
	}
	return tags
}()

// tenantShard returns the pending shard of a raw tenant id: FNV-1a 32
// modulo PendingShards.
func tenantShard(tenant string) int {
	h := uint32(2166136261)
	for i := 0; i < len(tenant); i++ {
		h ^= uint32(tenant[i])
		h *= 16777619
	}
	return int(h % PendingShards)
}

// pendingShard returns the key of the set of tenants of one shard with
// pending batches for a service: p pending:{k.j}:S (set of raw tenant
// ids).
func (k keyspace) pendingShard(service string, shard int) string {
	return k.prefix + "pending:{" + pendingTags[shard] + "}:" + enc(service)
}

// leasedShard returns the key of the tenant leases of one shard of a
// service by expiry: p pending:{k.j}:S:leased (sorted set of raw tenant
// ids, scored by the end of their lease in Unix milliseconds).
func (k keyspace) leasedShard(service string, shard int) string {
	return k.pendingShard(service, shard) + ":leased"
}

// tenantLease returns the key of one tenant's lease for a service, in
// its shard's slot: p pending:{k.j}:S:lease:T (string: the lease's end in
// Unix milliseconds and its id; its TTL is the lease).
func (k keyspace) tenantLease(service, tenant string) string {
	return k.pendingShard(service, tenantShard(tenant)) + ":lease:" + enc(tenant)
}

// claimRecord returns the key of one claim of a batch queue:
// p t:T:{T:q:S:B:A}:claim:C (hash: field "c" holds the lease's end and
// the items, see encodeClaim), C the encoded claim id.
func (k keyspace) claimRecord(tenant, service, batch, action, id string) string {
	return k.queueKeys(tenant, service, batch, action).record(id)
}

// queueKeys are the keys of one batch queue, built from its tag once: the
// queue (batch), its claims (inflight) and its head version (queueHead).
type queueKeys struct {
	tag, queue, claims, head string
}

// queueKeys returns the keys of one batch queue.
func (k keyspace) queueKeys(tenant, service, batch, action string) queueKeys {
	tag := k.queueTag(tenant, service, batch, action)
	return queueKeys{tag: tag, queue: tag + ":queue", claims: tag + ":inflight", head: tag + ":head"}
}

// record returns the key of the queue's claim id (see claimRecord).
func (q queueKeys) record(id string) string {
	return q.tag + ":claim:" + enc(id)
}

// queueHead returns the key that every step taking items off a queue's
// head, or putting items back there, writes and deletes in its own group
// (it never persists): p t:T:{T:q:S:B:A}:head. Claim watches it, so that
// two claims never take the same items, while Enqueue (at the tail) and
// Ack (its own claim's keys) leave it alone and never make a Claim retry.
func (k keyspace) queueHead(tenant, service, batch, action string) string {
	return k.queueTag(tenant, service, batch, action) + ":head"
}
