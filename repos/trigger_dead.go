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
// order. Cost: 1 call for the dead letters plus 1 per dead trigger, and 1
// to drop the letters whose record is gone.
func DeadTriggers(ctx context.Context, b store.Backend, opts *Options) ([]DeadTrigger, error) {
	s, err := opts.resolve()
	if err != nil {
		return nil, err
	}
	return deadTriggers(ctx, b, s.keys, "")
}

// deadTriggers lists the dead letters of tenant ("" for all).
func deadTriggers(ctx context.Context, b store.Backend, k keyspace, tenant string) ([]DeadTrigger, error) {
	members, err := b.SMembers(ctx, k.deadTriggers())
	if err != nil {
		return nil, fmt.Errorf("repos: dead triggers: %w", err)
	}
	var dead []DeadTrigger
	var gone []string
	for _, m := range members {
		r, ok := parseRef(m)
		if !ok || (tenant != "" && r.tenant != tenant) {
			continue
		}
		fields, err := b.HGetAll(ctx, k.trigger(r.tenant, r.ident, r.action))
		if err != nil {
			return nil, fmt.Errorf("repos: dead triggers: %w", err)
		}
		if fields[triggerRefField] != m || fields[triggerDead] == "" {
			gone = append(gone, m)
			continue
		}
		due, _ := time.Parse(time.RFC3339Nano, fields[triggerDue])
		dead = append(dead, DeadTrigger{Error: fields[triggerError], Fired: Fired{
			Tenant: r.tenant, Action: r.action, Identifier: r.ident, Payload: fields[triggerPayload],
			Due: due, Attempt: int(atoi64(fields[triggerAttempts]))}})
	}
	if len(gone) > 0 {
		if _, err := b.SRem(ctx, k.deadTriggers(), gone...); err != nil {
			return nil, fmt.Errorf("repos: dead triggers: %w", err)
		}
	}
	return dead, nil
}
