package valkey

import (
	"context"
	"fmt"
	"iter"
	"net"
	"slices"
	"strconv"

	"github.com/valkey-io/valkey-go"

	"github.com/mimeiapify/store/internal/glob"
)

// Scan is store.Keys.Scan: SCAN with MATCH and COUNT (never KEYS), cursor
// by cursor; every key is also matched against pattern here (see
// glob.ServerPattern). On a cluster it walks every master once (found with CLUSTER
// SLOTS). A key that SCAN returns twice is yielded once.
func (b *Backend) Scan(ctx context.Context, pattern string) iter.Seq2[string, error] {
	return func(yield func(string, error) bool) {
		if err := b.begin(ctx, "scan", pattern); err != nil {
			yield("", err)
			return
		}
		nodes, err := b.scanNodes(ctx)
		if err != nil {
			yield("", err)
			return
		}
		seen := make(map[string]struct{})
		for _, n := range nodes {
			if !b.scanNode(ctx, n, pattern, seen, yield) {
				return
			}
		}
	}
}

// scanNode walks one server's keyspace. It returns false when the walk
// must stop: the caller stopped the loop, or an error was yielded.
func (b *Backend) scanNode(ctx context.Context, c valkey.Client, pattern string, seen map[string]struct{}, yield func(string, error) bool) bool {
	var cursor uint64
	for {
		if err := b.begin(ctx, "scan", pattern); err != nil {
			yield("", err)
			return false
		}
		cmd := b.client.B().Scan().Cursor(cursor).Match(glob.ServerPattern(pattern)).Count(b.scanCount).Build()
		entry, err := c.Do(ctx, cmd).AsScanEntry()
		if err != nil {
			yield("", b.fail(ctx, "scan", pattern, err))
			return false
		}
		for _, k := range entry.Elements {
			if _, dup := seen[k]; dup || !glob.Match(pattern, k) {
				continue
			}
			seen[k] = struct{}{}
			if !yield(k, nil) {
				return false
			}
		}
		if entry.Cursor == 0 {
			return true
		}
		cursor = entry.Cursor
	}
}

// scanNodes returns the clients of the servers to scan: the one server,
// or every master of a cluster.
func (b *Backend) scanNodes(ctx context.Context) ([]valkey.Client, error) {
	if !b.cluster {
		return []valkey.Client{b.client}, nil
	}
	masters, err := b.masters(ctx)
	if err != nil {
		return nil, err
	}
	nodes := b.client.Nodes()
	out := make([]valkey.Client, 0, len(masters))
	for _, addr := range masters {
		n, ok := nodes[addr]
		if !ok {
			return nil, fmt.Errorf("valkey: scan: master %s is not among the client's nodes %s", addr, b.addrs())
		}
		out = append(out, n)
	}
	return out, nil
}

// masters returns the addresses of the cluster's masters, from CLUSTER
// SLOTS (the first node of each slot range is its master).
func (b *Backend) masters(ctx context.Context) ([]string, error) {
	slots, err := b.client.Do(ctx, b.client.B().ClusterSlots().Build()).ToArray()
	if err != nil {
		return nil, b.fail(ctx, "cluster slots", "", err)
	}
	var addrs []string
	for _, r := range slots {
		info, err := r.ToArray()
		if err != nil || len(info) < 3 {
			return nil, b.fail(ctx, "cluster slots", "", fmt.Errorf("malformed slot range: %v", err))
		}
		addr, err := nodeAddr(info[2])
		if err != nil {
			return nil, b.fail(ctx, "cluster slots", "", err)
		}
		if !slices.Contains(addrs, addr) {
			addrs = append(addrs, addr)
		}
	}
	return addrs, nil
}

// nodeAddr reads host:port from a node entry of CLUSTER SLOTS.
func nodeAddr(m valkey.ValkeyMessage) (string, error) {
	node, err := m.ToArray()
	if err != nil || len(node) < 2 {
		return "", fmt.Errorf("malformed node entry: %v", err)
	}
	host, err := node[0].ToString()
	if err != nil {
		return "", fmt.Errorf("node host: %w", err)
	}
	port, err := node[1].AsInt64()
	if err != nil {
		return "", fmt.Errorf("node port: %w", err)
	}
	return net.JoinHostPort(host, strconv.FormatInt(port, 10)), nil
}
