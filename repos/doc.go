// Package repos gives multi-tenant applications (chat bots, AI agents and
// their tools, web back ends) ready repositories for their state, written
// only against store.Backend so that they run on every backend.
//
// Each repository is bound to its tenant (and user) when made, with
// Options for a global key prefix and a default TTL:
//
//	User         a user's record (a hash), with Incr, AppendToField, and
//	             Users.FindBy over the tenant's users index
//	StateHandler a user's conversational state, one hash per handler
//	SharedState  scratch space shared by a user's tools and agents, with
//	             List and Clear; WithSharedState and Middleware bind it
//	             to a request's context
//	Triggers     triggers due after a delay, delivered by Listen or
//	             ListenTriggers, with DeadTriggers for those that gave up
//	Batch        batch queues drained by hand (Chunk, Trim) or by
//	             workers with leases (Claim, Ack, Reap)
//
// Values are stored by the codec (Encode, Decode, DecodeAs) as plain
// hashes that other tools can read: one field per top-level field.
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
//
// plus whatever the backend returns (store.ErrNotInteger from Incr on a
// text field, store.ErrConflict, a context error, ...).
//
// # Guarantees
//
// A record, its TTL and its index entries are written in one atomic step
// (one backend call) whenever they share a hash slot. Two writes need two
// calls because the tenant's users index lives in another slot:
// User.Upsert and User.Delete; a failure between the two leaves at worst
// a stale index entry, which readers skip and remove. Every method's doc
// states its cost in backend calls; none scans the keyspace.
package repos
