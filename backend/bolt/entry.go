package bolt

import (
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"hash/crc32"

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

// entryValue returns what is stored at k, the stored key of name, for
// name holding value in the collection coll: the value itself for a short
// name, else uvarint(len(name)) | name | value; then the checksum
// (sealEntry).
func entryValue(coll string, k []byte, name, value string) []byte {
	if len(name) <= inlineMax {
		return sealEntry(coll, k, append(make([]byte, 0, len(value)+4), value...))
	}
	b := binary.AppendUvarint(make([]byte, 0, 3+len(name)+len(value)+4), uint64(len(name)))
	return sealEntry(coll, k, append(append(b, name...), value...))
}

// decodeEntry returns the name and value of an entry of the collection
// coll stored at k; ErrCorrupt when its checksum does not match.
func decodeEntry(coll string, k, v []byte) (string, string, error) {
	p, err := openEntry(coll, k, v)
	if err != nil {
		return "", "", err
	}
	if k[0] != hashedPrefix {
		return fromDBKey(k), string(p), nil
	}
	n, w := binary.Uvarint(p)
	if w <= 0 || uint64(len(p)-w) < n {
		return "", "", fmt.Errorf("%w: long entry name of collection %q", ErrCorrupt, coll)
	}
	return string(p[w : w+int(n)]), string(p[w+int(n):]), nil
}

// getEntry returns the value stored for name in b, the bucket of the
// collection coll, and whether it exists.
func getEntry(b *bbolt.Bucket, coll, name string) (string, bool, error) {
	k := entryKey(name)
	v, ok := lookup(b, k)
	if !ok {
		return "", false, nil
	}
	_, value, err := decodeEntry(coll, k, v)
	return value, err == nil, err
}

// sealEntry returns the stored form of an element of the collection coll
// (a hash field's value, a set member's, a list element) stored at k:
// payload followed by the CRC-32C of coll, k and payload (4 bytes BE), so
// that a damaged element, or one read under another key or collection,
// is caught.
func sealEntry(coll string, k, payload []byte) []byte {
	return binary.BigEndian.AppendUint32(payload, entrySum(coll, k, payload))
}

// openEntry returns the payload of a stored element, or an error wrapping
// ErrCorrupt when its checksum does not match.
func openEntry(coll string, k, v []byte) ([]byte, error) {
	if len(v) < 4 {
		return nil, fmt.Errorf("%w: element of %d bytes in collection %q", ErrCorrupt, len(v), coll)
	}
	p := v[:len(v)-4]
	if binary.BigEndian.Uint32(v[len(p):]) != entrySum(coll, k, p) {
		return nil, fmt.Errorf("%w: element checksum mismatch in collection %q", ErrCorrupt, coll)
	}
	return p, nil
}

func entrySum(coll string, k, payload []byte) uint32 {
	sum := crc32.Update(0, crcTable, []byte(coll))
	sum = crc32.Update(sum, crcTable, k)
	return crc32.Update(sum, crcTable, payload)
}
