package valkey

import (
	"hash/maphash"
	"sync"
	"sync/atomic"
	"time"
)

// dirtyKeys gives a backend with a client-side cache read-your-writes:
// the keys of each write the backend sent, with the time its call ended
// (reply, error or cancellation alike), so that its cached reads of those
// keys go to the server for ttl after that. The server's invalidation of
// the key reaches the cache on the connection that tracks it, which may
// be read after the write's reply; but every reply cached before the
// write ended lives at most ttl, so a read after now+ttl cannot find one.
type dirtyKeys struct {
	ttl    time.Duration
	seed   maphash.Seed
	count  atomic.Int64 // keys held in all shards; 0 skips the lookups
	shards [dirtyShards]dirtyShard
}

const dirtyShards = 32

type dirtyShard struct {
	mu    sync.RWMutex
	until map[string]time.Time // key => when its reads may use the cache again
	sweep int                  // sweep expired entries past this size
}

func newDirtyKeys(ttl time.Duration) *dirtyKeys {
	d := &dirtyKeys{ttl: ttl, seed: maphash.MakeSeed()}
	for i := range d.shards {
		d.shards[i].until = map[string]time.Time{}
		d.shards[i].sweep = 64
	}
	return d
}

func (d *dirtyKeys) shard(key string) *dirtyShard {
	return &d.shards[maphash.String(d.seed, key)%dirtyShards]
}

// mark records that a write of keys just ended.
func (d *dirtyKeys) mark(keys []string) {
	if d == nil || len(keys) == 0 {
		return
	}
	until := time.Now().Add(d.ttl)
	for _, k := range keys {
		s := d.shard(k)
		s.mu.Lock()
		if _, ok := s.until[k]; !ok {
			d.count.Add(1)
		}
		s.until[k] = until
		if len(s.until) > s.sweep {
			d.sweepLocked(s, until.Add(-d.ttl))
		}
		s.mu.Unlock()
	}
}

// sweepLocked drops the entries of s that ended before now, and sets the
// next sweep at twice the size left, so that sweeps cost O(1) per mark.
func (d *dirtyKeys) sweepLocked(s *dirtyShard, now time.Time) {
	for k, until := range s.until {
		if !now.Before(until) {
			delete(s.until, k)
			d.count.Add(-1)
		}
	}
	s.sweep = max(64, 2*len(s.until))
}

// has reports whether a read of key must skip the cache.
func (d *dirtyKeys) has(key string) bool {
	if d.count.Load() == 0 {
		return false
	}
	s := d.shard(key)
	s.mu.RLock()
	until, ok := s.until[key]
	s.mu.RUnlock()
	if !ok {
		return false
	}
	if time.Now().Before(until) {
		return true
	}
	s.mu.Lock()
	if until, ok := s.until[key]; ok && !time.Now().Before(until) {
		delete(s.until, key)
		d.count.Add(-1)
	}
	s.mu.Unlock()
	return false
}
