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
// sizes the queue of claimed deliveries waiting for a handler from how
// long deliveries take from their claim to their handler's end.
type pace struct {
	mu       sync.Mutex
	inflight int
	queue    int           // claimed deliveries allowed beyond Concurrency; 0 before the first claim
	freed    chan struct{} // signalled when a delivery finishes
}

// newPace returns an empty pace.
func newPace() *pace {
	return &pace{freed: make(chan struct{}, 1)}
}

// limit returns how many deliveries may be claimed and not finished: the
// Concurrency running plus the queue.
func (p *pace) limit(o ListenOptions) int {
	if p.queue == 0 {
		p.queue = o.Concurrency
	}
	return o.Concurrency + p.queue
}

// acquire waits until at least half of the queue's room is free, then
// takes the free room up to Batch and returns how much it took (0 when
// ctx ended).
func (p *pace) acquire(ctx context.Context, o ListenOptions) int {
	for {
		p.mu.Lock()
		limit := p.limit(o)
		free := min(limit-p.inflight, o.Batch)
		if free >= max((limit-o.Concurrency)/2, 1) {
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

// took records how long a delivery took from its claim to its handler's
// end: past a quarter of the lease the queue halves (down to
// Concurrency), under an eighth it grows by Concurrency (up to Batch).
func (p *pace) took(o ListenOptions, d time.Duration) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.limit(o)
	switch {
	case d > o.Lease/4:
		p.queue = max(p.queue/2, o.Concurrency)
	case d < o.Lease/8:
		p.queue = min(p.queue+o.Concurrency, max(o.Batch, o.Concurrency))
	}
}
