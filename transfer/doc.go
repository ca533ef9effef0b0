// Package transfer moves data between backends: it reads keys with their
// values and remaining TTLs as portable Records, writes them back, copies
// them from one backend to another in resumable batches, verifies a copy,
// and dumps and restores them as versioned JSON lines. It is written
// against the store.Backend contract only, so it works between any two
// backends (a bolt file to Redis, Redis to Valkey, a server to a cluster).
// cmd/storectl is a thin command over it.
//
//	ReadKey, Read      a key, or every key of a listing, as Records
//	Write              one Record, value and TTL in one atomic step
//	Copy               keys from one backend to another, in batches
//	WriteAll           Records (a dump) into a backend, in batches
//	Verify             compare two backends key by key, with checksums
//	Encoder, Decoder   the JSON-lines dump format below
//
// A listing is an iter.Seq2[string, error] of keys, as Backend.Scan
// returns: b.Scan(ctx, "*") for a whole backend, repos.AppPattern or
// repos.TenantPattern for an application or one tenant.
//
// # Guarantees
//
// Write puts a key's whole value and its TTL in one Apply: a list is
// written in one step, never item by item, so an interrupted copy leaves
// every list whole or absent. Copy and WriteAll skip a key the target
// already holds with the same value, so running them again after an
// interruption finishes the job without duplicating anything; a key the
// target holds with another value stops them with ErrExists unless
// Replace. Reading a key takes three calls (type, value, TTL) that are not
// one atomic step: copy from a quiet source, or accept that a key written
// during the copy may arrive in the state of either moment. TTLs are
// copied as the time left when the key was read.
//
// # Dump format
//
// A dump is UTF-8 text, one JSON object per line (JSON Lines). The first
// line is the header:
//
//	{"format":"mimeiapify-store-dump","version":1,"created":"2026-11-29T10:00:00Z","prefix":"app:","tenant":"acme"}
//
// format and version are required (a reader refuses another format or a
// version it does not know); created, prefix and tenant are informative.
// Each following line is one key:
//
//	{"key":"t:acme:users","type":"set","value":["u1","u2"],"ttl_ms":-1}
//	{"key":"t:acme:{acme:u1}:user","type":"hash","value":{"name":"Ann"},"ttl_ms":86399512}
//	{"key":"t:acme:{acme:q:mail:b:send}:queue","type":"list","value":["a","b"],"ttl_ms":-1}
//	{"key":"k","type":"string","encoding":"base64","value":"/wA=","ttl_ms":-1}
//	{"key":"{app:triggers}:due","type":"zset","value":[["a","1767225600000"],["b","+inf"]],"ttl_ms":-1}
//
//	key       the key
//	type      "string", "hash", "list", "set" or "zset"
//	value     a string (string), an object of fields (hash), an array of
//	          items left to right (list), an array of members (set), an
//	          array of [member, score] pairs in order (zset); a score is
//	          the shortest decimal that reads back as the same float64,
//	          or "+inf" / "-inf"
//	ttl_ms    the time to live left when dumped, in milliseconds, rounded
//	          up; -1 for none. A restore gives the key this TTL from the
//	          moment it is written.
//	encoding  absent, or "base64": then the key and every string of the
//	          value (fields, items, members; not scores) are standard base64 with
//	          padding. Encoder uses it for records holding any byte string
//	          that is not valid UTF-8; other strings are plain JSON.
//
// Unknown fields, an unknown type or encoding, an empty hash, list, set or
// zset, a zset score that is not a number or a member named twice, and a
// ttl_ms of 0 or below -1 are errors. Blank lines are ignored. A
// line that does not parse gives a *LineError with its line number
// (matching ErrFormat and store.ErrInvalidArgument); WriteAll writes the
// records before it and nothing after it.
//
// # Errors
//
//	ErrExists                  a key to write exists (with another value, for Copy and WriteAll)
//	ErrFormat, *LineError      a dump line that does not parse
//	store.ErrInvalidArgument   a malformed Record (also matched by ErrFormat)
//
// plus whatever the backends return, wrapped with the key.
package transfer
