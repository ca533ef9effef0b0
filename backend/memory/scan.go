package memory

import (
	"context"
	"iter"

	"github.com/mimeiapify/store/internal/glob"
)

// Scan is store.Keys.Scan: it yields every live key matching the glob
// pattern, each once. It walks the shards one at a time, holding a shard's
// read lock only while it collects that shard's matching keys, and yields
// them after releasing it, so the loop body may call the backend. A key
// written during the scan may or may not be yielded. When ctx is done or
// the backend is closed, Scan yields one error and stops.
func (b *Backend) Scan(ctx context.Context, pattern string) iter.Seq2[string, error] {
	return func(yield func(string, error) bool) {
		var keys []string
		for i := range b.shards {
			if err := b.check(ctx, "scan", pattern); err != nil {
				yield("", err)
				return
			}
			keys = b.shards[i].collect(pattern, keys[:0])
			for _, k := range keys {
				if err := ctx.Err(); err != nil {
					yield("", wrap("scan", pattern, err))
					return
				}
				if !yield(k, nil) {
					return
				}
			}
		}
	}
}

// collect appends the shard's live keys that match pattern to keys.
func (s *shard) collect(pattern string, keys []string) []string {
	var c clock
	s.mu.RLock()
	defer s.mu.RUnlock()
	for k, e := range s.m {
		if !e.expired(&c) && glob.Match(pattern, k) {
			keys = append(keys, k)
		}
	}
	return keys
}
