package repos

// This file holds what the index readers share: reading the records an
// index names in batches of one hash slot, and removing the members whose
// record is gone, all of one set in one step.

import (
	"context"
	"errors"
	"time"

	"github.com/mimeiapify/store"
)

// readChunk is how many records one Apply reads (HGetAllOp each).
const readChunk = 500

// readRecords reads the hashes at keys, which must share a hash slot, in
// one Apply per readChunk keys; a missing record gives an empty map.
func readRecords(ctx context.Context, b store.Backend, keys []string) ([]map[string]string, error) {
	out := make([]map[string]string, 0, len(keys))
	for start := 0; start < len(keys); start += readChunk {
		chunk := keys[start:min(start+readChunk, len(keys))]
		ops := make([]store.Op, len(chunk))
		reads := make([]store.HGetAllOp, len(chunk))
		for i, k := range chunk {
			reads[i].Key = k
			ops[i] = &reads[i]
		}
		if err := b.Apply(ctx, ops...); err != nil {
			return nil, err
		}
		for i := range reads {
			out = append(out, reads[i].Result)
		}
	}
	return out, nil
}

// pruneSet removes stale from the index set at set, whose members name
// the records record(member) in set's hash slot. In one Apply it removes
// them and reads their records again; a member whose record became valid
// meanwhile (a concurrent write) is added back with a TTL covering its
// record, so that no valid member is lost. Cost: 1 Apply per readChunk
// stale members, plus, only after such a race, a TTL read per member
// added back and one Update.
func pruneSet(ctx context.Context, b store.Backend, set string, stale []string,
	record func(member string) string, valid func(fields map[string]string) bool) error {
	var back []string
	for start := 0; start < len(stale); start += readChunk {
		chunk := stale[start:min(start+readChunk, len(stale))]
		ops := make([]store.Op, 0, len(chunk)+1)
		ops = append(ops, &store.SRemOp{Key: set, Members: chunk})
		reads := make([]store.HGetAllOp, len(chunk))
		for i, m := range chunk {
			reads[i].Key = record(m)
			ops = append(ops, &reads[i])
		}
		if err := b.Apply(ctx, ops...); err != nil {
			return err
		}
		for i := range reads {
			if valid(reads[i].Result) {
				back = append(back, chunk[i])
			}
		}
	}
	if len(back) == 0 {
		return nil
	}
	return readd(ctx, b, set, back, record)
}

// readd adds members back to set with a TTL at least as long as their
// records' (none if one of them has none); members whose record is gone
// again are left out.
func readd(ctx context.Context, b store.Backend, set string, members []string, record func(string) string) error {
	var keep []string
	var ttl time.Duration
	forever := false
	for _, m := range members {
		left, err := b.TTL(ctx, record(m))
		switch {
		case errors.Is(err, store.ErrNotFound):
			continue
		case err != nil:
			return err
		case left == store.NoExpiry:
			forever = true
		case left > ttl:
			ttl = left
		}
		keep = append(keep, m)
	}
	if len(keep) == 0 {
		return nil
	}
	if forever {
		ttl = 0
	}
	return applyIndexed(ctx, b, set, ttl, &store.SAddOp{Key: set, Members: keep})
}

// nonEmpty reports whether a record exists (a hash is never empty).
func nonEmpty(fields map[string]string) bool { return len(fields) > 0 }
