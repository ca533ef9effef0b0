package bolt

import (
	"crypto/sha256"
	"encoding/binary"

	"go.etcd.io/bbolt"
)

// inlineMax is the longest hash field or set member stored as its own
// bbolt key. Longer ones (bbolt keys stop at 32 KiB, and long keys bloat
// the tree's branch pages) are stored under hashedPrefix and their
// SHA-256, with the name kept in the value.
const inlineMax = 512

// hashedPrefix starts the stored key of a long field or member.
const hashedPrefix = 'h'

// entryKey returns the stored key of a hash field or set member.
func entryKey(name string) []byte {
	if len(name) <= inlineMax {
		return dbKey(name)
	}
	sum := sha256.Sum256([]byte(name))
	return append([]byte{hashedPrefix}, sum[:]...)
}

// entryValue returns what is stored for name holding value: the value
// itself for a short name, else uvarint(len(name)) | name | value.
func entryValue(name, value string) []byte {
	if len(name) <= inlineMax {
		return []byte(value)
	}
	b := binary.AppendUvarint(make([]byte, 0, 3+len(name)+len(value)), uint64(len(name)))
	return append(append(b, name...), value...)
}

// decodeEntry returns the name and value of a stored entry.
func decodeEntry(k, v []byte) (string, string) {
	if k[0] != hashedPrefix {
		return fromDBKey(k), string(v)
	}
	n, w := binary.Uvarint(v)
	if w <= 0 || uint64(len(v)-w) < n {
		return "", "" // not written by this package
	}
	return string(v[w : w+int(n)]), string(v[w+int(n):])
}

// getEntry returns the value stored for name in b and whether it exists.
func getEntry(b *bbolt.Bucket, name string) (string, bool) {
	k := entryKey(name)
	v, ok := lookup(b, k)
	if !ok {
		return "", false
	}
	_, value := decodeEntry(k, v)
	return value, true
}
