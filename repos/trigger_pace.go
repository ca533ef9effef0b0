package repos

// This file holds how many deliveries a listener claims ahead of its
// handlers: enough that a claim takes a batch rather than one trigger as
// each handler finishes, few enough that a claimed trigger does not wait
// for a handler through much of its lease.

import (
	"context"
	"sync"
	"time"
)

// pace counts a listener's claimed deliveries that have not finished, and
// learns how long its handlers take.
type pace struct {
	mu       sync.Mutex
	inflight int
	avg      time.Duration // moving average of the handlers' durations; 0 before the first
	freed    chan struct{} // signalled when a delivery finishes
}

// newPace returns an empty pace.
func newPace() *pace {
	return &pace{freed: make(chan struct{}, 1)}
}

// limit returns how many deliveries may be claimed and not finished: the
// Concurrency running plus a queue that its handlers work through within
// a quarter of the lease at their average duration (Concurrency until one
// finished), at most Batch.
func (p *pace) limit(o ListenOptions) int {
	p.mu.Lock()
	avg := p.avg
	p.mu.Unlock()
	queue := o.Concurrency
	if avg > 0 {
		queue = int(min(int64(o.Batch), int64(o.Concurrency)*int64(o.Lease/4)/int64(max(avg, time.Microsecond))))
	}
	return o.Concurrency + max(queue, 1)
}

// acquire waits until at least half of the queue's room (see limit) is
// free, or all of it, then takes the free room up to Batch and returns
// how much it took (0 when ctx ended). flush: take what is free now, even
// nothing, without waiting.
func (p *pace) acquire(ctx context.Context, o ListenOptions, flush bool) int {
	for {
		limit := p.limit(o)
		p.mu.Lock()
		free := min(limit-p.inflight, o.Batch)
		if flush || free >= max((limit-o.Concurrency)/2, 1) {
			free = max(free, 0)
			p.inflight += free
			p.mu.Unlock()
			return free
		}
		p.mu.Unlock()
		select {
		case <-p.freed:
		case <-ctx.Done():
			return 0
		}
	}
}

// release gives back n deliveries taken and not claimed, or finished.
func (p *pace) release(n int) {
	p.mu.Lock()
	p.inflight -= n
	p.mu.Unlock()
	select {
	case p.freed <- struct{}{}:
	default:
	}
}

// handled records the duration of a handler.
func (p *pace) handled(d time.Duration) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.avg == 0 {
		p.avg = d
		return
	}
	p.avg += (d - p.avg) / 8
}
