package repos

import (
	"context"
	"fmt"
	"time"

	"github.com/mimeiapify/store"
)

// RescheduleTriggers puts the triggers whose record keys are among keys
// back in the application's schedule (opts' prefix; opts may be nil): a
// pending trigger's entry into its shard's schedule, a dead one's into its
// shard's dead letters. Keys of other shapes, and records that are gone,
// are skipped; it returns how many triggers it scheduled.
//
// The schedule is made of application-wide keys, so the keys of one tenant
// copied alone to another backend (storectl copy --tenant, the import of a
// tenant export) bring their trigger records without their schedule
// entries: until this call, such triggers never fire there. Entries
// already scheduled stay as they are (ZADD NX: a trigger being delivered
// keeps its lease), so it may be called on any keys. Cost: 2 calls per trigger (its record, then one
// Apply).
func RescheduleTriggers(ctx context.Context, b store.Backend, keys []string, opts *Options) (int, error) {
	s, err := opts.resolve()
	if err != nil {
		return 0, err
	}
	n := 0
	for _, key := range keys {
		info, ok := ParseKey(s.keys.prefix, key)
		if !ok || info.Shape != ShapeTrigger {
			continue
		}
		done, err := reschedule(ctx, b, s.keys, key, info)
		if err != nil {
			return n, fmt.Errorf("repos: reschedule trigger %q: %w", clipID(key), err)
		}
		if done {
			n++
		}
	}
	return n, nil
}

// reschedule schedules the trigger record at key again; false when the
// record is gone, malformed, or past its retention.
func reschedule(ctx context.Context, b store.Backend, k keyspace, key string, info KeyInfo) (bool, error) {
	fields, err := b.HGetAll(ctx, key)
	if err != nil {
		return false, err
	}
	due, err := time.Parse(time.RFC3339Nano, fields[triggerDue])
	if err != nil {
		return false, nil
	}
	shard := triggerShard(info.Tenant, info.Ident)
	m := triggerMember(info.Tenant, info.Action, info.Ident)
	if fields[triggerDead] != "" {
		return true, b.Apply(ctx, &store.SAddOp{Key: k.deadTriggers(shard), Members: []string{m}})
	}
	keep := time.Duration(atoi64(fields[triggerKeep])) * time.Millisecond
	if keep <= 0 {
		keep = DefaultRetention
	}
	if time.Until(due)+keep <= 0 {
		return false, nil
	}
	ops := append([]store.Op{&store.ZAddOp{Key: k.schedule(shard), NX: true, Members: []store.ZMember{{Member: m, Score: dueScore(due)}}}},
		wakeOps(k, shard, time.Until(due))...)
	return true, b.Apply(ctx, ops...)
}
