package redis

import (
	"context"
	"iter"
	"sync"

	goredis "github.com/redis/go-redis/v9"

	"github.com/mimeiapify/store/internal/glob"
)

// Scan yields every key matching pattern, each at most once, with SCAN
// MATCH COUNT ScanCount (never KEYS). On a cluster it scans every master
// once, one after the other. Keys SCAN returns twice are yielded once.
// The MATCH sent is glob.ServerPattern(pattern) (a pattern that is not
// valid UTF-8 is narrowed to its literal prefix), and every key is also
// matched against pattern here with Redis' rules (glob.Match).
func (b *Backend) Scan(ctx context.Context, pattern string) iter.Seq2[string, error] {
	return func(yield func(string, error) bool) {
		if err := b.begin(ctx, "scan", pattern); err != nil {
			yield("", err)
			return
		}
		nodes, err := b.scanNodes(ctx)
		if err != nil {
			yield("", b.fail(ctx, "scan", pattern, err))
			return
		}
		seen := make(map[string]struct{})
		for _, node := range nodes {
			if !b.scanNode(ctx, node, pattern, seen, yield) {
				return
			}
		}
	}
}

// scanNodes returns the servers that hold keys: every master of a
// cluster, or the one client otherwise.
func (b *Backend) scanNodes(ctx context.Context) ([]goredis.Cmdable, error) {
	cc, ok := b.c.(*goredis.ClusterClient)
	if !ok {
		return []goredis.Cmdable{b.c}, nil
	}
	var mu sync.Mutex
	var nodes []goredis.Cmdable
	err := cc.ForEachMaster(ctx, func(_ context.Context, c *goredis.Client) error {
		mu.Lock()
		defer mu.Unlock()
		nodes = append(nodes, c)
		return nil
	})
	return nodes, err
}

// scanNode walks one server's cursor; it returns false when the caller
// stopped or an error was yielded.
func (b *Backend) scanNode(ctx context.Context, node goredis.Cmdable, pattern string,
	seen map[string]struct{}, yield func(string, error) bool) bool {
	var cursor uint64
	match := glob.ServerPattern(pattern)
	for {
		if err := b.begin(ctx, "scan", pattern); err != nil {
			yield("", err)
			return false
		}
		keys, next, err := node.Scan(ctx, cursor, match, b.scanCount).Result()
		if err != nil {
			yield("", b.fail(ctx, "scan", pattern, err))
			return false
		}
		for _, k := range keys {
			if _, dup := seen[k]; dup || !glob.Match(pattern, k) {
				continue
			}
			seen[k] = struct{}{}
			if !yield(k, nil) {
				return false
			}
		}
		if next == 0 {
			return true
		}
		cursor = next
	}
}
