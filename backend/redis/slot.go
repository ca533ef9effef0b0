package redis

import (
	"fmt"

	"github.com/mimeiapify/store"
	"github.com/mimeiapify/store/internal/hashslot"
)

// sameSlot fails with store.ErrInvalidArgument, before anything is sent,
// when the backend is on a cluster and keys do not all share one hash
// slot: Redis would refuse the script with CROSSSLOT, and go-redis the
// WATCH.
func (b *Backend) sameSlot(op string, keys []string) error {
	if !b.cluster {
		return nil
	}
	if i := hashslot.Same(keys); i >= 0 {
		return fmt.Errorf("redis: %s %q: %w: keys %q and %q are in different hash slots (use one {hash tag})",
			op, keys[0], store.ErrInvalidArgument, keys[0], keys[i])
	}
	return nil
}

// bySlot splits keys into groups that each share a hash slot on a
// cluster, so that a multi-key command can be sent once per group; off a
// cluster it returns keys as one group.
func (b *Backend) bySlot(keys []string) [][]string {
	if !b.cluster {
		return [][]string{keys}
	}
	return hashslot.Group(keys)
}
