package memory

import "context"

// Ping is store.Pinger: it fails with store.ErrClosed after Close and
// with an error wrapping ctx.Err() when ctx is done; else it returns nil.
func (b *Backend) Ping(ctx context.Context) error { return b.check(ctx, "ping", "") }

// DBSystemName names the backend for telemetry (storeotel): "memory".
func (b *Backend) DBSystemName() string { return "memory" }
