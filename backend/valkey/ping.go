package valkey

import "context"

// Ping is store.Pinger: one PING (to any node of a cluster). It fails
// with store.ErrClosed after Close and with an error wrapping ctx.Err()
// when ctx is done.
func (b *Backend) Ping(ctx context.Context) error {
	if err := b.begin(ctx, "ping", ""); err != nil {
		return err
	}
	if err := b.client.Do(ctx, b.client.B().Ping().Build()).Error(); err != nil {
		return b.fail(ctx, "ping", "", err)
	}
	return nil
}

// DBSystemName names the backend for telemetry (storeotel): "valkey".
func (b *Backend) DBSystemName() string { return "valkey" }
