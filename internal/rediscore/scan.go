package rediscore

import (
	"context"
	"iter"
	"strconv"

	"github.com/mimeiapify/store/internal/glob"
)

// Scan yields every key matching pattern, each at most once, with SCAN
// MATCH COUNT (never KEYS). On a cluster it walks every master once, one
// after the other. The MATCH sent is glob.ServerPattern(pattern) (a
// pattern that is not valid UTF-8 is narrowed to its literal prefix), and
// every key is also matched against pattern here with Redis' rules
// (glob.Match). Once ctx is done, even when the caller's loop body
// cancels it, the next yield is one error wrapping ctx.Err(): the rest
// of a batch already read is not yielded.
func (b *Backend) Scan(ctx context.Context, pattern string) iter.Seq2[string, error] {
	return func(yield func(string, error) bool) {
		if err := b.begin(ctx, "scan", pattern); err != nil {
			yield("", err)
			return
		}
		nodes := []Doer{b.c}
		if b.cluster {
			var err error
			if nodes, err = b.c.Masters(ctx); err != nil {
				yield("", b.fail(ctx, "scan", pattern, err))
				return
			}
		}
		seen := make(map[string]struct{})
		for _, node := range nodes {
			if !b.scanNode(ctx, node, pattern, seen, yield) {
				return
			}
		}
	}
}

// scanNode walks one server's cursor; it returns false when the caller
// stopped or an error was yielded.
func (b *Backend) scanNode(ctx context.Context, node Doer, pattern string,
	seen map[string]struct{}, yield func(string, error) bool) bool {
	var cursor uint64
	args := []string{"0", "MATCH", glob.ServerPattern(pattern), "COUNT", itoa(b.scanCount)}
	for {
		if err := b.begin(ctx, "scan", pattern); err != nil {
			yield("", err)
			return false
		}
		args[0] = strconv.FormatUint(cursor, 10)
		r := node.Do(ctx, Cmd{Name: []string{"SCAN"}, Args: args, Kind: KindScan, ReadOnly: true})
		if r.Err != nil {
			yield("", b.fail(ctx, "scan", pattern, r.Err))
			return false
		}
		for _, k := range r.Strs {
			if _, dup := seen[k]; dup || !glob.Match(pattern, k) {
				continue
			}
			seen[k] = struct{}{}
			if !yield(k, nil) {
				return false
			}
			if err := b.begin(ctx, "scan", pattern); err != nil { // cancelled in the loop body
				yield("", err)
				return false
			}
		}
		if r.Cursor == 0 {
			return true
		}
		cursor = r.Cursor
	}
}
