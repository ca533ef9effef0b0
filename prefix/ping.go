package prefix

import (
	"context"

	"github.com/mimeiapify/store"
)

// Ping is store.Pinger: store.Ping of the inner backend.
func (b *Backend) Ping(ctx context.Context) error { return store.Ping(ctx, b.inner) }

// DBSystemName is the inner backend's DBSystemName (see storeotel), or ""
// when it has none.
func (b *Backend) DBSystemName() string {
	if n, ok := b.inner.(interface{ DBSystemName() string }); ok {
		return n.DBSystemName()
	}
	return ""
}
