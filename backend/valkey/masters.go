package valkey

import (
	"context"
	"fmt"
	"net"
	"slices"
	"strconv"

	"github.com/valkey-io/valkey-go"
)

// masters returns the addresses of the cluster's masters, from CLUSTER
// SLOTS (the first node of each slot range is its master).
func masters(ctx context.Context, c valkey.Client) ([]string, error) {
	slots, err := c.Do(ctx, c.B().ClusterSlots().Build()).ToArray()
	if err != nil {
		return nil, fmt.Errorf("cluster slots: %w", err)
	}
	var addrs []string
	for _, r := range slots {
		info, err := r.ToArray()
		if err != nil || len(info) < 3 {
			return nil, fmt.Errorf("cluster slots: malformed slot range: %v", err)
		}
		addr, err := nodeAddr(info[2])
		if err != nil {
			return nil, fmt.Errorf("cluster slots: %w", err)
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
