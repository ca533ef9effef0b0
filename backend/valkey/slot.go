package valkey

import (
	"fmt"

	"github.com/mimeiapify/store"
	"github.com/mimeiapify/store/internal/hashslot"
)

// sameSlot fails with store.ErrInvalidArgument when the backend is on a
// cluster and keys do not all share one hash slot, which Redis would
// refuse with CROSSSLOT (and valkey-go's command builder with a panic).
func (b *Backend) sameSlot(op string, keys []string) error {
	if !b.cluster {
		return nil
	}
	if i := hashslot.Same(keys); i >= 0 {
		return fmt.Errorf("valkey: %s: %w: keys %q and %q are in different hash slots (use one {hash tag})",
			op, store.ErrInvalidArgument, keys[0], keys[i])
	}
	return nil
}

// bySlot splits keys into groups that each share a hash slot, keeping
// their order, so that a multi-key command can be sent per group on a
// cluster. Off a cluster it returns keys as one group.
func (b *Backend) bySlot(keys []string) [][]string {
	if !b.cluster {
		return [][]string{keys}
	}
	return hashslot.Group(keys)
}
