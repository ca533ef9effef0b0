package repos

// This file holds the completions of a listener's deliveries: a handler
// that succeeded records its trigger here, and the listener's completer
// deletes the records and schedule entries of all those of a shard in one
// step, at most completeDelay later, so that a delivery costs a share of
// a round trip rather than one of its own.

import (
	"context"
	"fmt"
	"math"
	"sync"
	"time"

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

// finishedEntries are, per shard, the deliveries whose handler succeeded
// and that the listener has not yet completed. Until then a trigger waits for its lease's end
// (if the listener dies first, it is delivered again then: at least
// once).
type finishedEntries struct {
	mu     sync.Mutex
	shards map[int][]finishedEntry
	added  chan struct{} // signalled by add
}

// add records the entry of a trigger completed in shard.
func (f *finishedEntries) add(shard int, e finishedEntry) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.shards == nil {
		f.shards = map[int][]finishedEntry{}
	}
	f.shards[shard] = append(f.shards[shard], e)
	select {
	case f.added <- struct{}{}:
	default:
	}
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

// completeDelay bounds how long a delivery whose handler succeeded waits
// to be completed with others: an eighth of the lease, at most 20 ms.
func completeDelay(lease time.Duration) time.Duration {
	return min(lease/8, 20*time.Millisecond)
}

// completer completes the finished deliveries until ctx is done: at most
// completeDelay after the first of a batch finished, one Update per shard.
func (l *listener) completer(ctx context.Context) {
	wait := time.NewTimer(0)
	defer wait.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-l.finished.added:
		}
		wait.Reset(completeDelay(l.o.Lease))
		select {
		case <-ctx.Done():
			return
		case <-wait.C:
		}
		l.completeAll(ctx)
	}
}

// completeAll completes the finished deliveries of every shard, one
// Update per shard.
func (l *listener) completeAll(ctx context.Context) {
	for _, shard := range l.finished.pending() {
		l.report(l.complete(ctx, shard))
	}
}

// complete completes the finished deliveries of shard in one Update
// watching its schedule (see completeOps), and logs those whose lease was
// lost.
func (l *listener) complete(ctx context.Context, shard int) error {
	fin := l.finished.take(shard)
	if len(fin) == 0 {
		return nil
	}
	sched := l.k.schedule(shard)
	var lost []finishedEntry
	err := l.b.Update(ctx, []string{sched}, func(r store.Reader) ([]store.Op, error) {
		ops, gone, err := completeOps(ctx, r, sched, fin)
		lost = gone
		return ops, err
	})
	if err != nil {
		l.finished.giveBack(shard, fin)
		return fmt.Errorf("repos: trigger complete in shard %d: %w", shard, err)
	}
	for _, e := range lost {
		l.leaseLost(ctx, e.d)
	}
	return nil
}

// settleFinished completes what is left when the listener stops, with up
// to settleTimeout.
func (l *listener) settleFinished(ctx context.Context) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), settleTimeout)
	defer cancel()
	l.completeAll(ctx)
}

// finishEntry returns the finished entry of d.
func (l *listener) finishEntry(d *delivery) finishedEntry {
	return finishedEntry{d: d, index: l.k.identTriggers(d.r.tenant, d.r.ident), score: unixMs(d.end)}
}
