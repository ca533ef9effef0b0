package valkey

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/valkey-io/valkey-go"

	"github.com/mimeiapify/store"
	"github.com/mimeiapify/store/internal/rediserr"
)

// fail wraps err, returned by the client for command op on key, into the
// error a Backend method returns: a server error reply is mapped to its
// store sentinel (internal/rediserr), a nil reply to store.ErrNotFound, a
// closed client to store.ErrClosed, a done context to ctx.Err(), and any
// other (connection) error names the server addresses.
//
// key is a string or, for commands on several keys, a []string.
func (b *Backend) fail(ctx context.Context, op string, key any, err error) error {
	what := fmt.Sprintf("%s %q", op, key)
	if valkey.IsValkeyNil(err) {
		return fmt.Errorf("valkey: %s: %w", what, store.ErrNotFound)
	}
	if _, ok := valkey.IsValkeyErr(err); ok {
		return fmt.Errorf("valkey: %s: %w", what, rediserr.Map(err))
	}
	if errors.Is(err, valkey.ErrClosing) || b.closed.Load() {
		return fmt.Errorf("valkey: %s: %w: %w", what, store.ErrClosed, err)
	}
	if cerr := ctx.Err(); cerr != nil && !errors.Is(err, cerr) {
		return fmt.Errorf("valkey: %s on %s: %w (%w)", what, b.addrs(), cerr, err)
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return fmt.Errorf("valkey: %s: %w", what, err)
	}
	return fmt.Errorf("valkey: %s on %s: %w", what, b.addrs(), err)
}

// addrs lists the addresses of the servers the client talks to, for
// connection errors.
func (b *Backend) addrs() string {
	nodes := b.client.Nodes()
	addrs := make([]string, 0, len(nodes))
	for a := range nodes {
		addrs = append(addrs, a)
	}
	slices.Sort(addrs)
	if len(addrs) == 0 {
		return "no server"
	}
	return strings.Join(addrs, ",")
}
