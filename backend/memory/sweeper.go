package memory

import (
	"sync"
	"time"
)

// sweeper frees the memory of expired keys in the background. Expired keys
// are invisible to calls whether or not it ran: it only reclaims memory.
// It refers to the shards, not to the Backend, so that an unreachable
// Backend can be collected and its cleanup stop the sweeper.
type sweeper struct {
	shards []paddedShard
	done   chan struct{}
	once   sync.Once
	wg     sync.WaitGroup
}

// startSweeper starts a sweeper that walks shards every interval.
func startSweeper(shards []paddedShard, interval time.Duration) *sweeper {
	sw := &sweeper{shards: shards, done: make(chan struct{})}
	sw.wg.Add(1)
	go sw.run(interval)
	return sw
}

// stop ends the sweeper and waits until its goroutine has returned.
func (sw *sweeper) stop() {
	sw.once.Do(func() { close(sw.done) })
	sw.wg.Wait()
}

func (sw *sweeper) run(interval time.Duration) {
	defer sw.wg.Done()
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-sw.done:
			return
		case <-t.C:
			sw.sweep()
		}
	}
}

// sweep walks each shard that may hold an expired key, one at a time,
// and stops early when the sweeper is stopped.
func (sw *sweeper) sweep() {
	for i := range sw.shards {
		select {
		case <-sw.done:
			return
		default:
		}
		sw.shards[i].sweep()
	}
}

// sweep deletes the shard's expired keys, recomputes minExp, and rebuilds
// the shard's map when expired or deleted keys left it far below its peak
// (see shrink). It skips the walk while no key's expiry can have passed.
func (s *shard) sweep() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	freed := s.dropExpired()
	s.shrink()
	return freed
}

// dropExpired deletes the shard's expired keys and recomputes minExp; the
// caller holds the write lock.
func (s *shard) dropExpired() int {
	var c clock
	if s.minExp == 0 || s.minExp > c.now() {
		return 0
	}
	freed := 0
	var next int64
	for k, e := range s.m {
		switch {
		case e.exp == 0:
		case e.exp <= c.now():
			delete(s.m, k)
			freed++
		case next == 0 || e.exp < next:
			next = e.exp
		}
	}
	s.minExp = next
	return freed
}
