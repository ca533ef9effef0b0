package bolt

import (
	"context"
	"errors"
	"fmt"
	"os"
	"sync"
	"sync/atomic"
	"time"

	"go.etcd.io/bbolt"
	berrors "go.etcd.io/bbolt/errors"

	"github.com/mimeiapify/store"
)

// Defaults of Options.
const (
	DefaultTimeout       = 5 * time.Second
	DefaultSweepInterval = time.Second
	DefaultSweepBatch    = 256
	DefaultMaxBatch      = 1024
)

// Options configures a Backend. The zero value (or nil) gives the
// defaults.
type Options struct {
	// Timeout is how long Open waits for the file lock another process
	// holds before it fails; 0 means DefaultTimeout. Used by Open only.
	Timeout time.Duration
	// NoSync skips fsync on commit: much faster, and a crash of the
	// machine (not of the process) can lose or corrupt the file. Used by
	// Open only; New keeps the DB's own setting.
	NoSync bool
	// FileMode is the mode a new file is created with; 0 means 0600.
	FileMode os.FileMode
	// SweepInterval is how often expired keys are deleted from disk; 0
	// means DefaultSweepInterval, a negative value disables the sweeper
	// (expired keys stay invisible either way).
	SweepInterval time.Duration
	// SweepBatch is how many expired keys one sweeping transaction
	// deletes at most; 0 means DefaultSweepBatch.
	SweepBatch int
	// MaxBatch is how many queued writes one group commit takes at most;
	// 0 means DefaultMaxBatch.
	MaxBatch int
	// CloseDB makes Close close a DB given to New. Open always closes
	// the DB it opened.
	CloseDB bool
}

// Backend is a store.Backend over one bbolt file. It is safe for
// concurrent use.
type Backend struct {
	db      *bbolt.DB
	opts    Options
	closeDB bool

	commits atomic.Int64 // group transactions committed, for tests and stats
	reqs    chan *request
	quit    chan struct{}
	wg      sync.WaitGroup
	closed  atomic.Bool
	once    sync.Once
	err     error
}

var _ store.Backend = (*Backend)(nil)

// Open opens (or creates) the bbolt file at path. It fails after
// Options.Timeout with an error naming the path when another process
// holds the file. It first checks the file's structure (see checkFile),
// reading every page in use once, and fails with an error wrapping
// ErrCorrupt when the file is damaged, holding neither its lock nor a
// handle to it afterwards. On failure the *Backend is nil.
func Open(path string, opts *Options) (*Backend, error) {
	o := withDefaults(opts)
	// A file another process holds may change under the check: check it
	// again once it is ours.
	busy := locked(path)
	checkErr := checkFile(path)
	if checkErr != nil && !busy && !locked(path) {
		return nil, fmt.Errorf("bolt: open %s: %w", path, checkErr)
	}
	db, err := openDB(path, &o)
	if errors.Is(err, berrors.ErrTimeout) {
		return nil, fmt.Errorf("bolt: open %s: file is locked by another process (waited %v): %w", path, o.Timeout, err)
	}
	if err != nil {
		return nil, fmt.Errorf("bolt: open %s: %w", path, err)
	}
	if busy || checkErr != nil {
		checkErr = checkFile(path)
	}
	if checkErr == nil {
		checkErr = checkBuckets(db)
	}
	if checkErr != nil {
		_ = db.Close()
		return nil, fmt.Errorf("bolt: open %s: %w", path, checkErr)
	}
	o.CloseDB = true
	b, err := New(db, &o)
	if err != nil {
		_ = db.Close()
		return nil, err
	}
	return b, nil
}

