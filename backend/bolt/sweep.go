package bolt

import (
	"bytes"
	"context"
	"encoding/binary"
	"time"
)

// sweeper deletes expired keys every SweepInterval until Close.
func (b *Backend) sweeper() {
	defer b.wg.Done()
	tick := time.NewTicker(b.opts.SweepInterval)
	defer tick.Stop()
	for {
		select {
		case <-b.quit:
			return
		case <-tick.C:
			_, _ = b.sweep(context.Background())
		}
	}
}

// sweep deletes every key expired by now, SweepBatch keys per write
// transaction, and returns how many it deleted.
func (b *Backend) sweep(ctx context.Context) (int, error) {
	total := 0
	for {
		var n int
		err := b.write(ctx, "sweep", "", func(t *txn) (err error) {
			n, err = t.sweep(b.opts.SweepBatch)
			return err
		})
		total += n
		if err != nil || n < b.opts.SweepBatch {
			return total, err
		}
	}
}

// sweep deletes up to limit keys whose expiry has passed, walking the
// expiry index in time order.
func (t *txn) sweep(limit int) (int, error) {
	exp := t.tx.Bucket(bucketExpiry)
	var due [][]byte
	c := exp.Cursor()
	for k, _ := c.First(); k != nil && len(due) < limit; k, _ = c.Next() {
		if len(k) < 9 || int64(binary.BigEndian.Uint64(k)) > t.now {
			break
		}
		due = append(due, bytes.Clone(k))
	}
	for _, k := range due {
		if err := t.sweepOne(k); err != nil {
			return 0, err
		}
	}
	return len(due), nil
}

// sweepOne deletes the key an expiry-index entry names if the entry is
// current, and the entry itself in any case.
func (t *txn) sweepOne(ek []byte) error {
	at, key := int64(binary.BigEndian.Uint64(ek)), fromDBKey(ek[8:])
	if rec := t.metaB().Get(ek[8:]); rec != nil {
		if m, err := decodeMeta(ek[8:], rec); err == nil && m.exp == at {
			return t.drop(key, &m)
		}
	}
	return t.tx.Bucket(bucketExpiry).Delete(ek)
}
