package bolt

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"go.etcd.io/bbolt"

	"github.com/mimeiapify/store"
)

// request is one write waiting for the group commit.
type request struct {
	ctx  context.Context
	fn   func(t *txn) error
	done chan error // buffered: the writer never blocks answering
}

// panicked carries a panic of a write function back to its caller.
type panicked struct{ value any }

func (p panicked) Error() string { return fmt.Sprintf("bolt: write function panicked: %v", p.value) }

// errAbort rolls back a group transaction in which one write failed.
var errAbort = errors.New("bolt: abort group")

// write runs fn in a read-write transaction, committed together with the
// writes other goroutines queued meanwhile. It returns fn's error; when
// fn fails, nothing it wrote is kept and the rest of its group still
// commits.
func (b *Backend) write(ctx context.Context, op string, fn func(t *txn) error) error {
	if err := b.begin(ctx, op); err != nil {
		return err
	}
	r := &request{ctx: ctx, fn: fn, done: make(chan error, 1)}
	select {
	case b.reqs <- r:
	case <-b.quit:
		return fmt.Errorf("bolt: %s: %w", op, store.ErrClosed)
	}
	err := <-r.done
	if p, ok := err.(panicked); ok {
		panic(p.value)
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

// commit runs batch in one Update. A write that fails is answered with
// its error and the group runs again without it, so that no failure
// leaks partial writes or fails the others.
func (b *Backend) commit(batch []*request) {
	batch = slices.DeleteFunc(batch, func(r *request) bool {
		if err := r.ctx.Err(); err != nil {
			r.done <- fmt.Errorf("bolt: write: %w", err)
			return true
		}
		return false
	})
	for len(batch) > 0 {
		failed, ferr := -1, error(nil)
		err := b.db.Update(func(tx *bbolt.Tx) error {
			t := &txn{tx: tx, now: now()}
			for i, r := range batch {
				if err := runWrite(r.fn, t); err != nil {
					failed, ferr = i, err
					return errAbort
				}
			}
			return nil
		})
		if failed >= 0 {
			batch[failed].done <- ferr
			batch = slices.Delete(batch, failed, failed+1)
			continue
		}
		b.commits.Add(1)
		for _, r := range batch {
			r.done <- err
		}
		return
	}
}

// runWrite runs fn, turning a panic into an error its caller re-panics.
func runWrite(fn func(t *txn) error, t *txn) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = panicked{p}
		}
	}()
	return fn(t)
}
