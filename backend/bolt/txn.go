package bolt

import (
	"bytes"
	"errors"
	"fmt"

	"go.etcd.io/bbolt"
	berrors "go.etcd.io/bbolt/errors"

	"github.com/mimeiapify/store"
)

// txn is one bbolt transaction with the clock reading it judges expiry by.
type txn struct {
	tx  *bbolt.Tx
	now int64 // Unix ms
}

// metaB returns the meta bucket.
func (t *txn) metaB() *bbolt.Bucket { return t.tx.Bucket(bucketMeta) }

// collB returns the nested bucket of a collection key, which its meta
// record says exists. When it is missing (its name was damaged on disk)
// collB panics with a damaged error, which guard and runWrite turn into
// the call's error.
func (t *txn) collB(key string) *bbolt.Bucket {
	b := t.tx.Bucket(bucketColls).Bucket(dbKey(key))
	if b == nil {
		panic(damaged{fmt.Sprintf("the bucket of collection %q is missing", key)})
	}
	return b
}

// live returns key's meta record if the key exists and has not expired.
// A read sees an expired key as missing without deleting it.
func (t *txn) live(key string) (meta, bool, error) {
	k := dbKey(key)
	b, err := t.metaLookup(key, k)
	if err != nil || b == nil {
		return meta{}, false, err
	}
	m, err := decodeMeta(k, b)
	if err != nil {
		return meta{}, false, fmt.Errorf("%w (key %q)", err, key)
	}
	if m.exp != 0 && m.exp <= t.now {
		return meta{}, false, nil
	}
	return m, true, nil
}

// metaLookup returns the meta record stored at k, the stored form of key,
// or nil when there is none. A key whose name was damaged on disk is no
// longer found under it, but still sits where it was in its page: so on a
// miss the records on both sides of where k would be are checked, and a
// damaged one makes the miss an error wrapping ErrCorrupt rather than a
// missing key (which would read as an empty hash, list or set).
func (t *txn) metaLookup(key string, k []byte) ([]byte, error) {
	c := t.metaB().Cursor()
	ck, v := c.Seek(k)
	if ck != nil && bytes.Equal(ck, k) {
		return v, nil
	}
	if ck != nil {
		if _, err := decodeMeta(ck, v); err != nil {
			return nil, fmt.Errorf("%w (next to key %q)", err, key)
		}
	}
	if pk, pv := c.Prev(); pk != nil {
		if _, err := decodeMeta(pk, pv); err != nil {
			return nil, fmt.Errorf("%w (next to key %q)", err, key)
		}
	}
	return nil, nil
}

// typed returns key's live meta record, failing with ErrWrongType when it
// holds another type than want.
func (t *txn) typed(op, key string, want store.Type) (meta, bool, error) {
	m, ok, err := t.live(key)
	if err != nil || !ok {
		return m, ok, err
	}
	if m.typ != want {
		return meta{}, false, fmt.Errorf("bolt: %s %q: %w", op, key, store.ErrWrongType)
	}
	return m, true, nil
}

// reap deletes key if it is stored but expired, so that a write starts
// from a missing key. It must run before a write looks at the key.
func (t *txn) reap(key string) error {
	k := dbKey(key)
	b := t.metaB().Get(k)
	if b == nil {
		return nil
	}
	m, err := decodeMeta(k, b)
	if err != nil {
		return fmt.Errorf("%w (key %q)", err, key)
	}
	if m.exp != 0 && m.exp <= t.now {
		return t.drop(key, &m)
	}
	return nil
}

// drop deletes key, whose meta record is m, with its data and expiry.
func (t *txn) drop(key string, m *meta) error {
	if err := t.metaB().Delete(dbKey(key)); err != nil {
		return err
	}
	if m.typ != store.TypeString {
		err := t.tx.Bucket(bucketColls).DeleteBucket(dbKey(key))
		if err != nil && !errors.Is(err, berrors.ErrBucketNotFound) {
			return err
		}
	}
	if m.exp != 0 {
		return t.tx.Bucket(bucketExpiry).Delete(expiryKey(m.exp, key))
	}
	return nil
}

// putMeta stores key's meta record; old is the expiry stored before (0
// for none or a new key), so that the expiry index follows.
func (t *txn) putMeta(key string, m *meta, oldExp int64) error {
	k := dbKey(key)
	if err := t.metaB().Put(k, encodeMeta(k, m)); err != nil {
		return fmt.Errorf("bolt: key %q: %w", key, err)
	}
	if oldExp == m.exp {
		return nil
	}
	exp := t.tx.Bucket(bucketExpiry)
	if oldExp != 0 {
		if err := exp.Delete(expiryKey(oldExp, key)); err != nil {
			return err
		}
	}
	if m.exp != 0 {
		return exp.Put(expiryKey(m.exp, key), nil)
	}
	return nil
}

// coll returns the nested bucket of a collection key, creating it.
func (t *txn) coll(key string) (*bbolt.Bucket, error) {
	b, err := t.tx.Bucket(bucketColls).CreateBucketIfNotExists(dbKey(key))
	if err != nil {
		return nil, fmt.Errorf("bolt: key %q: %w", key, err)
	}
	return b, nil
}

// writeColl stores a collection's meta record after a change, or drops
// the key when the collection became empty.
func (t *txn) writeColl(key string, m *meta, oldExp int64) error {
	if m.length() == 0 {
		m.exp = oldExp
		return t.drop(key, m)
	}
	return t.putMeta(key, m, oldExp)
}
