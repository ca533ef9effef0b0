package faults

import (
	"encoding/binary"
	"fmt"
	"hash/fnv"
	"math/rand/v2"
	"os"
)

// Offsets in a bbolt file (go.etcd.io/bbolt/internal/common): a page
// starts with a 16-byte header (id, flags, count, overflow); pages 0 and
// 1 are meta pages whose body (magic, version, page size, flags, root
// bucket, freelist page, high-water mark, txid, checksum) follows it.
const (
	boltMagic      = 0xED0CDAED
	boltHeader     = 16
	boltPageSizeAt = boltHeader + 8
	boltRootAt     = boltHeader + 16
	boltFreelistAt = boltHeader + 32
	boltPgidAt     = boltHeader + 40
	boltTxidAt     = boltHeader + 48
	boltSumAt      = boltHeader + 56
)

var ne = binary.NativeEndian

// BoltDamage is one way of damaging a bbolt file in place.
type BoltDamage struct {
	Name  string
	Apply func(path string) error
}

// BoltDamages returns the damages a bolt fault test applies to copies of
// one file of size bytes and page size pageSize: each meta page garbled,
// the newest and the older meta page checking out but lying (a high-water
// mark past the end of the file, a root on the freelist page), both meta
// pages garbled, the
// freelist page with an unknown page type and with page ids out of range,
// truncations at several lengths, and flips random bytes sets over the
// whole file, each set from its own seed derived from seed (so a failure
// names a reproducible damage).
func BoltDamages(size, pageSize int64, seed uint64, flips int) []BoltDamage {
	d := []BoltDamage{
		{"meta0-garbled", func(p string) error { return GarbleMetaPage(p, 0) }},
		{"meta1-garbled", func(p string) error { return GarbleMetaPage(p, 1) }},
		{"metas-garbled", func(p string) error {
			return firstErr(GarbleMetaPage(p, 0), GarbleMetaPage(p, 1))
		}},
		{"meta-newest-lies-hwm", func(p string) error { return rewriteMetaOf(p, true, boltPgidAt, 1<<20) }},
		{"meta-older-lies-hwm", func(p string) error { return rewriteMetaOf(p, false, boltPgidAt, 1<<20) }},
		{"meta-newest-root-is-freelist", func(p string) error { return rootOnFreelist(p) }},
		{"freelist-type", DamageFreelistType},
		{"freelist-ids", DamageFreelistIDs},
	}
	for _, n := range []int64{1, 100, pageSize - 1, pageSize, 2 * pageSize, 3*pageSize + 7,
		size / 4, size / 2, 3 * size / 4, size - pageSize, size - 1} {
		if n > 0 && n < size {
			d = append(d, BoltDamage{fmt.Sprintf("truncate-%d", n), func(p string) error { return os.Truncate(p, n) }})
		}
	}
	r := rand.New(rand.NewPCG(seed, 0))
	for i := range flips {
		s, n := r.Uint64(), 1+i%16
		d = append(d, BoltDamage{fmt.Sprintf("flip-%d-bytes-seed-%d", n, s), func(p string) error { return FlipBytes(p, s, n) }})
	}
	return d
}

// BoltPageSize returns the page size a bbolt file's meta pages record:
// the first one's, or when it is damaged (wrong magic number), the second
// one's, found as bbolt finds it, at 1 KiB to 16 MiB.
func BoltPageSize(path string) (int64, error) {
	for _, off := range append([]int64{0}, metaOffsets()...) {
		b, err := readAt(path, off+boltHeader, 12)
		if err != nil {
			break
		}
		if ne.Uint32(b) == boltMagic {
			return int64(ne.Uint32(b[8:])), nil
		}
	}
	return 0, fmt.Errorf("faults: %s: no bbolt meta page with a valid magic number", path)
}

// metaOffsets are where bbolt looks for the second meta page when the
// first is damaged.
func metaOffsets() []int64 {
	out := make([]int64, 0, 15)
	for i := range 15 {
		out = append(out, 1024<<i)
	}
	return out
}

// GarbleMetaPage overwrites the body of meta page n (0 or 1) with bytes
// that fail its checksum.
func GarbleMetaPage(path string, n int64) error {
	ps, err := BoltPageSize(path)
	if err != nil {
		return err
	}
	junk := make([]byte, boltSumAt+8-boltHeader)
	for i := range junk {
		junk[i] = byte(0xA5 ^ i)
	}
	return writeAt(path, n*ps+boltHeader, junk)
}