// openDB is bbolt.Open guarded against bbolt's panics on a damaged file:
// when it panics, the file it opened is closed, which releases its lock.
func openDB(path string, o *Options) (*bbolt.DB, error) {
	mode := o.FileMode
	if mode == 0 {
		mode = 0o600
	}
	var file *os.File
	openFile := func(name string, flag int, perm os.FileMode) (*os.File, error) {
		f, err := os.OpenFile(name, flag, perm)
		file = f
		return f, err
	}
	var db *bbolt.DB
	err := guard(func() (err error) {
		db, err = bbolt.Open(path, mode, &bbolt.Options{Timeout: o.Timeout, NoSync: o.NoSync, OpenFile: openFile})
		return err
	})
	if _, ok := err.(damaged); ok && file != nil {
		// bbolt.Open panicked: it left the file open and maybe mapped
		unmapFile(file)
		_ = file.Close()
	}
	return db, err
}

// New returns a Backend over an open DB, creating its buckets. Close
// closes db only when Options.CloseDB is set.
func New(db *bbolt.DB, opts *Options) (*Backend, error) {
	if db == nil {
		return nil, fmt.Errorf("bolt: new: %w: nil DB", store.ErrInvalidArgument)
	}
	o := withDefaults(opts)
	err := guard(func() error {
		return db.Update(func(tx *bbolt.Tx) error {
			for _, name := range [][]byte{bucketMeta, bucketColls, bucketExpiry} {
				if _, err := tx.CreateBucketIfNotExists(name); err != nil {
					return err
				}
			}
			return nil
		})
	})
	if err != nil {
		return nil, fmt.Errorf("bolt: new %s: create buckets: %w", db.Path(), err)
	}
	b := &Backend{db: db, opts: o, closeDB: o.CloseDB, reqs: make(chan *request), quit: make(chan struct{})}
	b.wg.Add(1)
	go b.writer()
	if o.SweepInterval > 0 {
		b.wg.Add(1)
		go b.sweeper()
	}
	return b, nil
}

func withDefaults(opts *Options) Options {
	var o Options
	if opts != nil {
		o = *opts
	}
	if o.Timeout <= 0 {
		o.Timeout = DefaultTimeout
	}
	if o.SweepInterval == 0 {
		o.SweepInterval = DefaultSweepInterval
	}
	if o.SweepBatch <= 0 {
		o.SweepBatch = DefaultSweepBatch
	}
	if o.MaxBatch <= 0 {
		o.MaxBatch = DefaultMaxBatch
	}
	return o
}

// DB returns the underlying bbolt DB, for backups (tx.WriteTo) and stats.
func (b *Backend) DB() *bbolt.DB { return b.db }

// Close stops the writer and the sweeper and closes the file if the
// backend owns it. Calls after Close fail with store.ErrClosed.
func (b *Backend) Close() error {
	b.once.Do(func() {
		b.closed.Store(true)
		close(b.quit)
		b.wg.Wait()
		if b.closeDB {
			b.err = b.db.Close()
		}
	})
	return b.err
}

// now is the clock expiry is judged by, in Unix milliseconds.
func now() int64 { return time.Now().UnixMilli() }

// opError wraps err with the operation and the key (or pattern) it is
// about, as every error of the package does: "bolt: get \"k\": ...".
func opError(op, key string, err error) error {
	return fmt.Errorf("bolt: %s %q: %w", op, key, err)
}

// begin checks that a call about key may start: the backend is open and
// ctx is not done.
func (b *Backend) begin(ctx context.Context, op, key string) error {
	if b.closed.Load() {
		return opError(op, key, store.ErrClosed)
	}
	if err := ctx.Err(); err != nil {
		return opError(op, key, err)
	}
	return nil
}

// view runs fn in one read transaction; op and key name the call in
// errors.
func (b *Backend) view(ctx context.Context, op, key string, fn func(t *txn) error) error {
	if err := b.begin(ctx, op, key); err != nil {
		return err
	}
	err := guard(func() error {
		return b.db.View(func(tx *bbolt.Tx) error {
			return fn(&txn{tx: tx, now: now()})
		})
	})
	if errors.Is(err, berrors.ErrDatabaseNotOpen) {
		return opError(op, key, store.ErrClosed)
	}
	if _, ok := err.(damaged); ok {
		return opError(op, key, err)
	}
	return err
}
