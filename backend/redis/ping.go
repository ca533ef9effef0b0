package redis

import "context"

// Ping is store.Pinger: one PING (to any node of a cluster). It fails
// with store.ErrClosed after Close and with an error wrapping ctx.Err()
// when ctx is done.
func (b *Backend) Ping(ctx context.Context) error {
	if err := b.begin(ctx, "ping", ""); err != nil {
		return err
	}
	if err := b.c.Ping(ctx).Err(); err != nil {
		return b.fail(ctx, "ping", "", err)
	}
	return nil
}

// DBSystemName names the backend for telemetry (storeotel): "redis".
func (b *Backend) DBSystemName() string { return "redis" }
