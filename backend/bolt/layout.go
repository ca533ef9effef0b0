package bolt

import (
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"

	"github.com/mimeiapify/store"
)

// Top-level buckets; doc.go describes the layout.
var (
	bucketMeta   = []byte("meta") // 'k'+key -> meta record
	bucketColls  = []byte("coll") // 'k'+key -> nested bucket of a hash, set, sorted set or list
	bucketExpiry = []byte("exp")  // be64(expireAt ms)+'k'+key -> empty
)

// ErrCorrupt is wrapped by the errors of a file that is damaged: a meta
// page or the freelist that does not check out, a file shorter than its
// meta page says, a record whose checksum does not match, or a page
// bbolt cannot read. Nothing is returned from a damaged part of the file
// as if it were data.
var ErrCorrupt = errors.New("bolt: file is damaged")

// keyPrefix starts every stored key, field and member, because bbolt
// refuses empty keys and Redis allows them.
const keyPrefix = 'k'

// metaHeader is the size of a meta record before its payload: one byte
// of type, eight of expiry and four of checksum.
const metaHeader = 13

// crcTable is CRC-32C (Castagnoli), computed in hardware on amd64 and
// arm64.
var crcTable = crc32.MakeTable(crc32.Castagnoli)

// metaSum returns the checksum of a meta record: CRC-32C of its stored
// key, its type and expiry bytes and its payload. It covers the key so
// that a damaged key is caught too: a record only checks out under the key
// it was written for.
func metaSum(k, rec []byte) uint32 {
	sum := crc32.Update(0, crcTable, k)
	sum = crc32.Update(sum, crcTable, rec[:9])
	return crc32.Update(sum, crcTable, rec[metaHeader:])
}

// listOrigin is the index of the first element of a new list; lists grow
// down from it on LPush and up on RPush.
const listOrigin = uint64(1) << 63

// meta is a decoded meta record.
type meta struct {
	typ  store.Type
	exp  int64  // expiry in Unix ms; 0 means none
	val  []byte // string value (TypeString); aliases the transaction's memory
	n    int64  // number of fields or members (TypeHash, TypeSet, TypeZSet)
	head uint64 // index of the first list element (TypeList)
	tail uint64 // index past the last list element (TypeList)
}

// length returns the number of elements of a collection.
func (m *meta) length() int64 {
	if m.typ == store.TypeList {
		return int64(m.tail - m.head)
	}
	return m.n
}

// encodeMeta encodes m as stored under the stored key k.
func encodeMeta(k []byte, m *meta) []byte {
	var b []byte
	switch m.typ {
	case store.TypeString:
		b = make([]byte, metaHeader+len(m.val))
		copy(b[metaHeader:], m.val)
	case store.TypeHash, store.TypeSet, store.TypeZSet:
		b = make([]byte, metaHeader+8)
		binary.BigEndian.PutUint64(b[metaHeader:], uint64(m.n))
	case store.TypeList:
		b = make([]byte, metaHeader+16)
		binary.BigEndian.PutUint64(b[metaHeader:], m.head)
		binary.BigEndian.PutUint64(b[metaHeader+8:], m.tail)
	}
	b[0] = byte(m.typ)
	binary.BigEndian.PutUint64(b[1:], uint64(m.exp))
	binary.BigEndian.PutUint32(b[9:], metaSum(k, b))
	return b
}

// decodeMeta decodes the meta record b stored under the stored key k; a
// malformed record, or one whose checksum does not match (a damaged file),
// is an error wrapping ErrCorrupt.
func decodeMeta(k, b []byte) (meta, error) {
	if len(b) < metaHeader {
		return meta{}, fmt.Errorf("%w: meta record of %d bytes", ErrCorrupt, len(b))
	}
	if binary.BigEndian.Uint32(b[9:]) != metaSum(k, b) {
		return meta{}, fmt.Errorf("%w: meta record checksum mismatch", ErrCorrupt)
	}
	m := meta{typ: store.Type(b[0]), exp: int64(binary.BigEndian.Uint64(b[1:]))}
	p := b[metaHeader:]
	switch {
	case m.typ == store.TypeString:
		m.val = p
	case (m.typ == store.TypeHash || m.typ == store.TypeSet || m.typ == store.TypeZSet) && len(p) == 8:
		m.n = int64(binary.BigEndian.Uint64(p))
	case m.typ == store.TypeList && len(p) == 16:
		m.head = binary.BigEndian.Uint64(p)
		m.tail = binary.BigEndian.Uint64(p[8:])
	default:
		return meta{}, fmt.Errorf("%w: meta record of type %d and %d bytes", ErrCorrupt, b[0], len(b))
	}
	return m, nil
}

// dbKey returns the stored form of a key, field or member.
func dbKey(s string) []byte {
	b := make([]byte, 1+len(s))
	b[0] = keyPrefix
	copy(b[1:], s)
	return b
}

// fromDBKey returns the user's key of a stored one.
func fromDBKey(b []byte) string { return string(b[1:]) }

// listKey returns the stored key of list element at index i.
func listKey(i uint64) []byte {
	var b [8]byte
	binary.BigEndian.PutUint64(b[:], i)
	return b[:]
}

// expiryKey returns the expiry-index key of key expiring at ms.
func expiryKey(ms int64, key string) []byte {
	b := make([]byte, 8+1+len(key))
	binary.BigEndian.PutUint64(b, uint64(ms))
	b[8] = keyPrefix
	copy(b[9:], key)
	return b
}
