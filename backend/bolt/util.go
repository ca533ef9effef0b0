package bolt

import (
	"bytes"
	"errors"

	"go.etcd.io/bbolt"

	"github.com/mimeiapify/store"
)

// isNotFound reports whether err wraps store.ErrNotFound.
func isNotFound(err error) bool { return errors.Is(err, store.ErrNotFound) }

// deleteMembers deletes the stored forms of names from b and counts the
// ones that existed.
func deleteMembers(b *bbolt.Bucket, names []string) (int64, error) {
	var n int64
	for _, name := range names {
		k := entryKey(name)
		if _, ok := lookup(b, k); !ok {
			continue
		}
		if err := b.Delete(k); err != nil {
			return n, err
		}
		n++
	}
	return n, nil
}

// deleteIndexes deletes list elements lo (included) to hi (excluded).
func deleteIndexes(b *bbolt.Bucket, lo, hi uint64) error {
	for i := lo; i < hi; i++ {
		if err := b.Delete(listKey(i)); err != nil {
			return err
		}
	}
	return nil
}

// lookup returns the value stored at k in b and whether k exists. Unlike
// Bucket.Get it tells an empty value from a missing key.
func lookup(b *bbolt.Bucket, k []byte) ([]byte, bool) {
	ck, v := b.Cursor().Seek(k)
	if ck == nil || !bytes.Equal(ck, k) {
		return nil, false
	}
	return v, true
}

// firstKey names a call about several keys in errors by its first key.
func firstKey(keys []string) string {
	if len(keys) == 0 {
		return ""
	}
	return keys[0]
}

// groupKey names an atomic group in errors by its first op's key.
func groupKey(ops []store.Op) string {
	if len(ops) == 0 || ops[0] == nil {
		return ""
	}
	return ops[0].OpKey()
}
