// Package bolt is a store.Backend over one go.etcd.io/bbolt file: a
// durable, single-process store for local development and small
// deployments, with the answers a Redis 7 server gives.
//
// # URLs
//
// Importing the package registers Scheme with store.Open:
//
//	bolt:///var/lib/app/state.db         absolute path
//	bolt://data/state.db                 relative path (host and path joined)
//	bolt:///state.db?timeout=2s&nosync=true&sweep=1m
//
// Query parameters: timeout (how long to wait for the file lock another
// process holds; default 5s, cut short by the context's deadline),
// nosync (skip fsync: fast, and a machine crash can lose or corrupt the
// file), sweep (interval of the expired-key sweeper; negative disables
// it), sweepbatch (keys deleted per sweeping transaction) and maxbatch
// (writes per group commit). Any other parameter fails with
// store.ErrInvalidArgument, listing the known ones, and so does a URL that
// names no file ("bolt://"). Opening by URL creates the missing parent
// directories of the file (mode 0755); Open, given a path, does not.
//
// # Errors
//
// Errors wrap the store sentinels (store.ErrNotFound, store.ErrWrongType,
// ...) with the operation and key, as "bolt: hget \"k\" \"f\": store: not
// found"; match them with errors.Is. A call about several keys is named
// by its first key (Apply by its first op's key), Scan by its pattern.
// After Close every call fails with store.ErrClosed, and a call whose
// context is done with an error wrapping ctx.Err(), named the same way;
// a write waiting for the writer goroutine gives up when its context
// ends. Opening a file another process holds fails after Options.Timeout
// with an error that says the file is locked and names it. bbolt's own
// limits surface as its errors: a key, field or member longer than 32767
// bytes fails with bbolt's "key too large". A write that fails at commit
// (a full disk) names its call too: "bolt: set \"k\": write ...: no space
// left on device". A damaged file gives errors wrapping ErrCorrupt.
//
// # Damaged files
//
// bbolt trusts its file: a truncated or damaged one can make it fault on a
// mapped read (a crash no recover catches), panic, or return wrong data.
// So Open first checks the file's structure without mapping it (both meta
// pages, the file's size against its page count, every page in use, key
// order, the freelist, the top-level buckets), reading each page in use
// once, and refuses a damaged file with ErrCorrupt, leaving it neither
// open nor locked. Every stored record carries a CRC-32C of itself and its
// key (see the layout below), so damage inside a record fails the read
// that meets it with ErrCorrupt instead of returning wrong data; a lookup
// that misses next to a damaged record, and a collection whose elements
// disagree with its count, fail the same way. As a last resort every call
// into bbolt turns a memory fault or a panic raised inside bbolt into an
// error wrapping ErrCorrupt.
//
// # Guarantees
//
// Every call is one bbolt transaction. A write is durable (fsynced) when
// it returns, unless NoSync is set. Writes go through one writer
// goroutine that commits every write queued meanwhile in one
// transaction (group commit): a lone writer commits at once, and many
// concurrent writers share fsyncs. A write that fails inside a group is
// answered with its error and the group runs again without it, so it
// writes nothing and fails no other write. Apply runs its checks and its
// ops in one transaction; Update runs its function over the same
// read-write transaction that applies its ops, so it never conflicts (its
// function blocks other writers while it runs and must not call the
// backend). If Update's context is done by the time its function returns,
// it writes nothing and fails with the context's error.
//
// Reads run in their own read transactions, concurrently with writes.
// Scan reads at most 256 keys per read transaction and holds none while
// the caller's loop body runs. Expired keys are invisible to every call
// the moment they expire; a background sweeper deletes them from the file
// in transactions of at most Options.SweepBatch keys and stops on Close.
// The file never shrinks (bbolt reuses freed pages); compact it offline
// with the bbolt command.
//
// # On-disk layout
//
// Three top-level buckets. Stored keys, fields and members are prefixed
// with the byte 'k', because bbolt refuses empty keys and Redis allows
// them.
//
//	meta   'k'+key -> type (1 byte) | expiry, Unix ms, 0 = none (8 bytes BE) |
//	         CRC-32C of 'k'+key, type, expiry and payload (4 bytes BE) | payload
//	         string: payload is the value
//	         hash, set, zset: payload is the count of fields or members (8 bytes BE)
//	         list: payload is head and tail indexes (8 bytes BE each)
//	coll   'k'+key -> nested bucket, one per hash, set, sorted set or list:
//	         hash: 'k'+field -> value | sum
//	         set:  'k'+member -> sum
//	         a field or member longer than 512 bytes is stored instead as
//	         'h'+SHA-256(name) -> uvarint(len(name)) | name | value | sum
//	         list: index (8 bytes BE) -> element | sum, for head <= index < tail;
//	               a new list starts at 1<<63, LPush grows down, RPush up
//	         zset: two records per member:
//	               member record, as a hash field whose value is the score
//	               (float64 bits, 8 bytes BE): 'k'+member -> score | sum
//	               (or 'h'+SHA-256 for a long member, as above);
//	               order record 'z' + sortable score (8 bytes: the float's
//	               bits with the sign bit flipped, or all bits for a
//	               negative one, so byte order is numeric order; -0 as 0)
//	               + member -> sum; a member longer than 512 bytes is
//	               'z' + score + its first 512 bytes + SHA-256(member)
//	               -> member | sum, and long members sharing score and
//	               prefix are put in order when read
//	         sum: CRC-32C of key, the element's stored key and what precedes
//	              the sum (4 bytes BE)
//	exp    expiry (8 bytes BE) + 'k'+key -> empty, the sweeper's index
//
// So a hash-field, set-member or list-end change writes one element and
// the small meta record, never the whole collection; HLen, SCard, LLen and
// ZCard read only the meta record; LRange seeks to its first index; Scan
// walks the meta bucket in key order from glob.LiteralPrefix of its
// pattern. A ZAdd of a new member writes its two records and the meta
// record; one that changes a score also deletes the old order record
// (O(log n) B+tree work per member either way); ZRem deletes both
// records; ZScore is one lookup; ZRangeByScore seeks once to its min and
// reads only the order records it returns (O(log n + limit)).
package bolt
