// Package hashslot computes the Redis Cluster hash slot of a key, as
// CLUSTER KEYSLOT does, so that backends can check that the keys of one
// atomic call share a slot, or split a multi-key command per slot, before
// sending anything.
package hashslot

import "strings"

// Count is the number of hash slots of a Redis Cluster.
const Count = 16384

// Of returns the hash slot of key: CRC16 of the first non-empty
// {hash tag} in key, or of the whole key when it has none, modulo Count.
func Of(key string) uint16 {
	if s := strings.IndexByte(key, '{'); s >= 0 {
		if e := strings.IndexByte(key[s+1:], '}'); e > 0 {
			key = key[s+1 : s+1+e]
		}
	}
	return crc16(key) % Count
}

// Same reports whether every key of keys has the hash slot of the first.
// It returns the index of the first key that does not, or -1.
func Same(keys []string) int {
	if len(keys) < 2 {
		return -1
	}
	first := Of(keys[0])
	for i, k := range keys[1:] {
		if Of(k) != first {
			return i + 1
		}
	}
	return -1
}

// Group splits keys into runs that each share a hash slot, keeping the
// order of keys within each run and the order of first appearance.
func Group(keys []string) [][]string {
	index := make(map[uint16]int)
	var groups [][]string
	for _, k := range keys {
		s := Of(k)
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
