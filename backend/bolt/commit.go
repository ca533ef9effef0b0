package bolt

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"go.etcd.io/bbolt"
	berrors "go.etcd.io/bbolt/errors"

	"github.com/mimeiapify/store"
)

// request is one write waiting for the group commit.
type request struct {
	ctx     context.Context
	op, key string // name the call in errors
	fn      func(t *txn) error
	done    chan error // buffered: the writer never blocks answering
}

// panicked carries a panic of a write function back to its caller.
type panicked struct{ value any }

func (p panicked) Error() string { return fmt.Sprintf("bolt: write function panicked: %v", p.value) }

// errAbort rolls back a group transaction in which one write failed.
var errAbort = errors.New("bolt: abort group")

// write runs fn in a read-write transaction, committed together with the
// writes other goroutines queued meanwhile; op and key name the call in
// errors. It returns fn's error; when fn fails, nothing it wrote is kept
// and the rest of its group still commits. A write whose ctx is done
// before fn runs fails with ctx's error and writes nothing.
func (b *Backend) write(ctx context.Context, op, key string, fn func(t *txn) error) error {
	if err := b.begin(ctx, op, key); err != nil {
		return err
	}
	r := &request{ctx: ctx, op: op, key: key, fn: fn, done: make(chan error, 1)}
	select {
	case b.reqs <- r:
	case <-b.quit:
		return opError(op, key, store.ErrClosed)
	case <-ctx.Done():
		return opError(op, key, ctx.Err())
	}
	err := <-r.done
	if p, ok := err.(panicked); ok {
		panic(p.value)
	}
	if errors.Is(err, berrors.ErrDatabaseNotOpen) {
		return opError(op, key, store.ErrClosed)
	}
	return err
}

// writer is the one goroutine that commits: it takes every queued write,
// runs them in one transaction and commits once. A lone write commits at
// once; writes that queue during a commit share the next one.
func (b *Backend) writer() {
	defer b.wg.Done()
	batch := make([]*request, 0, 64)
	for {
		select {
		case r := <-b.reqs:
			batch = b.gather(append(batch[:0], r))
			b.commit(batch)
			clear(batch)
		case <-b.quit:
			return
		}
	}
}

// gather adds the writes already waiting to batch, up to MaxBatch.
func (b *Backend) gather(batch []*request) []*request {
	for len(batch) < b.opts.MaxBatch {
		select {
		case r := <-b.reqs:
			batch = append(batch, r)
		default:
			return batch
		}
	}
	return batch
}

// commit runs batch in one Update. A write that fails, or whose context
// is done by the time its turn comes, is answered with its error and the
// group runs again without it, so that no failure leaks partial writes
// or fails the others.
func (b *Backend) commit(batch []*request) {
	batch = slices.DeleteFunc(batch, func(r *request) bool {
		if err := r.ctx.Err(); err != nil {
			r.done <- opError(r.op, r.key, err)
			return true
		}
		return false
	})
	for len(batch) > 0 {
		failed, ferr := -1, error(nil)
		err := guard(func() error {
			return b.db.Update(func(tx *bbolt.Tx) error {
				t := &txn{tx: tx, now: now()}
				for i, r := range batch {
					if err := runWrite(r, t); err != nil {
						failed, ferr = i, err
						return errAbort
					}
				}
				return nil
			})
		})
		if failed >= 0 {
			batch[failed].done <- ferr
			batch = slices.Delete(batch, failed, failed+1)
			continue
		}
		if err == nil {
			b.commits.Add(1)
		}
		for _, r := range batch {
			r.done <- commitError(r, err)
		}
		return
	}
}

// runWrite runs r's function unless r's context is done, turning a
// panic into an error its caller re-panics.
func runWrite(r *request, t *txn) (err error) {
	if err := r.ctx.Err(); err != nil {
		return opError(r.op, r.key, err)
	}
	defer func() {
		if p := recover(); p != nil {
			if d, ok := p.(damaged); ok {
				err = opError(r.op, r.key, d)
			} else if isFault(p) || fromBolt() {
				err = opError(r.op, r.key, damaged{p})
			} else {
				err = panicked{p}
			}
		}
	}()
	return r.fn(t)
}

// commitError names r's call in the error of a commit that failed (a full
// disk, a damaged file), as every error of the package does:
// "bolt: set \"k\": ...".
func commitError(r *request, err error) error {
	if err == nil || errors.Is(err, berrors.ErrDatabaseNotOpen) {
		return err
	}
	return opError(r.op, r.key, err)
}
