package repos

import (
	"context"
	"fmt"
	"time"

	"github.com/mimeiapify/store"
)

// DeadTrigger is a trigger that gave up after its last attempt.
type DeadTrigger struct {
	// Fired is its last delivery (Attempt is the number of attempts).
	Fired
	// Error is the last handler error, or why the last attempt did not
	// finish.
	Error string
}

// DeadTriggers returns the dead triggers of the repository's tenant, in no
// particular order. A dead trigger stays listed for Options.Retention, or
// until Delete, DeleteAll or Set of the same trigger. Cost: see the
// function DeadTriggers.
func (tr *Triggers) DeadTriggers(ctx context.Context) (_ []DeadTrigger, err error) {
	ctx, span := tr.s.span(ctx, "Triggers.DeadTriggers", tr.tenant)
	defer span.end(&err)
	return deadTriggers(ctx, tr.b, tr.s.keys, tr.tenant)
}

// DeadTriggers returns the dead triggers of every tenant of the
// application (the key prefix of opts, which may be nil), in no particular
// order. Cost: 1 call per shard (TriggerShards) for the dead letters plus
// 1 per dead trigger, and 1 per shard holding letters whose record is
// gone, to drop them.
func DeadTriggers(ctx context.Context, b store.Backend, opts *Options) ([]DeadTrigger, error) {
	s, err := opts.resolve()
	if err != nil {
		return nil, err
	}
	return deadTriggers(ctx, b, s.keys, "")
}

// deadTriggers lists the dead letters of tenant ("" for all).
func deadTriggers(ctx context.Context, b store.Backend, k keyspace, tenant string) ([]DeadTrigger, error) {
	var dead []DeadTrigger
	for shard := range TriggerShards {
		got, err := deadOfShard(ctx, b, k, shard, tenant)
		if err != nil {
			return nil, fmt.Errorf("repos: dead triggers: %w", err)
		}
		dead = append(dead, got...)
	}
	return dead, nil
}

// deadOfShard lists the dead letters of tenant ("" for all) in one shard,
// and drops those whose record is gone or no longer dead (set again).
func deadOfShard(ctx context.Context, b store.Backend, k keyspace, shard int, tenant string) ([]DeadTrigger, error) {
	members, err := b.SMembers(ctx, k.deadTriggers(shard))
	if err != nil {
		return nil, err
	}
	var dead []DeadTrigger
	var gone []string
	for _, raw := range members {
		m, ok := parseMember(raw)
		if !ok || (tenant != "" && m.tenant != tenant) {
			continue
		}
		fields, err := b.HGetAll(ctx, k.trigger(m.tenant, m.ident, m.action))
		if err != nil {
			return nil, err
		}
		if fields[triggerDead] == "" {
			gone = append(gone, raw)
			continue
		}
		due, _ := time.Parse(time.RFC3339Nano, fields[triggerDue])
		dead = append(dead, DeadTrigger{Error: fields[triggerError], Fired: Fired{
			Tenant: m.tenant, Action: m.action, Identifier: m.ident, Payload: fields[triggerPayload],
			Due: due, Attempt: int(atoi64(fields[triggerAttempts]))}})
	}
	if len(gone) > 0 {
		if _, err := b.SRem(ctx, k.deadTriggers(shard), gone...); err != nil {
			return nil, err
		}
	}
	return dead, nil
}