// RewriteMeta sets the 8-byte field at offset field of meta page n to v
// and fixes the page's checksum, so that the page checks out and lies.
func RewriteMeta(path string, n, field int64, v uint64) error {
	ps, err := BoltPageSize(path)
	if err != nil {
		return err
	}
	body, err := readAt(path, n*ps+boltHeader, boltSumAt+8-boltHeader)
	if err != nil {
		return err
	}
	ne.PutUint64(body[field-boltHeader:], v)
	h := fnv.New64a()
	h.Write(body[:boltSumAt-boltHeader])
	ne.PutUint64(body[boltSumAt-boltHeader:], h.Sum64())
	return writeAt(path, n*ps+boltHeader, body)
}

// newestMeta returns the number (0 or 1) of the meta page with the higher
// transaction id, the one bbolt uses.
func newestMeta(path string) (int64, error) {
	ps, err := BoltPageSize(path)
	if err != nil {
		return 0, err
	}
	t0, err := readAt(path, boltTxidAt, 8)
	if err != nil {
		return 0, err
	}
	t1, err := readAt(path, ps+boltTxidAt, 8)
	if err != nil {
		return 0, err
	}
	if ne.Uint64(t1) > ne.Uint64(t0) {
		return 1, nil
	}
	return 0, nil
}

// rewriteMetaOf is RewriteMeta on the newest meta page (the one bbolt
// uses) or on the older one.
func rewriteMetaOf(path string, newest bool, field int64, v uint64) error {
	n, err := newestMeta(path)
	if err != nil {
		return err
	}
	if !newest {
		n = 1 - n
	}
	return RewriteMeta(path, n, field, v)
}

// rootOnFreelist makes the newest meta page's root bucket the freelist
// page, with a valid checksum.
func rootOnFreelist(path string) error {
	n, err := newestMeta(path)
	if err != nil {
		return err
	}
	fl, err := metaField(path, n, boltFreelistAt)
	if err != nil {
		return err
	}
	return RewriteMeta(path, n, boltRootAt, fl)
}

// metaField reads the 8-byte field at offset field of meta page n.
func metaField(path string, n, field int64) (uint64, error) {
	ps, err := BoltPageSize(path)
	if err != nil {
		return 0, err
	}
	b, err := readAt(path, n*ps+field, 8)
	if err != nil {
		return 0, err
	}
	return ne.Uint64(b), nil
}

// freelistPage returns the offset of the freelist page of the newest meta
// page.
func freelistPage(path string) (int64, error) {
	n, err := newestMeta(path)
	if err != nil {
		return 0, err
	}
	ps, _ := BoltPageSize(path)
	fl, err := metaField(path, n, boltFreelistAt)
	if err != nil {
		return 0, err
	}
	return int64(fl) * ps, nil
}

// DamageFreelistType gives the freelist page an unknown page type (bbolt
// panics on it: "invalid freelist page").
func DamageFreelistType(path string) error {
	off, err := freelistPage(path)
	if err != nil {
		return err
	}
	return writeAt(path, off+8, []byte{0x40, 0})
}

// DamageFreelistIDs lists page ids far past the end of the file on the
// freelist page.
func DamageFreelistIDs(path string) error {
	off, err := freelistPage(path)
	if err != nil {
		return err
	}
	b := make([]byte, 2+2+4+3*8)
	ne.PutUint16(b[2:], 3) // count, after the flags
	for i := range 3 {
		ne.PutUint64(b[8+8*i:], uint64(1<<40+i))
	}
	return writeAt(path, off+8, b)
}

// FlipBytes XORs n bytes at offsets drawn from seed over the whole file
// with non-zero values drawn from the same seed.
func FlipBytes(path string, seed uint64, n int) error {
	st, err := os.Stat(path)
	if err != nil {
		return err
	}
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		return err
	}
	defer f.Close()
	r := rand.New(rand.NewPCG(seed, 1))
	for range n {
		off := r.Int64N(st.Size())
		b := make([]byte, 1)
		if _, err := f.ReadAt(b, off); err != nil {
			return err
		}
		b[0] ^= byte(1 + r.IntN(255))
		if _, err := f.WriteAt(b, off); err != nil {
			return err
		}
	}
	return nil
}

func readAt(path string, off, n int64) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	b := make([]byte, n)
	_, err = f.ReadAt(b, off)
	return b, err
}

func writeAt(path string, off int64, b []byte) error {
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		return err
	}
	_, err = f.WriteAt(b, off)
	return firstErr(err, f.Close())
}

func firstErr(errs ...error) error {
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}
