package main

import "context"

// twins are the raw twins of the repository calls on one kind of
// client: the best hand-written code doing the same job (the same data
// written, read or taken), without the repository. Each method is one
// twin, documented where it is implemented: twins_backend.go (memory and
// bolt: direct store.Backend calls), twins_goredis.go and
// twins_valkey.go. The tenant is always tenantRaw; g is the goroutine,
// i its operation number.
type twins interface {
	getUser(ctx context.Context, g int) (record, error)
	upsertUser(ctx context.Context, g int, r record) error
	upsertState(ctx context.Context, g int, r record) (map[string]string, error)
	setSharedField(ctx context.Context, g, i int) error
	incr(ctx context.Context, g int) error
	incrTTL(ctx context.Context, g int) error
	enqueue(ctx context.Context) error
	setRow(ctx context.Context, g int, r record) error
	setTrigger(ctx context.Context, ident string) error
	// claimAck takes one item and acknowledges it; it reports false,
	// having taken nothing, when the queue is empty.
	claimAck(ctx context.Context, g, i int) (bool, error)
	// refill pushes refillItems onto the claimed queue.
	refill(ctx context.Context) error
}
