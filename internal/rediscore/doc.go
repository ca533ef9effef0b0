// Package rediscore is the one implementation of store.Backend for the
// servers that speak the Redis protocol. backend/redis (go-redis) and
// backend/valkey (valkey-go) are thin: each keeps its options, its New,
// its URL parsing and an adapter of its client to Client; everything else
// lives here once: every Backend and Reader method, the argument checks
// and their order, reply and error mapping (internal/rediserr), the Apply
// routes and scripts (internal/luagroup), the Update state machine (WATCH,
// retries paced by internal/retry, UNWATCH), hash-slot checks and routing,
// and the cluster-wide Scan.
//
// # The adapter
//
// A backend describes each command as a Cmd (name tokens, keys, arguments
// and the Kind of reply expected) and hands it to its Client, which sends
// it and reads the reply into a Result. Pipelines, MULTI/EXEC transactions
// (Client.Tx), a connection of its own for WATCH (Client.Pin), the masters
// of a cluster (Client.Masters) and the classification of the client's
// errors (Client.IsNil, IsReply, IsClosed) are the whole surface. A new
// Backend method is written once, here, on Cmds.
//
// # Order of checks
//
// Every method checks, before anything is sent: that the backend is open
// (store.ErrClosed), then that ctx is not done (ctx.Err()), then its
// arguments (store.ErrInvalidArgument, store.ErrNotFloat).
//
// # Keys of unknown types
//
// A key that holds a kind of value the contract does not know (a sorted
// set, a stream, written by another program) is, as on the server, an
// ordinary key for the calls that work on any key (Exists, Del, Expire,
// Persist, TTL, Scan, Set, and DelOp, ExpireOp, PersistOp, SetOp in a
// group); every other call, Type included, fails with store.ErrWrongType
// naming the server's type.
package rediscore
