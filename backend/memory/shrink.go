package memory

// Go maps never shrink: a map that once held a million keys keeps its
// buckets after they are deleted. A shard therefore remembers the most keys
// its map has held (peak) and, when it has shrunk far below that, copies
// the live keys into a new map sized for them, so that the old buckets can
// be collected.
const (
	// shrinkMin is the smallest peak worth a rebuild: below it the
	// buckets are too few to matter.
	shrinkMin = 256
	// shrinkRatio: a shard's map is rebuilt once it holds at most
	// peak/shrinkRatio keys. Every rebuild of n keys follows at least
	// (shrinkRatio-1)*n deletes since the peak, so rebuilding costs O(1)
	// per delete, amortised.
	shrinkRatio = 8
)

// put stores e at key, recording the map's high-water mark. The caller
// holds the write lock.
func (s *shard) put(key string, e *entry) {
	s.m[key] = e
	if len(s.m) > s.peak {
		s.peak = len(s.m)
	}
}

// shrink rebuilds the shard's map when it holds far fewer keys than its
// peak, and reports whether it did. The caller holds the write lock.
func (s *shard) shrink() bool {
	if s.peak < shrinkMin || len(s.m) > s.peak/shrinkRatio {
		return false
	}
	m := make(map[string]*entry, len(s.m))
	for k, e := range s.m {
		m[k] = e
	}
	s.m, s.peak = m, len(m)
	return true
}
