package repos

// This file holds the completions of a listener's deliveries: a handler
// that succeeded records its trigger here, and the next claim in the
// trigger's shard deletes the records and entries of all of them, in the
// claim's own step, so that a delivery costs no round trip of its own.

import (
	"context"
	"math"
	"sync"

	"github.com/mimeiapify/store"
)

// finishedEntry is a completed delivery: its trigger's member, the score
// its claim gave its schedule entry (the lease's end), its record and its
// identifier's index.
type finishedEntry struct {
	d     *delivery
	index string
	score float64
}

// finishedEntries are, per shard, the deliveries the listener completed
// and has not yet settled. Until then a trigger waits for its lease's end
// (if the listener dies first, it is delivered again then: at least
// once).
type finishedEntries struct {
	mu     sync.Mutex
	shards map[int][]finishedEntry
}

// add records the entry of a trigger completed in shard.
func (f *finishedEntries) add(shard int, e finishedEntry) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.shards == nil {
		f.shards = map[int][]finishedEntry{}
	}
	f.shards[shard] = append(f.shards[shard], e)
}

// has reports whether shard has entries to remove.
func (f *finishedEntries) has(shard int) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.shards[shard]) > 0
}

// take returns shard's entries and forgets them.
func (f *finishedEntries) take(shard int) []finishedEntry {
	f.mu.Lock()
	defer f.mu.Unlock()
	got := f.shards[shard]
	delete(f.shards, shard)
	return got
}

// giveBack records entries again after a claim that failed to remove them.
func (f *finishedEntries) giveBack(shard int, entries []finishedEntry) {
	for _, e := range entries {
		f.add(shard, e)
	}
}

// pending returns the shards with entries to remove.
func (f *finishedEntries) pending() []int {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []int
	for shard, entries := range f.shards {
		if len(entries) > 0 {
			out = append(out, shard)
		}
	}
	return out
}

// completeOps reads, in a claim's Update watching the schedule, the
// entries scored within the span of entries' scores, and returns the ops
// that complete the deliveries whose entry still holds the score their
// claim gave it: delete the record, the index entry and the schedule
// entry. Every change to a trigger that matters changes its entry (Set
// moves it to the new due time, Delete removes it, a claim after the
// lease's end moves it to the new lease's end), so an entry that moved
// is left alone: the delivery's outcome is dropped.
//
// It also returns the entries it leaves alone.
func completeOps(ctx context.Context, r store.Reader, sched string, entries []finishedEntry) ([]store.Op, []finishedEntry, error) {
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, e := range entries {
		lo, hi = min(lo, e.score), max(hi, e.score)
	}
	got, err := r.ZRangeByScore(ctx, sched, lo, hi, 4*len(entries)+1024)
	if err != nil {
		return nil, nil, err
	}
	scores := make(map[string]float64, len(got))
	for _, z := range got {
		scores[z.Member] = z.Score
	}
	var ops []store.Op
	var members []string
	var lost []finishedEntry
	for _, e := range entries {
		if s, ok := scores[e.d.r.raw]; !ok || s != e.score {
			lost = append(lost, e)
			continue
		}
		members = append(members, e.d.r.raw)
		ops = append(ops, &store.DelOp{Key: e.d.key}, &store.SRemOp{Key: e.index, Members: []string{e.d.r.action}})
	}
	if len(members) == 0 {
		return nil, lost, nil
	}
	return append(ops, &store.ZRemOp{Key: sched, Members: members}), lost, nil
}

// settleFinished completes the finished deliveries of every shard but
// skip's (one claim of nothing each), with up to settleTimeout: at each
// round for the shards it did not poll, and when the listener stops.
func (l *listener) settleFinished(ctx context.Context, skip func(shard int) bool) {
	if len(l.finished.pending()) == 0 {
		return
	}
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), settleTimeout)
	defer cancel()
	for _, shard := range l.finished.pending() {
		if !skip(shard) {
			_, _, err := l.claim(ctx, shard, 0)
			l.report(err)
		}
	}
}

// finishEntry returns the finished entry of d.
func (l *listener) finishEntry(d *delivery) finishedEntry {
	return finishedEntry{d: d, index: l.k.identTriggers(d.r.tenant, d.r.ident), score: unixMs(d.end)}
}
