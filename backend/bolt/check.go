package bolt

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"hash/fnv"
	"io"
	"os"
	"slices"

	"go.etcd.io/bbolt"
)

// bbolt's on-disk format (go.etcd.io/bbolt/internal/common), in the byte
// order of the machine that wrote it.
const (
	pageHeader       = 16 // id u64 | flags u16 | count u16 | overflow u32
	elemSize         = 16 // branch: pos u32 | ksize u32 | pgid u64; leaf: flags u32 | pos u32 | ksize u32 | vsize u32
	metaEnd          = pageHeader + 64
	metaSumAt        = pageHeader + 56 // the meta's checksum covers the bytes before it
	boltMagic        = 0xED0CDAED
	boltVersion      = 2
	branchPage       = 0x01
	leafPage         = 0x02
	freelistPage     = 0x10
	bucketLeafFlag   = 0x01
	inBucketSize     = 16 // root pgid u64 | sequence u64
	noFreelist       = ^uint64(0)
	maxPageSize      = 1 << 24
	minPageSize      = 1 << 9
	checkMaxDepth    = 64
	checkMaxPageSpan = 1 << 30 // bytes one page with its overflow may take
)

var ne = binary.NativeEndian

// boltMeta is the part of a bbolt meta page the check needs.
type boltMeta struct {
	pageSize uint64
	root     uint64
	freelist uint64
	pgid     uint64 // high-water mark: pages [0, pgid) are in use or free
	txid     uint64
}

// fileCheck walks a bbolt file with bounds checks on every read, before
// bbolt maps it: bbolt trusts its file, and a truncated or damaged one
// makes it fault on a mapped read (a crash no recover catches) or panic.
type fileCheck struct {
	f    io.ReaderAt
	size int64
	m    boltMeta
	seen map[uint64]bool
}

