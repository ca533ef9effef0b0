package repos

// This file holds what lets a tenant leave: the enumeration of its keys
// (TenantKeys) and their deletion with its entries in application-wide
// keys (DeleteTenant).

import (
	"context"
	"fmt"
	"iter"
	"strings"

	"github.com/mimeiapify/store"
	"github.com/mimeiapify/store/internal/glob"
)

// deleteChunk is how many keys DeleteTenant deletes in one call.
const deleteChunk = 500

// TenantKeys yields every key of tenant under opts' Prefix (opts may be
// nil), each once, and no key of another tenant whatever the ids: every
// key a repository makes for a tenant starts with p "t:" T ":" (see the
// key layout in keys.go), and the Scan pattern built from it is
// glob-escaped, so tenants "acme*", "*" or "%41cme" never reach "acme"'s
// keys nor the reverse. The keys are the tenant's whole data: user
// records and their index buckets, handler and shared states, table rows
// and their indexes, batch queues and claims, triggers and their
// indexes, generic keys. On failure it yields one error and stops.
//
// Cost: one Scan with the tenant's pattern. No index covers every kind of
// key of a tenant (handler states, generic keys, batch queues and trigger
// identifiers have none), so an index walk would not spare the Scan. On
// bolt the Scan seeks to the tenant's prefix (cost grows with the
// tenant's keys); on Redis and Valkey SCAN MATCH walks every key of every
// master server-side (a cursor, never KEYS) and sends only the tenant's;
// the memory backend matches its keys in memory.
//
// Application-wide keys are not yielded: the pending sets of batch
// services and the trigger schedule hold the tenant's id in members, not
// keys; DeleteTenant removes those members.
func TenantKeys(ctx context.Context, b store.Backend, tenant string, opts *Options) iter.Seq2[string, error] {
	s, err := tenantSettings(tenant, opts)
	if err != nil {
		return func(yield func(string, error) bool) { yield("", err) }
	}
	return b.Scan(ctx, s.keys.tenantPattern(tenant))
}

// tenantSettings validates tenant and opts.
func tenantSettings(tenant string, opts *Options) (settings, error) {
	if err := checkID("tenant", tenant); err != nil {
		return settings{}, err
	}
	return opts.resolve()
}

// DeleteTenant deletes every key of tenant (see TenantKeys) under opts'
// Prefix, on every master of a cluster, and removes the tenant from the
// application-wide keys: its triggers' entries from the trigger shards'
// schedules and dead letters, and the tenant from its pending shard of
// every batch service (marks, leases and lease keys). It touches nothing
// of another tenant.
// It returns how many keys it deleted.
//
// Stop the tenant's writers first: a write that races with DeleteTenant
// may survive it (a second DeleteTenant removes it). A failure leaves
// part of the tenant; running DeleteTenant again finishes the job.
//
// Cost: TenantKeys' Scan, one Del per 500 keys (one pipeline per call on a
// cluster), one Apply per shard holding some of the 500 keys' triggers,
// one read of each shard's dead letters (TriggerShards), and one Scan of
// the keys of the tenant's pending shard (p pending:{k.j}:*, there is no
// index of services) with one call per pending set, leases and lease key
// of the tenant found.
func DeleteTenant(ctx context.Context, b store.Backend, tenant string, opts *Options) (int64, error) {
	what := fmt.Sprintf("repos: delete tenant %q", clipID(tenant))
	s, err := tenantSettings(tenant, opts)
	if err != nil {
		return 0, fmt.Errorf("%s: %w", what, err)
	}
	var deleted int64
	var chunk []string
	for key, err := range b.Scan(ctx, s.keys.tenantPattern(tenant)) {
		if err != nil {
			return deleted, fmt.Errorf("%s: %w", what, err)
		}
		if chunk = append(chunk, key); len(chunk) == deleteChunk {
			n, err := deleteKeys(ctx, b, s.keys, chunk)
			deleted += n
			if err != nil {
				return deleted, fmt.Errorf("%s: %w", what, err)
			}
			chunk = chunk[:0]
		}
	}
	n, err := deleteKeys(ctx, b, s.keys, chunk)
	deleted += n
	if err == nil {
		err = dropDeadRefs(ctx, b, s.keys, tenant)
	}
	if err == nil {
		err = dropPending(ctx, b, s.keys, tenant)
	}
	if err != nil {
		return deleted, fmt.Errorf("%s: %w", what, err)
	}
	return deleted, nil
}

// deleteKeys unschedules the triggers among keys, then deletes keys.
func deleteKeys(ctx context.Context, b store.Backend, k keyspace, keys []string) (int64, error) {
	if len(keys) == 0 {
		return 0, nil
	}
	byShard := map[int][]string{}
	for _, key := range keys {
		if info, ok := ParseKey(k.prefix, key); ok && info.Shape == ShapeTrigger {
			shard := triggerShard(info.Tenant, info.Ident)
			byShard[shard] = append(byShard[shard], triggerMember(info.Tenant, info.Action, info.Ident))
		}
	}
	for shard, members := range byShard {
		if err := b.Apply(ctx, &store.ZRemOp{Key: k.schedule(shard), Members: members},
			&store.SRemOp{Key: k.deadTriggers(shard), Members: members}); err != nil {
			return 0, err
		}
	}
	return b.Del(ctx, keys...)
}

// dropDeadRefs removes the tenant's members from the dead letters of
// every shard (a dead trigger's record may be gone already).
func dropDeadRefs(ctx context.Context, b store.Backend, k keyspace, tenant string) error {
	for shard := range TriggerShards {
		members, err := b.SMembers(ctx, k.deadTriggers(shard))
		if err != nil {
			return err
		}
		var mine []string
		for _, raw := range members {
			if m, ok := parseMember(raw); ok && m.tenant == tenant {
				mine = append(mine, raw)
			}
		}
		if len(mine) > 0 {
			if _, err := b.SRem(ctx, k.deadTriggers(shard), mine...); err != nil {
				return err
			}
		}
	}
	return nil
}

// dropPending removes the tenant from every pending set and leases of
// its shard, and deletes its lease keys: one Scan of the shard's keys
// (there is no index of services).
func dropPending(ctx context.Context, b store.Backend, k keyspace, tenant string) error {
	shard := tenantShard(tenant)
	base := k.prefix + "pending:{"
	pattern := glob.Escape(base+pendingTags[shard]+"}:") + "*"
	for key, err := range b.Scan(ctx, pattern) {
		if err != nil {
			return err
		}
		rest, _ := strings.CutPrefix(key, base)
		info, ok := parsePendingKey(rest)
		if !ok {
			continue
		}
		switch info.Shape {
		case ShapePending:
			_, err = b.SRem(ctx, key, tenant)
		case ShapeLeased:
			_, err = b.ZRem(ctx, key, tenant)
		case ShapeTenantLease:
			if info.Tenant == tenant {
				_, err = b.Del(ctx, key)
			}
		}
		if err != nil {
			return err
		}
	}
	return nil
}
