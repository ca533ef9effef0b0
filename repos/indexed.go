package repos

// This file holds the write helper of the repositories that keep a record
// and an index set of its group in one hash slot (Table, Triggers).

import (
	"context"
	"time"

	"github.com/mimeiapify/store"
)

// applyIndexed applies ops (which write records of index's group) together
// with a TTL for the index set that keeps it alive at least as long as a
// record written with ttl, as one Apply: ops, then indexTTLOps (ExpireOp
// NX, then ExpireOp GT, both to indexTTL(ttl)), so that the index's TTL is
// extended and never shortened without reading it first.
//
// The index is therefore removed with its last entry, or at most
// indexSlack(ttl) after its longest-lived record expired (indexForever
// after it was last written when a record it names has no TTL).
func applyIndexed(ctx context.Context, b store.Backend, index string, ttl time.Duration, ops ...store.Op) error {
	return b.Apply(ctx, append(ops, indexTTLOps(index, ttl)...)...)
}

// indexTTLOps returns the ops that give index, in a group that writes a
// record with TTL ttl (0: none), a TTL of at least indexTTL(ttl) without
// ever shortening it: ExpireOp NX gives one to a key without TTL (one the
// group has just created: every index key gets a TTL in the group that
// creates it), then ExpireOp GT extends a shorter one. They must follow
// the group's write of index.
func indexTTLOps(index string, ttl time.Duration) []store.Op {
	return extendOps(index, indexTTL(ttl))
}

// extendOps returns the ops that set key's TTL to ttl when it has none or
// a shorter one, and leave a longer one alone (see indexTTLOps).
func extendOps(key string, ttl time.Duration) []store.Op {
	return []store.Op{&store.ExpireOp{Key: key, TTL: ttl, NX: true}, &store.ExpireOp{Key: key, TTL: ttl, GT: true}}
}

// indexForever is the TTL given to an index key naming a record without
// TTL: a hundred years, "never" in practice. Index keys always carry a
// TTL, so that one ExpireOp GT extends them without reading them (a key
// without TTL counts as never expiring for GT, which would leave such a
// key persistent after its records with TTL expired); each write of a
// record without TTL renews it.
const indexForever = 100 * 365 * 24 * time.Hour

// indexTTL returns the TTL an index key naming a record with TTL ttl gets
// at least: ttl plus indexSlack(ttl), or indexForever for a record without
// TTL (ttl 0).
func indexTTL(ttl time.Duration) time.Duration {
	if ttl == 0 {
		return indexForever
	}
	return ttl + indexSlack(ttl)
}

// MaxIndexSlack bounds how long an index key may outlive the last record
// it names: an index's TTL is extended to the record's TTL plus a quarter
// of it, at most MaxIndexSlack (see applyIndexed).
const MaxIndexSlack = time.Minute

// indexSlack returns how much longer than a record with TTL ttl its index
// keys are kept: ttl/4, at most MaxIndexSlack.
func indexSlack(ttl time.Duration) time.Duration {
	return min(ttl/4, MaxIndexSlack)
}

// deleteIndexed deletes, as one atomic step, the index set at index and
// the record of every member of it (record maps a member to its key). It
// returns the members that had an entry. The index is read inside an
// Update, so that an entry added meanwhile is not lost.
func deleteIndexed(ctx context.Context, b store.Backend, index string, record func(member string) string) ([]string, error) {
	var members []string
	err := b.Update(ctx, []string{index}, func(r store.Reader) ([]store.Op, error) {
		m, err := r.SMembers(ctx, index)
		if err != nil || len(m) == 0 {
			members = nil
			return nil, err
		}
		members = m
		ops := make([]store.Op, 0, len(m)+1)
		for _, name := range m {
			ops = append(ops, &store.DelOp{Key: record(name)})
		}
		return append(ops, &store.DelOp{Key: index}), nil
	})
	if err != nil {
		return nil, err
	}
	return members, nil
}
