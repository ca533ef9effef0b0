package repos

// This file holds the trigger schedule of one shard (keyspace.schedule):
// a sorted set of trigger members scored by the Unix millisecond they are
// due, or, while a listener holds one, when its lease ends, or, after a
// failed attempt, when the next attempt is due. So a listener reads only
// what is due (ZRANGEBYSCORE -inf now LIMIT n), and a trigger set again
// only moves its score: there are no stale entries to skip.
//
// The wake mark of a shard (keyspace.wake) tells the shard's listener to
// look at the shard now: a write that makes a trigger due within
// wakeHorizon sets it, in the write's own group; a listener checks the
// marks of all its shards in one call (Del) at each idle poll, and reads
// each of its shards at least once per wakeHorizon, so it learns of
// triggers due later without a mark.

import (
	"context"
	"math"
	"time"

	"github.com/mimeiapify/store"
)

// wakeHorizon: a write that makes a trigger due within it sets its
// shard's wake mark; listeners read every shard they hold at least once
// per wakeHorizon.
const wakeHorizon = time.Minute

// wakeOps returns the ops that set shard's wake mark when a trigger of
// the shard falls due in d (none when d is beyond wakeHorizon).
func wakeOps(k keyspace, shard int, d time.Duration) []store.Op {
	if d > wakeHorizon {
		return nil
	}
	return []store.Op{&store.SetOp{Key: k.wake(shard), Value: "1", TTL: wakeHorizon}}
}

// head returns the first entry of shard's schedule (the earliest score);
// ok is false when the schedule is empty. Cost: 1 call.
func head(ctx context.Context, b store.Backend, k keyspace, shard int) (store.ZMember, bool, error) {
	got, err := b.ZRangeByScore(ctx, k.schedule(shard), math.Inf(-1), math.Inf(1), 1)
	if err != nil || len(got) == 0 {
		return store.ZMember{}, false, err
	}
	return got[0], true, nil
}

// scoreTime returns the time of a schedule score.
func scoreTime(score float64) time.Time {
	return time.UnixMilli(int64(score))
}
