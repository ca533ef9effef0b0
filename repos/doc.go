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
// index, primary-key index, trigger identifier index, pending shard, the
// trigger schedule's root) expires at most indexSlack after the last
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
// concurrent write revived); it never outlives its set. The schedule's
// time-index sets expire Retention after their span (second, minute,
// hour, day) ends.
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
// application-wide keys (trigger references, dead letters, pending sets
// and leases), touching nothing of another tenant whatever the ids.
//
// # Triggers
//
// A trigger is a hash (due time, payload, delivery state) in its
// identifier's hash slot, plus a reference to it in the due bucket of its
// second. The buckets hang from a time index in one hash slot of the
// application: the days that hold a pending trigger, each day's hours,
// each hour's minutes, each minute's seconds. Set writes the reference
// and its index entries in one atomic step before the record, so a record
// is never unscheduled. Keyspace notifications are not used: they are
// lost while no client listens and managed servers often turn them off.
//
// Delivery: Listen and ListenTriggers poll the index every
// ListenOptions.Interval (100 ms by default, at once again after a poll
// that found work), walk down only the spans that have begun, oldest
// first, collect at most 4 x Batch due references, and take them in
// random order so that listeners spread over them. A listener claims a
// trigger by leasing its record (one Update that checks it is due and not
// leased), runs the handler, and on success deletes the record; the poll
// then removes the references it finished in one call. A failed attempt
// (an error or a panic) sets a backoff; a listener that dies leaves a
// lease that ends; either way another listener takes the trigger again,
// up to MaxAttempts, then it goes to the dead letters. A listener
// remembers the triggers it found leased or backing off and does not
// claim them again before their time. Triggers due while no listener ran
// are still in their buckets and fire when one starts.
//
// Latency: a trigger fires within Interval of its due time plus the claim
// when listeners keep up; a burst is delivered at the listeners'
// throughput (Concurrency handlers each). BenchmarkTriggerDelivery
// measures that throughput beside a raw sorted-set poller, and
// TestListenFiresEachTriggerOnce logs the delay after the due time of
// 10,000 triggers; the CHANGELOG has figures.
//
// Cost per pending trigger: its record, one member in its identifier's
// index and one in its due bucket; the index sets are shared by every
// trigger of a second, minute, hour or day. Set is 2 backend calls (an
// Update for the schedule, which extends the root's TTL, an Update for
// the record), 3 when it replaces a trigger; a delivery is 2 Updates plus its share of one Apply per poll
// (4 round trips on Redis and Valkey). An idle poll reads the root (one
// id per day that holds a trigger) and the sets of today, this hour and
// this minute when they exist: a few calls reading a few dozen members,
// whatever the number of triggers pending further ahead.
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
