package bolt

import "context"

// Ping is store.Pinger: one read transaction, which fails with
// store.ErrClosed after Close and with an error wrapping ctx.Err() when
// ctx is done.
func (b *Backend) Ping(ctx context.Context) error {
	return b.view(ctx, "ping", "", func(*txn) error { return nil })
}

// DBSystemName names the backend for telemetry (storeotel): "bolt".
func (b *Backend) DBSystemName() string { return "bolt" }
