package repos

// This file is the key layout: every key a repository makes is built by
// one function below, and nowhere else.
//
// Identifiers are hostile: checkID rejects an empty one or one longer than
// MaxIDLen bytes, and enc encodes the rest injectively and glob-safely:
// the bytes A-Z a-z 0-9 . _ - stay, every other byte becomes %XX
// (upper-case hex). An encoded id therefore never holds ':' (the
// separator), '{' or '}' (hash tags), * ? [ ] \ (glob metacharacters),
// spaces, NUL or non-ASCII, so ids cannot collide across separators, move a
// key to another hash slot, or widen a Scan pattern.
//
// With p the prefix ("" or "app:", see Options.Prefix) and T, U, H, N, K,
// TB, S, B, A, I, G, L, F, C the encoded tenant, user, handler, state name,
// primary key, table, service, batch, action, trigger identifier, generic
// key, lock name, indexed field name and claim id, V an indexed field's value (see fieldValue),
// k.j the hash tag of pending shard k (see PendingShards and pendingTags),
// and, for the users' keys only, B the user's bucket (userBucket: FNV-1a
// of the raw user id modulo UserBuckets, in decimal):
//
//	shape                method               key                                  type
//	user record          user                 p t:T:{T:users:B}:user:U             hash
//	users index bucket   userIDs              p t:T:{T:users:B}:ids                set of raw user ids
//	user field index     userField            p t:T:{T:users:B}:by:F:V             set of raw user ids
//	handler state        handlerState         p t:T:{T:U}:state:H                  hash
//	shared state         sharedState          p t:T:{T:U}:shared:N                 hash
//	shared-state index   sharedIndex          p t:T:{T:U}:shared                   set of raw state names
//	table row            row                  p t:T:{T:pk:K}:row:TB                hash
//	primary-key index    pkTables             p t:T:{T:pk:K}:tables                set of raw table names
//	batch queue          batch                p t:T:{T:q:S:B:A}:queue              list
//	batch claims         inflight             p t:T:{T:q:S:B:A}:inflight           sorted set claim id by lease end (ms)
//	batch claim          claimRecord          p t:T:{T:q:S:B:A}:claim:C            hash "c" -> lease end and items
//	queue head version   queueHead            p t:T:{T:q:S:B:A}:head               none: set and deleted in one group
//	pending tenants      pendingShard         p pending:{k.j}:S                    set of raw tenant ids of shard k
//	leased tenants       leasedShard          p pending:{k.j}:S:leased             sorted set raw tenant id by lease end (ms)
//	tenant lease         tenantLease          p pending:{k.j}:S:lease:T            string (lease end and id; TTL the lease)
//	trigger              trigger              p t:T:{TG}:trg:I:A                   hash (due time, payload, state)
//	identifier triggers  identTriggers        p t:T:{TG}:trgs:I                    set of raw actions
//	trigger schedule     schedule             p triggers:{TG}:due                  sorted set T:A:I -> due Unix ms
//	dead triggers        deadTriggers         p triggers:{TG}:dead                 set of T:A:I
//	shard wake mark      wake                 p triggers:{TG}:wake                 string "1"
//	trigger listeners    listeners            p triggers:{trg~live}:listeners      sorted set id -> lease end Unix ms
//	generic key          generic              p t:T:kv:G                           string
//	lease lock           lock                 p t:T:lock:L                         string (the holder's token)
//
// Keys that one atomic step changes together share a hash tag: one per
// user ({T:U}), per users bucket ({T:users:B}), per primary key
// ({T:pk:K}), per trigger shard ({TG}) or per batch queue
// ({T:q:S:B:A}), so a tenant's keys spread over every Redis Cluster
// master. The tag shapes differ in their number of ':' or their fixed
// word, so they never collide (a trigger shard's tag TG starts with
// "trg~", and '~' is never in an encoded id).
//
// Pending shards: the pending tenants of a service are spread over
// PendingShards application-wide shards by tenant; a shard's pending set,
// its leases by expiry and its tenants' lease keys share the shard's tag
// {k.j}, so that a claim of a tenant is one atomic step in one slot, and
// the shards' slots are spread evenly over the slot space (pendingTags).
//
// Users index: a user's record lives in its bucket's slot, beside the
// bucket's set of user ids and the bucket's field indexes, so that a write
// of the record and of every index entry naming it is one atomic step.
// UserBuckets (128) buckets spread a tenant over 128 slots; at 10 million
// users a bucket holds about 78,000 ids (binomial spread: +-1%), instead
// of one 600 MB set. Measured on Redis 7 (TestUsersBucketSizeOnRedis,
// 12-byte ids): the largest index key at 100,000 users is 44,568 bytes
// (MEMORY USAGE), so about 4.5 MB at 10 million.
//
// TTL rule for index keys: every step that writes a record extends the TTL
// of each index key naming it to at least the record's TTL plus
// indexSlack, never shortening it (ExpireOp NX then GT in the write's own
// group, no read); a record without TTL gives them indexForever (a hundred
// years). So an index key never expires before a record it names, and
// outlives the longest-lived one by at most the slack (a hundred years
// after the last write of a record without TTL). A member whose record is gone while
// others in its set live is removed by the next read that meets it
// (Users.List, Users.FindBy, SharedState.List), all of one set at once.
//
// Triggers: the triggers of an application are split into TriggerShards
// shards by (tenant, identifier) (see trigger_shard.go). A trigger's
// record, its identifier's index, and its shard's schedule, dead letters
// and wake mark share the shard's tag TG, so that Set, a claim and a
// completion are each one atomic step; the shards' tags are chosen so
// that their slots spread evenly over the slot space, hence over every
// master. A trigger member is T:A:I (see triggerMember); the decoding of
// T, A and I is dec. The schedule holds members only (about 40 bytes
// each), not payloads. Every key of tenant T starts with p "t:" T ":", which tenantPattern
// turns into a Scan pattern that matches no other tenant's keys.

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strconv"
	"strings"

	"github.com/mimeiapify/store/internal/glob"
)

