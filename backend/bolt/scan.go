package bolt

import (
	"bytes"
	"context"
	"fmt"
	"iter"

	"github.com/mimeiapify/store/internal/glob"
)

// scanChunk bounds how many keys one read transaction of Scan examines,
// so that a long scan never holds a transaction for long.
const scanChunk = 256

// Scan yields every live key matching the Redis glob pattern, in byte
// order. It reads in chunks of scanChunk keys, each in its own short
// read transaction, and holds none while the caller's loop body runs.
// Once ctx is done it yields one error wrapping ctx.Err() and no more
// keys, even those of a chunk already read.
func (b *Backend) Scan(ctx context.Context, pattern string) iter.Seq2[string, error] {
	return func(yield func(string, error) bool) {
		prefix := dbKey(glob.LiteralPrefix(pattern))
		seek := prefix
		for {
			keys, next, err := b.scanChunk(ctx, pattern, prefix, seek)
			if err != nil {
				yield("", err)
				return
			}
			for _, k := range keys {
				if err := ctx.Err(); err != nil { // cancelled in the loop body
					yield("", opError("scan", pattern, err))
					return
				}
				if !yield(k, nil) {
					return
				}
			}
			if next == nil {
				return
			}
			seek = next
		}
	}
}

// scanChunk examines up to scanChunk stored keys from seek on that start
// with prefix, and returns the live matching ones and the key to resume
// from (nil at the end).
func (b *Backend) scanChunk(ctx context.Context, pattern string, prefix, seek []byte) ([]string, []byte, error) {
	var keys []string
	var next []byte
	err := b.view(ctx, "scan", pattern, func(t *txn) error {
		keys, next = keys[:0], nil
		c := t.metaB().Cursor()
		k, v := c.Seek(seek)
		for n := 0; k != nil && bytes.HasPrefix(k, prefix); k, v = c.Next() {
			if n == scanChunk {
				next = bytes.Clone(k)
				return nil
			}
			n++
			m, err := decodeMeta(k, v)
			if err != nil {
				return opError("scan", pattern, fmt.Errorf("%w (key %q)", err, fromDBKey(k)))
			}
			if key := fromDBKey(k); (m.exp == 0 || m.exp > t.now) && glob.Match(pattern, key) {
				keys = append(keys, key)
			}
		}
		return nil
	})
	return keys, next, err
}
