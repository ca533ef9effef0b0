package bolt

import (
	"encoding/binary"
	"fmt"

	"github.com/mimeiapify/store"
)

// Top-level buckets; doc.go describes the layout.
var (
	bucketMeta   = []byte("meta") // 'k'+key -> meta record
	bucketColls  = []byte("coll") // 'k'+key -> nested bucket of a hash, set or list
	bucketExpiry = []byte("exp")  // be64(expireAt ms)+'k'+key -> empty
)

// keyPrefix starts every stored key, field and member, because bbolt
// refuses empty keys and Redis allows them.
const keyPrefix = 'k'

// metaHeader is the size of a meta record before its payload:
// one byte of type and eight of expiry.
const metaHeader = 9

// listOrigin is the index of the first element of a new list; lists grow
// down from it on LPush and up on RPush.
const listOrigin = uint64(1) << 63

// meta is a decoded meta record.
type meta struct {
	typ  store.Type
	exp  int64  // expiry in Unix ms; 0 means none
	val  []byte // string value (TypeString); aliases the transaction's memory
	n    int64  // number of fields or members (TypeHash, TypeSet)
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

// encodeMeta encodes m as stored.
func encodeMeta(m *meta) []byte {
	var b []byte
	switch m.typ {
	case store.TypeString:
		b = make([]byte, metaHeader+len(m.val))
		copy(b[metaHeader:], m.val)
	case store.TypeHash, store.TypeSet:
		b = make([]byte, metaHeader+8)
		binary.BigEndian.PutUint64(b[metaHeader:], uint64(m.n))
	case store.TypeList:
		b = make([]byte, metaHeader+16)
		binary.BigEndian.PutUint64(b[metaHeader:], m.head)
		binary.BigEndian.PutUint64(b[metaHeader+8:], m.tail)
	}
	b[0] = byte(m.typ)
	binary.BigEndian.PutUint64(b[1:], uint64(m.exp))
	return b
}

// decodeMeta decodes a stored meta record; a malformed one is an error
// (a file written by something else).
func decodeMeta(b []byte) (meta, error) {
	if len(b) < metaHeader {
		return meta{}, fmt.Errorf("bolt: corrupt meta record of %d bytes", len(b))
	}
	m := meta{typ: store.Type(b[0]), exp: int64(binary.BigEndian.Uint64(b[1:]))}
	p := b[metaHeader:]
	switch {
	case m.typ == store.TypeString:
		m.val = p
	case (m.typ == store.TypeHash || m.typ == store.TypeSet) && len(p) == 8:
		m.n = int64(binary.BigEndian.Uint64(p))
	case m.typ == store.TypeList && len(p) == 16:
		m.head = binary.BigEndian.Uint64(p)
		m.tail = binary.BigEndian.Uint64(p[8:])
	default:
		return meta{}, fmt.Errorf("bolt: corrupt meta record (type %d, %d bytes)", b[0], len(b))
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
