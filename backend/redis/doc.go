// Package redis is the store backend on Redis (and servers that speak its
// protocol) through go-redis v9: a single server, a Redis Cluster or a
// Sentinel-managed group. Import it for its side effect to make the URL
// schemes below available to store.Open, or call Open or New directly.
//
// # URLs
//
//	redis://[user:pass@]host:port/db?params           one server
//	rediss://[user:pass@]host:port/db?params          one server over TLS
//	redis+cluster://host1:port?addr=host2:port&...    a cluster (seed nodes)
//	rediss+cluster://host1:port?addr=host2:port&...   a cluster over TLS
//	redis+sentinel://host:port/db?master_name=m&addr=host2:port
//	rediss+sentinel://...                             sentinels over TLS
//
// The parameters are go-redis' own (ParseURL, ParseClusterURL,
// ParseFailoverURL: dial_timeout, read_timeout, pool_size, max_retries,
// ...); an unknown one fails with store.ErrInvalidArgument naming it and
// listing the known ones. A sentinel URL without master_name fails the
// same way, before any dial. The settings that decide recovery from a
// fault: dial_timeout (5 s), read_timeout (3 s; a context deadline bounds
// a call anyway), max_retries (3; 0 or -1 turns retries off, on a cluster
// only those of each node: see below) and, on a cluster
// URL, cluster_state_reload_interval (this package's own parameter: how
// often the slot map is reloaded while the client is used, a duration,
// DefaultClusterStateReloadInterval = 10 s instead of go-redis' 60 s).
// Besides, a cluster backend asks go-redis for a new slot map after any
// call fails with a network error, so that the slots of a dead master go
// to its promoted replica within a second of the promotion (a failover
// on a 1 s cluster-node-timeout recovered in 2.2-3.1 s from the kill).
// Open sets DisableIdentity (Redis 7.0 rejects CLIENT SETINFO),
// ContextTimeoutEnabled (context deadlines bound socket waits) and, unless
// the URL has pool_size, a pool of max(64, 32 x GOMAXPROCS) connections
// instead of go-redis' 10 x GOMAXPROCS, which makes 64 concurrent callers
// queue for connections. Open pings the server and fails, naming the
// address, when it cannot reach it, within the context's deadline (or the
// dial timeout when the context has none).
//
// A redis:// or rediss:// URL that names a node of a Redis Cluster (the
// node answers CLUSTER INFO) gets a cluster client seeded with that node
// before anything is written, as valkey:// does: a single-server client
// would fail with MOVED on most keys after some writes landed. Such a URL
// with a database other than 0 fails, naming redis+cluster://.
//
// A rediss:// URL on a plaintext port fails with ErrNotTLS ("the server
// did not answer TLS"), within the deadline: Open makes one TLS handshake
// before go-redis dials, and the client's dialer bounds its handshakes by
// the caller's context. A redis:// URL on a TLS port says to use rediss://.
//
// go-redis logs through one process-wide logger, to stderr by default.
// Importing this package replaces it (goredis.SetLogger) with one that
// hands each line to Options.Logger of every open Backend (once per
// distinct logger, at level Warn), and of an OpenOptions in progress;
// with none the line is dropped. go-redis does not say which client a
// line is about, so with several backends every logger sees every line.
// Calling goredis.SetLogger after the import takes the lines back.
//
// New wraps a client the caller configured (hooks, TLS, pools are kept);
// its Close leaves that client open unless Options.CloseClient is set.
// The Backend's methods are the shared core of the Redis-protocol
// backends (internal/rediscore), the same code as backend/valkey's, on a
// small adapter of the go-redis client; the two give the same answers.
//
// # Errors
//
// Server replies map to the store sentinels: WRONGTYPE to ErrWrongType,
// a non-integer to ErrNotInteger, an overflow to ErrOverflow, a non-float
// to ErrNotFloat, a missing key or field (redis.Nil) to ErrNotFound, an
// invalid expire time to ErrInvalidArgument (internal/rediserr). Every
// call checks, before anything is sent, that the backend is open
// (ErrClosed), then that the context is not done (wrapping ctx.Err()),
// then its arguments: those the contract forbids fail with
// ErrInvalidArgument (or ErrNotFloat for a NaN or infinite delta); so
// does, on a cluster, an Apply or Update whose keys span several hash
// slots (Redis would say CROSSSLOT). Network errors name the address that
// failed; one that comes once the context is done or past its deadline
// wraps the context's error. A key of a type the contract does not know
// (a stream, written by another program) fails with
// ErrWrongType, naming its type, in every call but those that work on any
// key (Exists, Del, Expire, Persist, TTL, Scan, Set, SetNX), Type
// included.
//
// # Guarantees
//
// Every call is one round trip: TTLs are set with PX and PEXPIRE at
// millisecond precision (ExpireOp's NX and GT are PEXPIRE's, Redis 7.0+); Apply is one EVALSHA of a Lua script
// (internal/luagroup) that checks every type and increment before it writes,
// so a failing group writes nothing (EVAL once when the server lacks the
// script). Smaller groups take cheaper routes with the same guarantees: a
// group of at most 8 ops and one increment (a record write, its TTL, its
// index entry and the index's TTL; HSetOp, ExpireOp and HGetAllOp...) is
// an EVALSHA of a script written for its shape, which runs the group's
// commands after a TYPE check of each key whose first write does not
// check itself (sent with EVAL the first time the backend sends it), and a
// group that needs no check (SetOp, DelOp, ExpireOp, PersistOp, or writes
// after a DelOp of their key) is sent in MULTI/EXEC, since none of its
// commands can fail. ZAddOp (NX, XX), ZRemOp and LPopOp take the general
// group script (always for LPopOp, whose result it returns) or, after a
// DelOp of their key, MULTI/EXEC for ZAddOp and ZRemOp. ZRangeByScore is
// one ZRANGEBYSCORE key min max WITHSCORES LIMIT 0 limit (O(log n + limit)
// on the server; a score of -0 is sent as 0, which Redis stores for it
// anyway).
// Update is WATCH, the reads, then MULTI/EVALSHA/EXEC
// in one pipeline, retried on conflict up to store.MaxUpdateAttempts times;
// on one server the WATCH travels with the first read (with SCRIPT LOAD
// while the backend has not seen the server hold the script), so an Update
// of n reads costs n+1 round trips (on a cluster, where go-redis WATCHes
// to find the node, n+2 for the first attempt) (fn may also run again once
// when the server lost the script; an Update that reads nothing before
// the script is loaded sends EVAL).
// With no keys, Update watches nothing and applies fn's ops as Apply does.
// Scan uses SCAN MATCH COUNT, never KEYS; on a cluster it walks every
// master once, and it yields each key at most once. Keys are also matched
// here with Redis' rules (internal/glob), and a pattern that is not valid
// UTF-8 is narrowed to its literal prefix on the server.
//
// On a cluster, the keys of one Apply or Update must share a hash slot;
// Update's reads of keys outside that slot go to the shared client and
// are not guarded. Exists and Del of keys in several slots send one
// command per slot in a pipeline, so such a Del is not one atomic step.
// Replication is asynchronous: a failover can lose acknowledged writes,
// and Redis Cluster is not strongly consistent. go-redis retries commands
// on network errors (MaxRetries), so a write whose reply was lost may be
// applied twice; set max_retries=0 when that matters more than
// availability. A cluster client also resends a command after a network
// error up to max_redirects times (3), whatever max_retries says.
package redis
