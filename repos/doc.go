// Package repos gives multi-tenant applications (chat bots, AI agents and
// their tools, web back ends) ready repositories for their state, written
// only against store.Backend so that they run on every backend.
//
// Each repository is bound to its tenant (and user) when made, with
// Options for a global key prefix and a default TTL. The seven
// repositories:
//
//	User         a user's record (a hash), with Incr, AppendToField, and
//	             Users (List, FindBy, FindUsersBy) over the tenant's
//	             bucketed users index and field indexes
//	StateHandler a user's conversational state, one hash per handler
//	SharedState  scratch space shared by a user's tools and agents, with
//	             List and Clear; WithSharedState and Middleware bind it
//	             to a request's context, RunTools fans a request's tools
//	             out to goroutines that find it in their context
//	Table        rows of named tables by primary key, with DeletePK
//	             across the tables
//	Batch        batch queues drained by hand (Chunk, Trim) or by
//	             workers with leases (Claim, Ack, Reap)
//	Triggers     triggers due after a delay, delivered by Listen or
//	             ListenTriggers, with DeadTriggers for those that gave up
//	Generic      plain values under the tenant: Get, Set, SetNX, Incr,
//	             Expire, TTL
//
// plus Locks, the tenant's lease locks (Lock waits, TryLock does not;
// only the holder can Unlock or Refresh).
//
// A Tenant, made once per tenant with NewTenant and then cached, hands
// out all of them for that tenant and its users (Tenant.User, State,
// Shared, Users, Table, Batch, Triggers, Generic, Locks); it is safe to
// share between goroutines.
//
// Values are stored by the codec (Encode, Decode, DecodeAs for records;
// EncodeValue, DecodeValueAs for single values) as plain hashes and
// strings that other tools can read: one field per top-level field.
// Typed calls go through it wherever a record or value comes back:
// GetUserAs, GetStateAs, UpsertStateAs, GetFieldAs, GetUserFieldAs,
// EnqueueAs, ClaimAs, ChunkAs, SetTriggerAs and PayloadAs.
//
// # Keys
//
// Every key is built in keys.go, whose doc comment has the table of key
// shapes. Identifiers are validated (non-empty, at most MaxIDLen bytes)
// and encoded injectively and glob-safely, so no id can reach another
// tenant's keys, widen a scan, or pick a Redis Cluster hash slot. The keys
// that one atomic step changes share one hash tag per user, so a tenant's
// users spread over every master.
//
// # Users index
//
// A tenant's users are spread over UserBuckets (128) buckets by a hash of
// the user id; each bucket is one hash slot holding its users' records,
// the set of their ids and, for each field of Options.IndexedFields, one
// set of ids per value. A write of a record writes those entries in the
// same atomic step, whichever call made it (Upsert, Incr, UpdateField,
// AppendToField, Delete). Users.List is an iterator that reads a bucket's
// ids per call and checks 2,000 ids per Exists (171 calls for 100,000
// users); FindBy on an indexed field reads only the matching ids (one call
// per bucket plus one per bucket holding a match). At 10 million users a
// bucket holds about 78,000 ids.
//
// # Index hygiene
//
// The bound: an index key (users bucket ids and field indexes, shared-state
// index, primary-key index, trigger identifier index, pending shard)
// expires at most indexSlack after the last
// record it names: a quarter of that record's TTL, at most MaxIndexSlack
// (one minute). Every step that writes a record extends the TTL of each
// index key naming it, in the same atomic step and without reading it
// (ExpireOp NX then GT: never shortens it). Every index key carries a TTL:
// a record without TTL gives its index keys a hundred years from its last
// write (so they outlive it by that much at most once it is deleted while
// other records keep the set). A member whose record is gone while others
// in its set live is skipped by every reader and removed by the first List or FindBy that
// meets it, all the stale members of one set in one step (an Apply that
// removes them and re-reads their records, adding back any that a
// concurrent write revived); it never outlives its set. A trigger
// shard's schedule has no TTL: an entry whose record expired (its
// retention passed with no listener running) is dropped by the first
// claim that takes it.
//
// # Batch
//
// A batch queue is a list in its own hash slot ({T:q:S:B:A}), beside its
// claims: one record per claim (its lease end and items) and a sorted set
// of the claim ids by lease end. A Claim watches only the queue's head (a
// key that every step taking items off the head, or putting them back,
// writes and deletes in its own group): Enqueues push at the tail and an
// Ack touches only its own claim, so neither makes a Claim retry; two
// Claims that read the same head do (one takes the items, the other reads
// again). Expired claims are found by lease end (ZRANGEBYSCORE) and go
// back to the head. Cost: Claim 3 round trips, Ack 1.
//
// The pending tenants of a service are spread over PendingShards (16)
// application-wide shards by tenant, each its own hash slot holding the
// shard's pending set, its tenant leases by end (a sorted set) and one
// lease key per leased tenant; the shards' slots are spread over the slot
// space, so the marks of Enqueue spread over every master. ClaimTenant
// samples a random shard (SRANDMEMBER, and its leases by end) and leases a
// free tenant with one Update over that tenant's lease key. Enqueue sends
// its push and its mark at the same time (two slots, one round trip of
// latency) and marks again after the push when the push found the queue
// empty, so that a worker that took the first mark and found the queue
// empty before the push landed does not leave the item unseen (see Batch).
//
// # Tenants that leave
//
// TenantKeys yields every key of a tenant (one Scan of its glob-escaped
// pattern); DeleteTenant deletes them and the tenant's members of
// application-wide keys (trigger schedule entries, dead letters, pending
// sets and leases), touching nothing of another tenant whatever the ids.
//
// # Triggers
//
// A trigger is a hash (due time, payload, delivery state) plus an entry in
// its shard's schedule: a sorted set whose score is the Unix millisecond
// the trigger is due. The schedule of an application is split into
// TriggerShards shards by (tenant, identifier); a shard is one hash slot
// holding its schedule, its dead letters, and the records and identifier
// indexes of its triggers, and the shards' slots spread evenly over a
// cluster's masters. So Set is one atomic step (one round trip: the
// schedule entry, the record and its TTL, the identifier's index), and a
// trigger set again only moves its score. Keyspace notifications are not
// used: they are lost while no client listens and managed servers often
// turn them off.
//
// Delivery: listeners register in a registry of the application and divide
// the shards between them (see ListenTriggers); a dead listener's shards
// pass to the others once its registration ends (min(Lease, 15 s)). A
// listener reads the earliest entry of each of its shards to learn when
// the shard is next due, and claims a shard's due triggers in one Update
// watching its schedule: it reads only what is due (ZRANGEBYSCORE -inf now
// LIMIT n), moves each entry's score to the end of its lease, counts the
// attempt and reads the record. The deliveries whose handler succeeded are
// completed together, per shard, within 20 ms (record, index entry and
// schedule entry deleted in one Update watching the schedule, if the
// entry still holds its lease's end: a trigger set again or deleted
// meanwhile is left alone). A listener claims ahead of its handlers as
// many triggers as they get through well within a lease. A failed attempt
// (an error or a panic) moves the entry to the end of a backoff; a
// listener that dies leaves entries that fall due again when their lease
// ends; up to MaxAttempts, then the trigger goes to its shard's dead
// letters. Triggers due while no listener ran are still in the schedule
// and fire when one starts, within their retention.
//
// Latency: a write that makes a trigger due within a minute also sets its
// shard's wake mark, which the shard's listener checks at each idle poll
// (one Del for all its shards, every ListenOptions.Interval, 100 ms by
// default); a listener also reads each of its shards at least once a
// minute, so it knows when triggers set further ahead fall due. A burst
// is delivered at the listeners' throughput (Concurrency handlers each).
// BenchmarkTriggerDrainVsRaw measures that throughput beside a raw
// sorted-set poller, and TestListenFiresEachTriggerOnce logs the delay
// after the due time of 10,000 triggers.
//
// Cost: Set is 1 Apply (1 round trip on Redis and Valkey); an idle
// listener makes one call per Interval whatever the number of triggers
// pending (TestListenIdleCost: 4 listeners, 39.6 calls/s with 500
// pending, where the time index this layout replaced made 78.7); a
// delivery costs its share of one claim Update per batch
// (TestListenRoundTripsPerDelivery: 0.15 round trips per delivery with 4
// listeners on the redis backend). The shards spread the work over a
// cluster's masters (TestTriggerScheduleSpreadsOverMasters: 1.03, 0.94
// and 1.03 of the fair share with 3 masters, during 20,000 Sets and
// during their delivery).
//
// # Errors
//
// Errors wrap sentinels with context naming what was wrong; match them
// with errors.Is:
//
//	store.ErrNotFound        a missing record, state or field
//	ErrInvalidID             an empty or too long identifier (also matches store.ErrInvalidArgument)
//	ErrInvalidOption         a bad Options.Prefix or a negative TTL (also matches store.ErrInvalidArgument)
//	ErrEncode                a value the codec cannot store; nothing is written
//	ErrDecode                a stored value that does not fit the destination
//	ErrLeaseExpired          a Batch.Ack after the claim's lease ended
//	ErrHandlerPanic          a trigger handler that panicked (recorded as a failed attempt)
//	ErrLocked                Locks.TryLock of a lock another holder has
//	ErrLockLost              Lock.Unlock or Refresh after the lease ended or an Unlock
//	ErrNoTenant              what a Middleware builder returns to pass a request through
//	ErrNoSharedState         RunTools with a context that carries no SharedState
//	ErrToolPanic             a tool of RunTools that panicked
//
// plus whatever the backend returns (store.ErrNotInteger from Incr on a
// text field, store.ErrConflict, a context error, ...).
//
// # Guarantees
//
// A record, its TTL and its index entries are written in one atomic step
// (one backend call) whenever they share a hash slot, as every index of a
// record does except the application-wide ones (pending sets, trigger
// schedule), which are written first. Every method's doc states its cost
// in backend calls; none scans the keyspace except TenantKeys and
// DeleteTenant.
package repos
