package repos

// This file holds the trigger schedule, all in the hash slot of
// keyspace.schedTag: a four-level time index over the due buckets, and
// the dead letters.
//
//	days        the Unix days that hold a pending trigger
//	day:D       the Unix hours of day D that hold one
//	hour:H      the Unix minutes of hour H that hold one
//	minute:M    the Unix seconds of minute M that hold one
//	due:S       the references of the triggers due in second S
//
// A listener's poll reads the days, then only the hours of the days that
// have begun, the minutes of the hours that have begun, the seconds of
// the minutes that have begun and the buckets of the seconds that have
// begun: a few small sets, however many triggers are pending further
// ahead. Empty sets whose span has ended are
// dropped from their parent by the listeners (dropChild).

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

// scheduleLevel is one level of the time index: the width in seconds of
// the spans whose ids its sets hold, and the key of the set of one span's
// children.
type scheduleLevel struct {
	width int64
	child func(k keyspace, id int64) string
}

// scheduleLevels are the levels below the root (keyspace.dueDays): the
// days, whose children are sets of hours; the hours, whose children are
// sets of minutes; the minutes, whose children are sets of seconds; the
// seconds, whose children are the due buckets.
var scheduleLevels = [...]scheduleLevel{
	{86400, keyspace.dueDay},
	{3600, keyspace.dueHour},
	{60, keyspace.dueMinute},
	{1, keyspace.dueBucket},
}

// floorDiv divides rounding toward minus infinity, so that a second
// before 1970 still falls in its own minute and hour.
func floorDiv(a, b int64) int64 {
	q := a / b
	if a%b != 0 && (a < 0) != (b < 0) {
		q--
	}
	return q
}

// schedule adds ref to the due bucket of due, and the bucket's second,
// minute, hour and day to the time index, as one atomic step, so that a
// listener emptying a set concurrently never drops the id of a set that
// holds ref. Each new set expires retention after its span ends (ExpireOp
// NX: the first trigger of a span sets it), so that a schedule nobody
// listens to does not grow for ever; the root, one id per day, gets a TTL
// extended (never shortened) to its day's, so it expires with the last
// day it names.
func schedule(ctx context.Context, b store.Backend, k keyspace, ref string, due time.Time, retention time.Duration) error {
	sec := bucketOf(due)
	ops := make([]store.Op, 0, 2*len(scheduleLevels)+1)
	member := ref
	var keep time.Duration
	for i := len(scheduleLevels) - 1; i >= 0; i-- {
		lv := scheduleLevels[i]
		id := floorDiv(sec, lv.width)
		key := lv.child(k, id)
		keep = max(time.Until(time.Unix((id+1)*lv.width, 0))+retention, time.Millisecond)
		ops = append(ops, &store.SAddOp{Key: key, Members: []string{member}},
			&store.ExpireOp{Key: key, TTL: keep, NX: true})
		member = strconv.FormatInt(id, 10)
	}
	ops = append(ops, &store.SAddOp{Key: k.dueDays(), Members: []string{member}})
	return applyIndexed(ctx, b, k.dueDays(), keep, ops...)
}

// unschedule removes refs from their due buckets and from the dead
// letters, as one atomic step. A malformed reference is ignored. A bucket
// left empty keeps its id until a listener drops it (dropChild).
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

// dropChild removes id from the index set parent if the set child (the
// span id names) is empty, as one step watching both keys: a schedule
// adding to child concurrently either comes first (child is not empty)
// or re-adds id after.
func dropChild(ctx context.Context, b store.Backend, child, parent, id string) error {
	return b.Update(ctx, []string{child, parent}, func(r store.Reader) ([]store.Op, error) {
		members, err := r.SMembers(ctx, child)
		if err != nil || len(members) > 0 {
			return nil, err
		}
		return []store.Op{&store.SRemOp{Key: parent, Members: []string{id}}}, nil
	})
}
