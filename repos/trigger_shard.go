package repos

// This file holds the sharding of the trigger schedule: which shard a
// trigger belongs to, and the hash tag of each shard.

import (
	"strconv"
	"strings"

	"github.com/mimeiapify/store/internal/hashslot"
)

// TriggerShards is the number of shards the trigger schedule of an
// application is split into. A trigger belongs to the shard of its
// (tenant, identifier) (FNV-1a of both, modulo TriggerShards), so the
// triggers of one identifier share a shard; each shard is one hash slot
// holding its schedule, its dead letters and the records of its
// triggers, and the shards' slots are spread evenly over the slot space
// (shard k's slot is in the k-th TriggerShards-th of it), so that on a
// Redis Cluster every master holds about as many shards as the others:
// with 3 masters, 11, 11 and 10. Listeners divide the shards between
// them (see ListenTriggers), so more shards than listeners are needed
// for every listener to work, and more shards than masters for every
// master to work: 32 covers clusters of up to 32 masters.
//
// It is part of the key layout: a build with another value computes other
// shards and other tags, so the triggers scheduled before are neither
// found by Get or Delete nor delivered (their records expire after their
// retention). No released version has used another value.
const TriggerShards = 32

// listenersTag is the hash tag of the listener registry (see
// keyspace.listeners); it cannot be a shard's tag, which ends in digits.
const listenersTag = "trg~live"

// shardTags are the hash tags of the shards, computed once: shard k's is
// "trg~" k "~" j with j the smallest number that puts its slot in the
// k-th TriggerShards-th of the slot space. The search is deterministic,
// so every process computes the same tags.
var shardTags = func() [TriggerShards]string {
	var tags [TriggerShards]string
	for k := range tags {
		lo, hi := k*hashslot.Count/TriggerShards, (k+1)*hashslot.Count/TriggerShards
		base := "trg~" + strconv.Itoa(k) + "~"
		for j := 0; ; j++ {
			tag := base + strconv.Itoa(j)
			if s := int(hashslot.Of(tag)); lo <= s && s < hi {
				tags[k] = tag
				break
			}
		}
	}
	return tags
}()

// triggerShard returns the shard of the triggers of (tenant, ident):
// FNV-1a 32 of the raw tenant, a NUL byte and the raw identifier, modulo
// TriggerShards.
func triggerShard(tenant, ident string) int {
	h := uint32(2166136261)
	add := func(s string) {
		for i := 0; i < len(s); i++ {
			h ^= uint32(s[i])
			h *= 16777619
		}
	}
	add(tenant)
	h *= 16777619 // the NUL separator: h ^= 0 is a no-op
	add(ident)
	return int(h % TriggerShards)
}

// shardOfTag returns the shard whose tag is tag; ok is false for any
// other string.
func shardOfTag(tag string) (int, bool) {
	rest, ok := strings.CutPrefix(tag, "trg~")
	if !ok {
		return 0, false
	}
	k, _, _ := strings.Cut(rest, "~")
	shard, err := strconv.Atoi(k)
	if err != nil || shard < 0 || shard >= TriggerShards || shardTags[shard] != tag {
		return 0, false
	}
	return shard, true
}

// member is a parsed trigger member (see triggerMember).
type member struct {
	raw                   string
	tenant, action, ident string
}

// parseMember parses a trigger member; ok is false for one that
// triggerMember could not have made.
func parseMember(raw string) (m member, ok bool) {
	parts := strings.Split(raw, ":")
	if len(parts) != 3 {
		return member{}, false
	}
	ids, ok := decAll(parts)
	if !ok {
		return member{}, false
	}
	return member{raw: raw, tenant: ids[0], action: ids[1], ident: ids[2]}, true
}

// shard returns the shard of m's trigger.
func (m member) shard() int {
	return triggerShard(m.tenant, m.ident)
}