// checkFile checks the structure of the bbolt file at path, reading every
// page reachable from its meta page once: the meta pages, that the file
// holds every page the meta page counts, the freelist, and every branch,
// leaf and inline bucket page (ids, types, element bounds, child page
// numbers, no page reached twice). A missing or empty file passes (bbolt
// creates it). A damaged file gives an error wrapping ErrCorrupt.
func checkFile(path string) error {
	f, err := os.Open(path)
	if os.IsNotExist(err) {
		return nil
	}
	if err != nil {
		return err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil || st.Size() == 0 {
		return err
	}
	c := &fileCheck{f: f, size: st.Size(), seen: map[uint64]bool{}}
	if err := c.check(); err != nil {
		return fmt.Errorf("%w: %w", ErrCorrupt, err)
	}
	return nil
}

func (c *fileCheck) check() error {
	m, err := c.readMetas()
	if err != nil {
		return err
	}
	c.m = m
	if need := m.pgid * m.pageSize; uint64(c.size) < need {
		return fmt.Errorf("file is %d bytes, shorter than the %d pages of %d bytes its meta page counts (truncated?)", c.size, m.pgid, m.pageSize)
	}
	if err := c.walk(m.root, 0, nil, nil); err != nil {
		return err
	}
	return c.checkFreelist()
}

// readMetas returns the meta page bbolt would use: the valid one with the
// higher transaction id.
func (c *fileCheck) readMetas() (boltMeta, error) {
	m0, err0 := c.readMeta(0)
	ps := m0.pageSize
	if err0 != nil {
		ps = 0
		for i := 0; i <= 14 && ps == 0; i++ { // as bbolt: try page sizes 1 KiB to 16 MiB
			if m, err := c.readMeta(1024 << i); err == nil {
				ps = m.pageSize
			}
		}
		if ps == 0 {
			return boltMeta{}, fmt.Errorf("no valid meta page: %w", err0)
		}
	}
	m1, err1 := c.readMeta(int64(ps))
	switch {
	case err0 != nil && err1 != nil:
		return boltMeta{}, fmt.Errorf("both meta pages are invalid: %w; %w", err0, err1)
	case err1 != nil || (err0 == nil && m0.txid >= m1.txid):
		return m0, nil
	default:
		return m1, nil
	}
}

// readMeta reads and validates the meta page at offset off.
func (c *fileCheck) readMeta(off int64) (boltMeta, error) {
	b := make([]byte, metaEnd)
	if _, err := c.f.ReadAt(b, off); err != nil {
		return boltMeta{}, fmt.Errorf("meta page at %d: %w", off, err)
	}
	h := fnv.New64a()
	h.Write(b[pageHeader:metaSumAt])
	switch {
	case ne.Uint32(b[pageHeader:]) != boltMagic:
		return boltMeta{}, fmt.Errorf("meta page at %d: not a bbolt meta page", off)
	case ne.Uint32(b[pageHeader+4:]) != boltVersion:
		return boltMeta{}, fmt.Errorf("meta page at %d: version %d", off, ne.Uint32(b[pageHeader+4:]))
	case ne.Uint64(b[metaSumAt:]) != h.Sum64():
		return boltMeta{}, fmt.Errorf("meta page at %d: checksum mismatch", off)
	}
	m := boltMeta{
		pageSize: uint64(ne.Uint32(b[pageHeader+8:])),
		root:     ne.Uint64(b[pageHeader+16:]),
		freelist: ne.Uint64(b[pageHeader+32:]),
		pgid:     ne.Uint64(b[pageHeader+40:]),
		txid:     ne.Uint64(b[pageHeader+48:]),
	}
	if m.pageSize < minPageSize || m.pageSize > maxPageSize || m.pageSize&(m.pageSize-1) != 0 {
		return boltMeta{}, fmt.Errorf("meta page at %d: page size %d", off, m.pageSize)
	}
	if m.pgid < 2 || m.pgid > uint64(1<<62)/m.pageSize {
		return boltMeta{}, fmt.Errorf("meta page at %d: high-water mark %d", off, m.pgid)
	}
	return m, nil
}

// readPage reads page id with its overflow pages, checking its header.
func (c *fileCheck) readPage(id uint64, wantFlags uint16) ([]byte, error) {
	if id < 2 || id >= c.m.pgid {
		return nil, fmt.Errorf("page %d: outside pages 2 to %d", id, c.m.pgid-1)
	}
	hdr := make([]byte, pageHeader)
	if _, err := c.f.ReadAt(hdr, int64(id*c.m.pageSize)); err != nil {
		return nil, fmt.Errorf("page %d: %w", id, err)
	}
	flags, overflow := ne.Uint16(hdr[8:]), uint64(ne.Uint32(hdr[12:]))
	switch {
	case ne.Uint64(hdr) != id:
		return nil, fmt.Errorf("page %d: header says page %d", id, ne.Uint64(hdr))
	case flags&wantFlags == 0 || flags&^wantFlags != 0:
		return nil, fmt.Errorf("page %d: unexpected page type %#x", id, flags)
	case id+overflow >= c.m.pgid || (overflow+1)*c.m.pageSize > checkMaxPageSpan:
		return nil, fmt.Errorf("page %d: %d overflow pages run past the high-water mark %d", id, overflow, c.m.pgid)
	}
	for p := id; p <= id+overflow; p++ {
		if c.seen[p] {
			return nil, fmt.Errorf("page %d: reached twice", p)
		}
		c.seen[p] = true
	}
	b := make([]byte, (overflow+1)*c.m.pageSize)
	if _, err := c.f.ReadAt(b, int64(id*c.m.pageSize)); err != nil {
		return nil, fmt.Errorf("page %d: %w", id, err)
	}
	return b, nil
}

// walk checks the branch or leaf page id and every page below it, whose
// keys must all be at least lo and below hi (nil: no bound), as bbolt's
// search assumes.
func (c *fileCheck) walk(id uint64, depth int, lo, hi []byte) error {
	if depth > checkMaxDepth {
		return fmt.Errorf("page %d: tree deeper than %d", id, checkMaxDepth)
	}
	p, err := c.readPage(id, branchPage|leafPage)
	if err != nil {
		return err
	}
	return c.checkNode(p, id, depth, lo, hi)
}

// checkNode checks the elements of the branch or leaf page p (a stored
// page, or an inline bucket's page when id is 0): their bounds, their
// keys' order and bounds, and what they lead to.
func (c *fileCheck) checkNode(p []byte, id uint64, depth int, lo, hi []byte) error {
	if len(p) < pageHeader {
		return fmt.Errorf("page %d: %d bytes", id, len(p))
	}
	flags, count := ne.Uint16(p[8:]), int(ne.Uint16(p[10:]))
	if flags != branchPage && flags != leafPage {
		return fmt.Errorf("page %d: unexpected page type %#x", id, flags)
	}
	if pageHeader+count*elemSize > len(p) {
		return fmt.Errorf("page %d: %d elements do not fit", id, count)
	}
	keys := make([][]byte, count)
	next := uint64(pageHeader + count*elemSize) // bbolt packs the elements' data in order, right after them
	for i := range keys {
		k, end, err := elemKey(p, pageHeader+i*elemSize, flags == branchPage, next)
		if err != nil {
			return fmt.Errorf("page %d: element %d: %w", id, i, err)
		}
		next = end
		if (i > 0 && bytes.Compare(keys[i-1], k) >= 0) || (lo != nil && bytes.Compare(k, lo) < 0) || (hi != nil && bytes.Compare(k, hi) >= 0) {
			return fmt.Errorf("page %d: element %d: key out of order", id, i)
		}
		keys[i] = k
	}
	for i := range keys {
		e := pageHeader + i*elemSize
		if flags == branchPage {
			clo, chi := lo, hi
			if i > 0 {
				clo = keys[i]
			}
			if i+1 < count {
				chi = keys[i+1]
			}
			if err := c.walk(ne.Uint64(p[e+8:]), depth+1, clo, chi); err != nil {
				return err
			}
		} else if err := c.checkLeaf(p, e, id, depth); err != nil {
			return err
		}
	}
	return nil
}

// elemKey returns the key of the element at offset e of page p and the
// offset where its data ends, checking that its data starts at start (as
// bbolt writes pages: the elements' keys and values packed in order after
// the elements), that its key is not empty and that its data lies within
// the page.
func elemKey(p []byte, e int, branch bool, start uint64) ([]byte, uint64, error) {
	pos, ksize, vsize := uint64(ne.Uint32(p[e:])), uint64(ne.Uint32(p[e+4:])), uint64(0)
	if !branch {
		pos, ksize, vsize = uint64(ne.Uint32(p[e+4:])), uint64(ne.Uint32(p[e+8:])), uint64(ne.Uint32(p[e+12:]))
	}
	switch {
	case uint64(e)+pos != start:
		return nil, 0, fmt.Errorf("data at %d, not %d where the element before ends", uint64(e)+pos, start)
	case ksize == 0:
		return nil, 0, fmt.Errorf("empty key")
	case start+ksize+vsize > uint64(len(p)):
		return nil, 0, fmt.Errorf("out of the page")
	}
	return p[start : start+ksize], start + ksize + vsize, nil
}

// checkLeaf checks what the leaf element at offset e of page p leads to:
// a nested bucket's tree or inline page.
func (c *fileCheck) checkLeaf(p []byte, e int, id uint64, depth int) error {
	flags, pos := ne.Uint32(p[e:]), uint64(ne.Uint32(p[e+4:]))
	ksize, vsize := uint64(ne.Uint32(p[e+8:])), uint64(ne.Uint32(p[e+12:]))
	if flags&bucketLeafFlag == 0 {
		return nil
	}
	start := uint64(e) + pos + ksize
	v := p[start : start+vsize]
	if len(v) < inBucketSize {
		return fmt.Errorf("page %d: bucket header of %d bytes", id, len(v))
	}
	if root := ne.Uint64(v); root != 0 {
		return c.walk(root, depth+1, nil, nil)
	}
	if depth > checkMaxDepth {
		return fmt.Errorf("page %d: buckets nested deeper than %d", id, checkMaxDepth)
	}
	return c.checkNode(v[inBucketSize:], 0, depth+1, nil, nil) // an inline bucket
}

// checkFreelist checks the freelist page: its type and size, and that
// every page it lists is below the high-water mark, listed once and not
// reachable from the root.
func (c *fileCheck) checkFreelist() error {
	if c.m.freelist == noFreelist {
		return nil
	}
	p, err := c.readPage(c.m.freelist, freelistPage)
	if err != nil {
		return fmt.Errorf("freelist: %w", err)
	}
	n, ids := uint64(ne.Uint16(p[10:])), p[pageHeader:]
	if n == 0xFFFF { // the real count is the first element
		if len(ids) < 8 {
			return fmt.Errorf("freelist: page %d: no count", c.m.freelist)
		}
		n, ids = ne.Uint64(ids), ids[8:]
	}
	if n > uint64(len(ids))/8 {
		return fmt.Errorf("freelist: page %d: %d ids do not fit", c.m.freelist, n)
	}
	free := make(map[uint64]bool, n)
	for i := range n {
		id := ne.Uint64(ids[i*8:])
		switch {
		case id < 2 || id >= c.m.pgid:
			return fmt.Errorf("freelist: page %d is outside pages 2 to %d", id, c.m.pgid-1)
		case free[id]:
			return fmt.Errorf("freelist: page %d is listed twice", id)
		case c.seen[id]:
			return fmt.Errorf("freelist: page %d is free and in use", id)
		}
		free[id] = true
	}
	return nil
}

// checkBuckets checks the top-level buckets of a file Open opened: none
// (a new file) or exactly the backend's three. A damaged bucket name
// would otherwise make New create an empty bucket beside it, and every key
// read as missing.
func checkBuckets(db *bbolt.DB) error {
	var names []string
	err := guard(func() error {
		return db.View(func(tx *bbolt.Tx) error {
			return tx.ForEach(func(name []byte, _ *bbolt.Bucket) error {
				names = append(names, string(name))
				return nil
			})
		})
	})
	if err != nil {
		return err
	}
	want := []string{string(bucketColls), string(bucketExpiry), string(bucketMeta)} // in bbolt's order
	if len(names) != 0 && !slices.Equal(names, want) {
		return fmt.Errorf("%w: top-level buckets %q, want none or %q", ErrCorrupt, names, want)
	}
	return nil
}