// MaxIDLen is the longest identifier, in bytes, that a repository accepts.
// It bounds key length and the cost of Scan patterns built from ids.
const MaxIDLen = 512

// keyspace builds the keys of one prefix. The zero value has no prefix.
type keyspace struct {
	prefix string // "" or ending with ':'; validated by Options.resolve
}

// checkID returns an error wrapping ErrInvalidID, naming what, when id is
// empty or longer than MaxIDLen bytes.
func checkID(what, id string) error {
	switch {
	case id == "":
		return fmt.Errorf("%w: %s is empty", ErrInvalidID, what)
	case len(id) > MaxIDLen:
		return fmt.Errorf("%w: %s %q is %d bytes, more than %d", ErrInvalidID, what, clipID(id), len(id), MaxIDLen)
	}
	return nil
}

// checkIDs checks pairs of (name, id) with checkID and returns the first
// error.
func checkIDs(pairs ...string) error {
	for i := 0; i+1 < len(pairs); i += 2 {
		if err := checkID(pairs[i], pairs[i+1]); err != nil {
			return err
		}
	}
	return nil
}

// clipID shortens an id quoted in an error message.
func clipID(id string) string {
	const limit = 64
	if len(id) <= limit {
		return id
	}
	return id[:limit] + "..."
}

// keep reports whether enc keeps byte c as it is.
func keep(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' ||
		c == '.' || c == '_' || c == '-'
}

// enc encodes an identifier for use inside a key: bytes in [A-Za-z0-9._-]
// stay, every other byte becomes %XX with upper-case hex digits. It is
// injective, and its result holds no separator, hash-tag or glob byte.
func enc(id string) string {
	n := 0
	for i := 0; i < len(id); i++ {
		if !keep(id[i]) {
			n++
		}
	}
	if n == 0 {
		return id
	}
	const hex = "0123456789ABCDEF"
	var b strings.Builder
	b.Grow(len(id) + 2*n)
	for i := 0; i < len(id); i++ {
		c := id[i]
		if keep(c) {
			b.WriteByte(c)
			continue
		}
		b.WriteByte('%')
		b.WriteByte(hex[c>>4])
		b.WriteByte(hex[c&15])
	}
	return b.String()
}

// tenantBase returns p "t:" T ":", the start of every key of the tenant.
func (k keyspace) tenantBase(tenant string) string {
	return k.prefix + "t:" + enc(tenant) + ":"
}

// userTag returns p "t:" T ":{" T ":" U "}", the start of every key of one
// user, all in the user's hash slot.
func (k keyspace) userTag(tenant, user string) string {
	t := enc(tenant)
	return k.prefix + "t:" + t + ":{" + t + ":" + enc(user) + "}"
}

