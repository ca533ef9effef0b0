package repos

// This file holds how listeners divide the trigger shards: the listener
// registry, and each listener's plan of its shards' polls.

import (
	"context"
	"math"
	mrand "math/rand/v2"
	"slices"
	"time"

	"github.com/mimeiapify/store"
)

// maxRegistration bounds how long a listener's registration lasts without
// renewal: a listener that died holds its shards at most this long.
const maxRegistration = 15 * time.Second

// maxListeners bounds the registrations a renewal reads.
const maxListeners = 1024

// maxRenewal bounds the time between two renewals of a registration, so
// that listeners learn of a new one within it.
const maxRenewal = time.Second

// registryTTL is the TTL of the registry key, extended at each renewal,
// so that the registry of an application that stopped listening goes.
const registryTTL = time.Hour

// registry is a listener's registration: its length and when to renew.
type registry struct {
	lease time.Duration
	next  time.Time
}

// heartbeat renews the listener's registration, drops the registrations
// that ended, and takes the shards that fall to the listener among the
// registered ones, as one Update of the registry. The next renewal is
// due after a third of the registration (at most maxRenewal), or as soon
// as another listener's registration ends.
func (l *listener) heartbeat(ctx context.Context, now time.Time) error {
	key := l.k.listeners()
	var others []store.ZMember
	err := l.b.Update(ctx, []string{key}, func(r store.Reader) ([]store.Op, error) {
		all, err := r.ZRangeByScore(ctx, key, math.Inf(-1), math.Inf(1), maxListeners)
		if err != nil {
			return nil, err
		}
		others = others[:0]
		var gone []string
		for _, z := range all {
			switch {
			case z.Member == l.id:
			case scoreTime(z.Score).After(now):
				others = append(others, z)
			default:
				gone = append(gone, z.Member)
			}
		}
		ops := []store.Op{&store.ZAddOp{Key: key, Members: []store.ZMember{{Member: l.id, Score: unixMs(now.Add(l.reg.lease))}}}}
		if len(gone) > 0 {
			ops = append(ops, &store.ZRemOp{Key: key, Members: gone})
		}
		return append(ops, extendOps(key, registryTTL)...), nil
	})
	if err != nil {
		l.reg.next = now.Add(l.o.Interval)
		return err
	}
	ids := []string{l.id}
	l.reg.next = now.Add(min(l.reg.lease/3, maxRenewal))
	for _, z := range others {
		ids = append(ids, z.Member)
		if end := scoreTime(z.Score).Add(time.Millisecond); end.Before(l.reg.next) {
			l.reg.next = end
		}
	}
	slices.Sort(ids)
	l.shards.own(shardsOf(slices.Index(ids, l.id), len(ids)), now)
	return nil
}

// shardsOf returns the shards of the i-th of n listeners: k mod n = i.
func shardsOf(i, n int) []int {
	var out []int
	for k := i; k < TriggerShards; k += n {
		out = append(out, k)
	}
	return out
}

// allShards returns every shard.
func allShards() []int {
	return shardsOf(0, 1)
}

// leave removes the listener's registration, so that the others take its
// shards at their next renewal (a tenant's listener has none).
func (l *listener) leave() {
	if l.tenant != "" {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), settleTimeout)
	defer cancel()
	if _, err := l.b.ZRem(ctx, l.k.listeners(), l.id); err != nil {
		l.report(err)
	}
}

// shardPlan is a listener's plan of the polls of its shards: when each is
// next due, and which ones had more due triggers than the last claim
// took. Only the listener's loop uses it.
type shardPlan struct {
	mine []int
	next map[int]time.Time
	more map[int]bool
}

// own makes shards the listener's; those new to it are due now.
func (p *shardPlan) own(shards []int, now time.Time) {
	if p.next == nil {
		p.next, p.more = map[int]time.Time{}, map[int]bool{}
	}
	for shard := range p.next {
		if !slices.Contains(shards, shard) {
			delete(p.next, shard)
			delete(p.more, shard)
		}
	}
	for _, shard := range shards {
		if _, ok := p.next[shard]; !ok {
			p.next[shard] = now
		}
	}
	p.mine = shards
}

// owned returns the listener's shards.
func (p *shardPlan) owned() []int {
	return p.mine
}

// due returns the shards whose poll is due at now, earliest first.
func (p *shardPlan) due(now time.Time) []int {
	var out []int
	for _, shard := range p.mine {
		if !p.next[shard].After(now) {
			out = append(out, shard)
		}
	}
	slices.SortFunc(out, func(a, b int) int { return p.next[a].Compare(p.next[b]) })
	return out
}

// wakeAll makes every shard due now and returns them.
func (p *shardPlan) wakeAll(now time.Time) []int {
	for _, shard := range p.mine {
		p.next[shard] = now
	}
	return slices.Clone(p.mine)
}

// busy reports whether shard's last claim left more due triggers.
func (p *shardPlan) busy(shard int) bool {
	return p.more[shard]
}

// plan sets shard's next poll, and whether more triggers are due there.
func (p *shardPlan) plan(shard int, at time.Time, more bool) {
	if _, ok := p.next[shard]; ok {
		p.next[shard], p.more[shard] = at, more
	}
}

// idle plans the next poll of a shard found with nothing due: when its
// earliest entry falls due (first; zero for none), and within
// wakeHorizon in any case (at a random point of its second half, so that
// the shards' reads spread over the listener's idle polls).
func (p *shardPlan) idle(shard int, now, first time.Time) {
	at := now.Add(wakeHorizon/2 + mrand.N(wakeHorizon/2))
	if !first.IsZero() && first.Before(at) {
		at = first
	}
	p.plan(shard, at, false)
}
