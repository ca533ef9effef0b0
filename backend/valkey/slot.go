package valkey

import (
	"fmt"
	"strings"

	"github.com/mimeiapify/store"
)

// slotCount is the number of hash slots of a Redis Cluster.
const slotCount = 16384

// keySlot returns the cluster hash slot of key, as CLUSTER KEYSLOT does:
// CRC16 of the first non-empty {hash tag}, or of the whole key.
func keySlot(key string) uint16 {
	if s := strings.IndexByte(key, '{'); s >= 0 {
		if e := strings.IndexByte(key[s+1:], '}'); e > 0 {
			key = key[s+1 : s+1+e]
		}
	}
	return crc16(key) % slotCount
}

// crc16 is the CRC16-CCITT (XMODEM) checksum Redis Cluster hashes keys
// with.
func crc16(s string) uint16 {
	var crc uint16
	for i := 0; i < len(s); i++ {
		crc ^= uint16(s[i]) << 8
		for range 8 {
			if crc&0x8000 != 0 {
				crc = crc<<1 ^ 0x1021
			} else {
				crc <<= 1
			}
		}
	}
	return crc
}

// sameSlot fails with store.ErrInvalidArgument when the backend is on a
// cluster and keys do not all share one hash slot, which Redis would
// refuse with CROSSSLOT (and valkey-go's command builder with a panic).
func (b *Backend) sameSlot(op string, keys []string) error {
	if !b.cluster || len(keys) < 2 {
		return nil
	}
	first := keySlot(keys[0])
	for _, k := range keys[1:] {
		if keySlot(k) != first {
			return fmt.Errorf("valkey: %s: %w: keys %q and %q are in different hash slots (use one {hash tag})",
				op, store.ErrInvalidArgument, keys[0], k)
		}
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
	index := make(map[uint16]int)
	var groups [][]string
	for _, k := range keys {
		s := keySlot(k)
		i, ok := index[s]
		if !ok {
			i = len(groups)
			index[s] = i
			groups = append(groups, nil)
		}
		groups[i] = append(groups[i], k)
	}
	return groups
}