// UserBuckets is the number of buckets a tenant's users are spread over
// (see Users): each bucket is its own hash slot holding the records of its
// users and their index sets. It is part of the key layout and never
// changes.
const UserBuckets = 128

// userBucket returns the bucket of a raw user id: FNV-1a 32 modulo
// UserBuckets.
func userBucket(user string) int {
	h := uint32(2166136261)
	for i := 0; i < len(user); i++ {
		h ^= uint32(user[i])
		h *= 16777619
	}
	return int(h % UserBuckets)
}

// usersTag returns p "t:" T ":{" T ":users:" B "}", the start of the keys
// of one users bucket, all in one hash slot.
func (k keyspace) usersTag(tenant string, bucket int) string {
	t := enc(tenant)
	return k.prefix + "t:" + t + ":{" + t + ":users:" + strconv.Itoa(bucket) + "}"
}

// user returns the key of a user record, in its bucket's slot:
// p t:T:{T:users:B}:user:U (hash).
func (k keyspace) user(tenant, user string) string {
	return k.usersTag(tenant, userBucket(user)) + ":user:" + enc(user)
}

// userIDs returns the key of the ids of the users of one bucket:
// p t:T:{T:users:B}:ids (set of raw user ids).
func (k keyspace) userIDs(tenant string, bucket int) string {
	return k.usersTag(tenant, bucket) + ":ids"
}

// userField returns the key of the ids of the users of one bucket whose
// indexed field holds value: p t:T:{T:users:B}:by:F:V (set of raw user
// ids), V as fieldValue gives it.
func (k keyspace) userField(tenant string, bucket int, field, value string) string {
	return k.usersTag(tenant, bucket) + ":by:" + enc(field) + ":" + fieldValue(value)
}

// fieldValue returns the form of an indexed value inside a key: enc(v)
// for values up to 64 bytes, else "~" and the hex SHA-256 of v ('~' is
// never in enc's output, so the two forms never collide; readers compare
// the record's value, so a hash collision cannot return a wrong match).
func fieldValue(v string) string {
	if len(v) <= 64 {
		return enc(v)
	}
	sum := sha256.Sum256([]byte(v))
	return "~" + hex.EncodeToString(sum[:])
}

// handlerState returns the key of a handler's state of one user:
// p t:T:{T:U}:state:H (hash).
func (k keyspace) handlerState(tenant, user, handler string) string {
	return k.userTag(tenant, user) + ":state:" + enc(handler)
}

// sharedState returns the key of one shared state of a user:
// p t:T:{T:U}:shared:N (hash).
func (k keyspace) sharedState(tenant, user, name string) string {
	return k.userTag(tenant, user) + ":shared:" + enc(name)
}

// sharedIndex returns the key of a user's shared-state index:
// p t:T:{T:U}:shared (set of raw state names).
func (k keyspace) sharedIndex(tenant, user string) string {
	return k.userTag(tenant, user) + ":shared"
}

// pkTag returns p "t:" T ":{" T ":pk:" K "}", the start of the keys of one
// primary key, all in one hash slot.
func (k keyspace) pkTag(tenant, pk string) string {
	t := enc(tenant)
	return k.prefix + "t:" + t + ":{" + t + ":pk:" + enc(pk) + "}"
}

// row returns the key of a table row: p t:T:{T:pk:K}:row:TB (hash).
func (k keyspace) row(tenant, table, pk string) string {
	return k.pkTag(tenant, pk) + ":row:" + enc(table)
}

// pkTables returns the key of the index of the tables holding a row for a
// primary key: p t:T:{T:pk:K}:tables (set of raw table names).
func (k keyspace) pkTables(tenant, pk string) string {
	return k.pkTag(tenant, pk) + ":tables"
}

// queueTag returns p "t:" T ":{" T ":q:" S ":" B ":" A "}", the start of
// the keys of one batch queue, all in one hash slot.
func (k keyspace) queueTag(tenant, service, batch, action string) string {
	t := enc(tenant)
	return k.prefix + "t:" + t + ":{" + t + ":q:" + enc(service) + ":" + enc(batch) + ":" + enc(action) + "}"
}

// batch returns the key of a batch queue: p t:T:{T:q:S:B:A}:queue (list).
func (k keyspace) batch(tenant, service, batch, action string) string {
	return k.queueTag(tenant, service, batch, action) + ":queue"
}

