package memory

import "slices"

// shardSet is a set of shard numbers in ascending order. Calls that touch
// several keys lock their shards in that order, so that two of them can
// never wait for each other.
type shardSet []int

// addKey adds the shard of key to the set.
func (b *Backend) addKey(set shardSet, key string) shardSet {
	i := b.index(key)
	at, found := slices.BinarySearch(set, i)
	if found {
		return set
	}
	return slices.Insert(set, at, i)
}

// has reports whether shard i is in the set.
func (set shardSet) has(i int) bool {
	_, found := slices.BinarySearch(set, i)
	return found
}

// lock takes the write locks (or, with shared, the read locks) of the
// set's shards in ascending order.
func (b *Backend) lock(set shardSet, shared bool) {
	for _, i := range set {
		if shared {
			b.shards[i].mu.RLock()
		} else {
			b.shards[i].mu.Lock()
		}
	}
}

// unlock releases what lock took.
func (b *Backend) unlock(set shardSet, shared bool) {
	for j := len(set) - 1; j >= 0; j-- {
		if shared {
			b.shards[set[j]].mu.RUnlock()
		} else {
			b.shards[set[j]].mu.Unlock()
		}
	}
}
