// Package valkey is a store.Backend on a Valkey or Redis 7 server,
// standalone or cluster, through the valkey-go client. Importing it
// registers the "valkey" and "valkeys" URL schemes with store.Open.
//
// New wraps a client the caller built (keeping their TLS, pool and hooks);
// Close leaves that client open unless Options.CloseClient is set. The
// Backend's methods are the shared core of the Redis-protocol backends
// (internal/rediscore), the same code as backend/redis's, on a small
// adapter of the valkey-go client; the two give the same answers.
// Concurrent calls share valkey-go's automatically pipelined connections,
// and every call is one round trip, except Update (see Guarantees).
//
// A client Open made dials through the backend's own dialer, which
// tracks its connections: Close returns within about 100 ms even when the
// server is silent (it closes the sockets under valkey-go after a 100 ms
// grace; valkey-go alone waits 1 s per connection), and a new connection
// whose handshake outlived the call that opened it is closed at once, so
// that the calls waiting for it return at their own deadlines. A client
// given to New keeps valkey-go's behaviour.
//
// # URLs
//
//	valkey://[user:pass@]host:port[/db][?params]    one server
//	valkeys://[user:pass@]host:port[/db][?params]   the same over TLS
//	valkey://host1:port?addr=host2:port&addr=...     cluster seeds
//
// With one address the client asks the server whether it is a cluster
// (CLUSTER SLOTS) and becomes a cluster client if so; addr adds seeds. The
// parameters are those of valkey.ParseURL: db, addr, dial_timeout,
// write_timeout, skip_verify (valkeys), protocol (2 for RESP2),
// max_retries (0 disables retries), client_name, master_set (Sentinel);
// and the backend's own: standalone=true (never probe for a cluster,
// needed for servers such as miniredis that answer CLUSTER SLOTS without
// being one), scan_count (the COUNT hint of SCAN, default 1000), and
// client_cache and client_cache_ttl (see Client-side caching). Any other
// parameter fails with store.ErrInvalidArgument naming it and listing the
// known ones. A backend opened by URL owns its client and closes it.
//
// Opening by URL first connects to the first address within the
// context's deadline and sends PING (over TLS for valkeys://), because
// valkey-go's NewClient takes no context and leaves background goroutines
// behind when it fails: a server that is down or silent fails within the
// deadline; a valkeys:// URL on a plaintext port fails with ErrNotTLS
// ("the server did not answer TLS"), and a valkey:// URL on a TLS port
// says to use valkeys://. valkey-go writes no log lines; Options.Logger
// exists so that both Redis-protocol backends take the same options.
//
// # Errors
//
// Server error replies become the store sentinels through
// internal/rediserr (WRONGTYPE is store.ErrWrongType, and so on), keeping
// the server's text; a nil reply is store.ErrNotFound; a closed backend or
// client is store.ErrClosed; a done context wraps ctx.Err(); connection
// errors name the server addresses. Every call checks, before anything is
// sent, that the backend is open, then that the context is not done, then
// its arguments, exactly as the store contract says (an empty field list,
// a negative TTL, LPop count below 1 are store.ErrInvalidArgument; a NaN
// or infinite HIncrByFloat delta is store.ErrNotFloat). On a cluster, an
// atomic group or Update whose keys span several hash slots fails with
// store.ErrInvalidArgument before sending (Redis would say CROSSSLOT). A
// key of a type the contract does not know (a stream)
// fails with store.ErrWrongType, naming its type, in every call but those
// that work on any key (Exists, Del, Expire, Persist, TTL, Scan, Set,
// SetNX), Type included.
//
// Note that valkey-go retries a read-only command on connection errors
// until its context is done: give calls a deadline, or set max_retries=0,
// to see connection errors at all.
//
// # Guarantees
//
// Apply is one EVALSHA of the luagroup script (EVAL when the server lacks
// it): it checks every type and increment first and writes nothing when a
// check fails. Smaller groups take cheaper routes with the same
// guarantees: a group of at most 8 ops and one increment (a record write,
// its TTL, its index entry and the index's TTL; NX and GT are PEXPIRE's)
// is an EVALSHA of a script written for its shape, which runs the group's
// commands after a TYPE check of each key whose first write does not
// check itself (sent with EVAL the first time the backend sends it), and
// a group that needs no check (SetOp, DelOp, ExpireOp, PersistOp, or
// writes after a DelOp of their key) is sent in MULTI/EXEC, since none of
// its commands can fail. ZAddOp (NX, XX), ZRemOp and LPopOp take the
// general group script (always for LPopOp, whose result it returns) or,
// after a DelOp of their key, MULTI/EXEC for ZAddOp and ZRemOp.
// ZRangeByScore is one ZRANGEBYSCORE key min max WITHSCORES LIMIT 0 limit
// (O(log n + limit) on the server). Update WATCHes its keys on a
// dedicated connection, in the round trip of fn's first read, reads there,
// then sends MULTI, EVALSHA, EXEC in one pipeline (an Update of n reads
// costs n+1 round trips); a nil EXEC runs
// fn again, up to store.MaxUpdateAttempts times, then store.ErrConflict.
// fn may also run again once when the server lost the group script
// (restart, SCRIPT FLUSH, another cluster node). On a cluster, Update's
// reads of keys outside the watched hash slot go to the shared client and
// are not guarded.
//
// Update's dedicated connection goes back to valkey-go's pool without
// cleanup commands: each command on it runs in valkey-go's synchronous
// mode (a context with a deadline, or one that cannot be cancelled, and
// the connection is closed if the caller's context is cancelled), so
// valkey-go sends no DISCARD or UNSUBSCRIBE, which would fail on the
// server and raise its error statistics with every Update.
//
// TTLs are sent in milliseconds (PX, PEXPIRE). Scan uses SCAN with MATCH
// and COUNT, never KEYS, walks every master of a cluster once and yields
// each key at most once; a pattern that is not valid UTF-8 is narrowed to
// its literal prefix on the server and matched here with Redis' rules.
// Multi-key Exists and Del are sent per hash slot on a cluster, so Del of
// keys in several slots is not one atomic step there. Replication is
// asynchronous: a failover can lose acknowledged writes.
//
// # Client-side caching
//
// Off by default. With client_cache=SIZE in the URL (bytes, or a number
// with KiB, MiB or GiB; at least 1KiB; 0 is off), the backend's Get,
// HGet, HMGet and HGetAll are served from valkey-go's client-side cache
// (DoCache): every connection of the client sends CLIENT TRACKING ON
// OPTIN; the first read of a key sends CLIENT CACHING YES, MULTI, PTTL,
// the read, EXEC, so that the server tracks the key for that connection;
// later reads of the key are answered from memory, without a round trip,
// until the server's invalidation message for the key (any client's
// write, an expiry, an eviction) drops it. A backend made by New does the
// same with Options.ClientCacheTTL, on a client built with caching on.
//
// Staleness: a write by another client reaches the cache when its
// invalidation message is read; measured by TestClientCacheInvalidation
// and TestClientCacheInvalidationCluster (Redis 7.0 on loopback, three
// runs of 200 samples per read kind, a shared 2-core machine at a load
// average of 12): median 22 to 185 µs, max 0.08 to 40 ms. Whatever
// happens to the invalidation, a cached reply is never older than
// client_cache_ttl (a Go duration, at least 1ms, default 1s: the hard
// staleness bound), and is not served past its key's own TTL: the PTTL
// read with the reply caps its life, counted from the reply's arrival,
// so an expired key is seen as missing at most one round trip late. A
// reply saying that a key is missing is cached too, and invalidated
// like any other. A connection that breaks drops its whole cache.
//
// Read-your-writes: Redis sends the invalidation of a key that the
// writing connection itself tracks after the write's reply, and valkey-go
// may send a write on another connection than the cached read, so a
// cached read right after the backend's own write could see the previous
// value. The backend therefore reads every key it wrote (the keys of each
// write command, Apply and Update included, whatever its outcome) from
// the server for client_cache_ttl after the write; the contract's
// conformance suite passes with the cache on. Other backends and
// processes see the write after the invalidation delay above.
//
// Never cached: reads inside Update (on the connection that holds the
// WATCH, or on a cluster, for a key outside the watched slot, the shared
// client without its cache), all writes, and every other read (Exists,
// TTL, Type, HExists, HLen, LRange, SMembers, SIsMember, Scan...).
//
// Memory: client_cache bounds the cached replies of one server (of each
// master, on a cluster) as valkey-go counts them: each entry's reply,
// twice its key and command, and a fixed overhead; least recently used
// entries go first. valkey-go bounds each pipelined connection
// (ClientOption.CacheSizeEachConn), so the URL's size is divided by the
// connections a standalone client opens to its server (1, 2 or 4, from
// GOMAXPROCS); a cluster client opens one per node, which gets the same
// share. TestClientCacheMemoryBound checks it with the live heap. The
// backend also remembers the keys it wrote within the last
// client_cache_ttl (read-your-writes above).
//
// It works on a cluster (each node's connection tracks the keys of its
// slots). It needs RESP3 and CLIENT TRACKING (Redis 6 or later, Valkey):
// with protocol=2 the URL is refused with store.ErrInvalidArgument, and a
// server without them (miniredis) makes Open fail with
// store.ErrUnsupported, naming the server. The redis backend has no such
// option: client_cache in a redis URL fails at Open with
// store.ErrUnsupported naming this backend. (go-redis v9.23 has an
// experimental client-side cache of its own, for its standalone client
// only; the redis backend does not use it.)
package valkey
