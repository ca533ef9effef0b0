package transfer

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"sync"
	"sync/atomic"
	"time"

	"github.com/mimeiapify/store"
)

// Defaults of CopyOptions.
const (
	DefaultBatchSize = 1000
	DefaultWorkers   = 16
)

// CopyOptions change Copy and WriteAll. A nil *CopyOptions gives the
// defaults.
type CopyOptions struct {
	// BatchSize is how many keys are taken from the listing before they
	// are copied and Progress is called; 0 means DefaultBatchSize.
	BatchSize int
	// Workers is how many keys of a batch are copied at once; 0 means
	// DefaultWorkers. Each worker makes its own calls, so on a network
	// backend Workers round trips are in flight.
	Workers int
	// Replace overwrites keys of the target that exist with another
	// value. Without it such a key stops the copy with ErrExists.
	Replace bool
	// Progress, when set, is called after each batch with the totals so
	// far, from the goroutine that called Copy.
	Progress func(Stats)
}

// Stats counts what Copy or WriteAll did.
type Stats struct {
	// Keys is how many keys (or records) were handled.
	Keys int64
	// Written is how many were written to the target.
	Written int64
	// Skipped is how many were already in the target with the same value
	// (a resumed copy skips what the interrupted one wrote).
	Skipped int64
	// Vanished is how many keys were listed but gone when read.
	Vanished int64
	// Elapsed is the time since the start of the call.
	Elapsed time.Duration
}

// counters are Stats updated by concurrent workers.
type counters struct{ keys, written, skipped, vanished atomic.Int64 }

func (c *counters) stats(start time.Time) Stats {
	return Stats{Keys: c.keys.Load(), Written: c.written.Load(), Skipped: c.skipped.Load(),
		Vanished: c.vanished.Load(), Elapsed: time.Since(start)}
}

func (o *CopyOptions) withDefaults() CopyOptions {
	var c CopyOptions
	if o != nil {
		c = *o
	}
	if c.BatchSize <= 0 {
		c.BatchSize = DefaultBatchSize
	}
	if c.Workers <= 0 {
		c.Workers = DefaultWorkers
	}
	return c
}

// Copy copies every key that keys yields (typically from.Scan) from one
// backend to another, with its value and remaining TTL, in batches of
// BatchSize keys copied by Workers goroutines, calling Progress after each
// batch. Each key is read with ReadKey and written with Write, so a list
// arrives whole or not at all.
//
// Copy is resumable: a key already in the target with the same value is
// skipped (counted in Stats.Skipped), so running it again after a
// cancelled or failed run finishes the job without duplicating any list
// item. A key in the target with another value fails with ErrExists
// unless Replace. A key listed but gone when read is skipped. On an error
// (or a done ctx) Copy finishes the keys in flight and returns the Stats
// so far with the error.
func Copy(ctx context.Context, from, to store.Backend, keys iter.Seq2[string, error], opts *CopyOptions) (Stats, error) {
	return run(ctx, keys, opts, func(ctx context.Context, key string, c *counters) error {
		rec, ok, err := ReadKey(ctx, from, key)
		if err != nil || !ok {
			if err == nil {
				c.vanished.Add(1)
			}
			return err
		}
		return put(ctx, to, rec, opts != nil && opts.Replace, c)
	})
}

// WriteAll writes every record that recs yields (for example a Decoder's)
// to b, as Copy does: in batches, a key already present with the same value
// is skipped, one present with another value fails with ErrExists unless
// Replace. When recs yields an error, the records before it are written
// and WriteAll returns that error: nothing after it is written.
func WriteAll(ctx context.Context, b store.Backend, recs iter.Seq2[Record, error], opts *CopyOptions) (Stats, error) {
	return run(ctx, recs, opts, func(ctx context.Context, rec Record, c *counters) error {
		return put(ctx, b, rec, opts != nil && opts.Replace, c)
	})
}

// put writes rec unless the target holds the same value already.
func put(ctx context.Context, b store.Backend, rec Record, replace bool, c *counters) error {
	err := Write(ctx, b, rec, nil)
	if errors.Is(err, ErrExists) {
		cur, ok, rerr := ReadKey(ctx, b, rec.Key)
		switch {
		case rerr != nil:
			return rerr
		case ok && cur.SameValue(rec):
			c.skipped.Add(1)
			return nil
		case !replace:
			return fmt.Errorf("transfer: key %q exists in the target with another value: %w", rec.Key, ErrExists)
		}
		err = Write(ctx, b, rec, &WriteOptions{Replace: true})
	}
	if err == nil {
		c.written.Add(1)
	}
	return err
}

// run takes items from seq in batches and handles each with fn on the
// workers, calling Progress after each batch.
func run[T any](ctx context.Context, seq iter.Seq2[T, error], opts *CopyOptions,
	fn func(ctx context.Context, item T, c *counters) error) (Stats, error) {
	o := opts.withDefaults()
	start := time.Now()
	var c counters
	batch := make([]T, 0, o.BatchSize)
	flush := func() error {
		err := runBatch(ctx, batch, o.Workers, func(item T) error {
			err := fn(ctx, item, &c)
			c.keys.Add(1)
			return err
		})
		batch = batch[:0]
		if o.Progress != nil {
			o.Progress(c.stats(start))
		}
		return err
	}
	for item, err := range seq {
		if err != nil {
			if ferr := flush(); ferr != nil {
				return c.stats(start), ferr
			}
			return c.stats(start), err
		}
		batch = append(batch, item)
		if len(batch) == o.BatchSize {
			if err := flush(); err != nil {
				return c.stats(start), err
			}
		}
		if err := ctx.Err(); err != nil {
			return c.stats(start), fmt.Errorf("transfer: %w", err)
		}
	}
	if len(batch) > 0 {
		if err := flush(); err != nil {
			return c.stats(start), err
		}
	}
	return c.stats(start), nil
}

// runBatch calls fn on every item with up to workers goroutines and
// returns the first error; after an error the items not yet started are
// left alone.
func runBatch[T any](ctx context.Context, items []T, workers int, fn func(T) error) error {
	var (
		wg    sync.WaitGroup
		next  atomic.Int64
		mu    sync.Mutex
		first error
	)
	failed := func() bool { mu.Lock(); defer mu.Unlock(); return first != nil }
	for range min(workers, len(items)) {
		wg.Go(func() {
			for {
				i := int(next.Add(1)) - 1
				if i >= len(items) || failed() || ctx.Err() != nil {
					return
				}
				if err := fn(items[i]); err != nil {
					mu.Lock()
					if first == nil {
						first = err
					}
					mu.Unlock()
				}
			}
		})
	}
	wg.Wait()
	if first == nil && ctx.Err() != nil {
		return fmt.Errorf("transfer: %w", ctx.Err())
	}
	return first
}
