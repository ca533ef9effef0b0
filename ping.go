package store

import (
	"context"
	"fmt"
)

// Pinger is an optional capability of a Backend: a cheap check, for
// readiness probes, that the backend is open and its server (if any)
// answers. It writes nothing. Ping fails with ErrClosed after Close and
// with an error wrapping ctx.Err() when ctx is done. Decorators forward it.
//
// Use the Ping function rather than asserting the interface: it falls back
// to a read for backends without the capability.
type Pinger interface {
	// Ping checks that the backend can serve calls.
	Ping(ctx context.Context) error
}

// PingKey is the key that Ping reads (with Exists) on a backend that does
// not implement Pinger. It need not exist.
const PingKey = "store:ping"

// Ping checks that b can serve calls, without writing: with b's own Ping
// when it implements Pinger (Redis and Valkey send PING), else with one
// Exists of PingKey. It fails with ErrClosed after Close and with an error
// wrapping ctx.Err() when ctx is done, whatever the backend does.
func Ping(ctx context.Context, b Backend) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("store: ping: %w", err)
	}
	if p, ok := b.(Pinger); ok {
		return p.Ping(ctx)
	}
	_, err := b.Exists(ctx, PingKey)
	return err
}