// inflight returns the key of a batch queue's claims by lease end:
// p t:T:{T:q:S:B:A}:inflight (sorted set of claim ids scored by the end
// of their lease in Unix milliseconds; each claim's items are in its
// claimRecord).
func (k keyspace) inflight(tenant, service, batch, action string) string {
	return k.queueTag(tenant, service, batch, action) + ":inflight"
}

// batchPattern returns a Scan pattern matching every batch queue key (and
// claims key) of one tenant and service, and nothing else:
// p t:T:{T:q:S:* (with the prefix glob-escaped).
func (k keyspace) batchPattern(tenant, service string) string {
	t := enc(tenant)
	return glob.Escape(k.prefix+"t:"+t+":{"+t+":q:"+enc(service)+":") + "*"
}

// pending returns the key of the pending set of the shard of tenant for
// a service (see pendingShard in keys_batch.go).
func (k keyspace) pending(service, tenant string) string {
	return k.pendingShard(service, tenantShard(tenant))
}

// trigger returns the key of a trigger, in its shard's slot:
// p t:T:{TG}:trg:I:A (hash of due time, payload and delivery state), with
// TG the tag of the shard of (T, I) (see triggerShard).
func (k keyspace) trigger(tenant, ident, action string) string {
	return k.tenantBase(tenant) + "{" + shardTags[triggerShard(tenant, ident)] + "}:trg:" + enc(ident) + ":" + enc(action)
}

// identTriggers returns the key of the set of actions with a trigger for
// one identifier, in the slot of its triggers: p t:T:{TG}:trgs:I (set of
// raw actions).
func (k keyspace) identTriggers(tenant, ident string) string {
	return k.tenantBase(tenant) + "{" + shardTags[triggerShard(tenant, ident)] + "}:trgs:" + enc(ident)
}

// shardBase returns p "triggers:{" TG "}", the start of the
// application-wide keys of trigger shard shard, in the shard's slot.
func (k keyspace) shardBase(shard int) string {
	return k.prefix + "triggers:{" + shardTags[shard] + "}"
}

// schedule returns the key of a shard's schedule: p triggers:{TG}:due
// (sorted set of trigger members, scored by due time in Unix ms).
func (k keyspace) schedule(shard int) string {
	return k.shardBase(shard) + ":due"
}

// deadTriggers returns the key of the members of a shard's triggers that
// gave up: p triggers:{TG}:dead (set of trigger members).
func (k keyspace) deadTriggers(shard int) string {
	return k.shardBase(shard) + ":dead"
}

// wake returns the key of a shard's wake mark: p triggers:{TG}:wake
// (string, set by a write that makes a trigger due soon; see wakeHorizon).
func (k keyspace) wake(shard int) string {
	return k.shardBase(shard) + ":wake"
}

// listeners returns the key of the application's listener registry:
// p triggers:{trg~live}:listeners (sorted set of listener ids scored by
// the Unix ms their registration ends).
func (k keyspace) listeners() string {
	return k.prefix + "triggers:{" + listenersTag + "}:listeners"
}

// triggerMember returns the member naming a trigger in its shard's
// schedule and dead letters: T:A:I. It holds no due time, so a trigger set
// again keeps its member and only moves its score.
func triggerMember(tenant, action, ident string) string {
	return enc(tenant) + ":" + enc(action) + ":" + enc(ident)
}

// dec reverses enc; ok is false when s is not an output of enc.
func dec(s string) (string, bool) {
	if strings.IndexByte(s, '%') < 0 {
		return s, true
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] != '%' {
			b.WriteByte(s[i])
			continue
		}
		if i+2 >= len(s) {
			return "", false
		}
		v, err := strconv.ParseUint(s[i+1:i+3], 16, 8)
		if err != nil {
			return "", false
		}
		b.WriteByte(byte(v))
		i += 2
	}
	return b.String(), true
}

// generic returns the key of a generic value: p t:T:kv:G (string).
func (k keyspace) generic(tenant, key string) string {
	return k.tenantBase(tenant) + "kv:" + enc(key)
}

// lock returns the key of a lease lock: p t:T:lock:L (string holding the
// holder's token).
func (k keyspace) lock(tenant, name string) string {
	return k.tenantBase(tenant) + "lock:" + enc(name)
}

// tenantPattern returns a Scan pattern matching every key of the tenant
// and no key of another tenant: p t:T:* with the prefix glob-escaped.
func (k keyspace) tenantPattern(tenant string) string {
	return glob.Escape(k.tenantBase(tenant)) + "*"
}
