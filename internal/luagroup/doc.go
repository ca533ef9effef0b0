// Package luagroup runs a store atomic group (Backend.Apply) on a Redis or
// Valkey server as one Lua script: one round trip, all or nothing.
//
// Redis' MULTI/EXEC does not roll back a transaction when one command
// fails (WRONGTYPE, a non-integer INCRBY), so the backends send Script with
// EVALSHA instead: it runs every check store.CheckGroup asked for before
// writing anything, then the ops in order, and returns the results of the
// result-bearing ops. Encode builds KEYS and ARGV, Decode reads the reply.
//
// Choose picks a cheaper Route for small groups: a group that needs no
// check goes as plain Commands in MULTI/EXEC, and a group of a few ops
// with at most one increment as the ShapeScript of its shape
// (EncodeShape): its own commands, after the type checks its first write
// does not do itself, with nothing to decode.
//
// # Errors
//
// A failed check comes back as a Redis error reply whose text is the one
// the Redis command would give: "WRONGTYPE ...", "ERR value is not an
// integer or out of range" or "ERR increment or decrement would overflow".
// The backends map them to the store sentinels.
//
// # Guarantees
//
// A group whose checks fail writes nothing. Integer checks are exact at
// the int64 limits although Lua numbers are doubles: values are checked
// on their decimal text and added in two parts below 2^53.
package luagroup
