package repos

// This file holds the write helper of the repositories that keep a record
// and an index set of its group in one hash slot (Table, Triggers).

import (
	"context"
	"errors"
	"time"

	"github.com/mimeiapify/store"
)

// applyIndexed applies ops (which write records of index's group) together
// with a TTL for the index set that keeps it alive at least as long as a
// record written with ttl, as one atomic step:
//
//   - ttl 0 (the record never expires): one Apply with a PersistOp on the
//     index, which must then never expire either.
//   - ttl > 0: one Update watching the index that reads its TTL and, only
//     when it is shorter than ttl, extends it to ttl plus indexSlack(ttl),
//     so that an index never expires before one of its records (a record
//     stored earlier with a longer TTL keeps its entry). The contract has
//     no "extend only" expiry (Redis' EXPIRE ... GT), hence the read. The
//     slack makes the writes of the next indexSlack leave the index's TTL
//     alone, so that concurrent writers of one index do not conflict on
//     it at every write.
//
// The index is therefore removed with its last entry, or at most
// indexSlack(ttl) after its longest-lived record expired.
func applyIndexed(ctx context.Context, b store.Backend, index string, ttl time.Duration, ops ...store.Op) error {
	if ttl == 0 {
		return b.Apply(ctx, append(ops, &store.PersistOp{Key: index})...)
	}
	return b.Update(ctx, []string{index}, func(r store.Reader) ([]store.Op, error) {
		left, err := r.TTL(ctx, index)
		switch {
		case errors.Is(err, store.ErrNotFound):
			return append(ops, &store.ExpireOp{Key: index, TTL: ttl + indexSlack(ttl)}), nil
		case err != nil:
			return nil, err
		case left == store.NoExpiry || left >= ttl:
			return ops, nil
		}
		return append(ops, &store.ExpireOp{Key: index, TTL: ttl + indexSlack(ttl)}), nil
	})
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
