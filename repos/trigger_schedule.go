package repos

// This file holds the trigger schedule: the due buckets (one set of
// references per second), the set of their ids, and the dead letters, all
// in the hash slot of keyspace.schedTag.

import (
	"context"
	"strconv"
	"strings"
	"time"

	"github.com/mimeiapify/store"
)

// ref is a parsed trigger reference (see triggerRef).
type ref struct {
	raw                   string
	tenant, action, ident string
	due                   time.Time
}

// parseRef parses a reference; ok is false for one that triggerRef could
// not have made.
func parseRef(raw string) (r ref, ok bool) {
	parts := strings.Split(raw, ":")
	if len(parts) != 4 {
		return ref{}, false
	}
	ns, err := strconv.ParseInt(parts[3], 10, 64)
	if err != nil {
		return ref{}, false
	}
	r = ref{raw: raw, due: time.Unix(0, ns)}
	var ok1, ok2, ok3 bool
	r.tenant, ok1 = dec(parts[0])
	r.action, ok2 = dec(parts[1])
	r.ident, ok3 = dec(parts[2])
	return r, ok1 && ok2 && ok3
}

// bucketOf returns the due bucket (a Unix second) of a due time.
func bucketOf(due time.Time) int64 {
	return due.Unix()
}

// schedule adds ref to the due bucket of due and the bucket's id to the
// set of bucket ids, as one atomic step, so that a listener emptying the
// bucket concurrently never drops the id of a bucket that holds ref. A new
// bucket expires retention after its second ends (ExpireOp NX: the first
// trigger of a bucket sets it), so that a schedule nobody listens to does
// not grow for ever.
func schedule(ctx context.Context, b store.Backend, k keyspace, ref string, due time.Time, retention time.Duration) error {
	sec := bucketOf(due)
	bucket := k.dueBucket(sec)
	keep := time.Until(time.Unix(sec+1, 0)) + retention
	return b.Apply(ctx,
		&store.SAddOp{Key: bucket, Members: []string{ref}},
		&store.ExpireOp{Key: bucket, TTL: keep, NX: true},
		&store.SAddOp{Key: k.dueBuckets(), Members: []string{strconv.FormatInt(sec, 10)}})
}

// unschedule removes refs from their due buckets and from the dead
// letters, as one atomic step. A malformed reference is ignored. A bucket
// left empty keeps its id until a listener drops it (dropBucket).
func unschedule(ctx context.Context, b store.Backend, k keyspace, refs ...string) error {
	byBucket := map[int64][]string{}
	for _, raw := range refs {
		if r, ok := parseRef(raw); ok {
			sec := bucketOf(r.due)
			byBucket[sec] = append(byBucket[sec], raw)
		}
	}
	if len(byBucket) == 0 {
		return nil
	}
	ops := make([]store.Op, 0, len(byBucket)+1)
	for sec, members := range byBucket {
		ops = append(ops, &store.SRemOp{Key: k.dueBucket(sec), Members: members})
	}
	ops = append(ops, &store.SRemOp{Key: k.deadTriggers(), Members: refs})
	return b.Apply(ctx, ops...)
}

// bury moves ref from its due bucket to the dead letters, as one atomic
// step.
func bury(ctx context.Context, b store.Backend, k keyspace, r ref) error {
	return b.Apply(ctx,
		&store.SRemOp{Key: k.dueBucket(bucketOf(r.due)), Members: []string{r.raw}},
		&store.SAddOp{Key: k.deadTriggers(), Members: []string{r.raw}})
}

// dropBucket removes the id of the bucket of second sec if the bucket is
// empty, as one step watching both keys: a Set adding to the bucket
// concurrently either comes first (the bucket is not empty) or re-adds
// the id after.
func dropBucket(ctx context.Context, b store.Backend, k keyspace, sec int64) error {
	bucket, ids := k.dueBucket(sec), k.dueBuckets()
	return b.Update(ctx, []string{bucket, ids}, func(r store.Reader) ([]store.Op, error) {
		members, err := r.SMembers(ctx, bucket)
		if err != nil || len(members) > 0 {
			return nil, err
		}
		return []store.Op{&store.SRemOp{Key: ids, Members: []string{strconv.FormatInt(sec, 10)}}}, nil
	})
}
