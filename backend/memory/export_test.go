package memory

// Len returns how many keys the backend holds in memory, expired ones not
// yet freed included.
func (b *Backend) Len() int {
	n := 0
	for i := range b.shards {
		s := &b.shards[i].shard
		s.mu.RLock()
		n += len(s.m)
		s.mu.RUnlock()
	}
	return n
}

// Shards returns the number of shards.
func (b *Backend) Shards() int { return len(b.shards) }

// SweepNow runs one sweep over every shard, as the sweeper does on each
// tick.
func (b *Backend) SweepNow() {
	for i := range b.shards {
		b.shards[i].sweep()
	}
}
