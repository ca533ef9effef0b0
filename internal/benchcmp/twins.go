package main

import "context"

// twins are the raw twins of the repository calls on one kind of
// client: the best hand-written code doing the same job (the same data
// written, read or taken), without the repository. Each method is one
// twin, documented where it is implemented: twins_backend.go (memory and
// bolt: direct store.Backend calls), twins_goredis.go and
// twins_valkey.go. k holds the keys the repository call writes for
// tenant rw (see learn); the member written to a set is the call's own
// (the user id, the state name, the tenant, the table name).
type twins interface {
	getUser(ctx context.Context, k twinKeys) (record, error)
	upsertUser(ctx context.Context, k twinKeys, user string, r record) error
	upsertState(ctx context.Context, k twinKeys, r record) (map[string]string, error)
	setSharedField(ctx context.Context, k twinKeys, i int) error
	incr(ctx context.Context, k twinKeys) error
	incrTTL(ctx context.Context, k twinKeys) error
	enqueue(ctx context.Context, k twinKeys) error
	setRow(ctx context.Context, k twinKeys, r record) error
	setTrigger(ctx context.Context, ident string) error
	// claimAck takes one item and acknowledges it; it reports false,
	// having taken nothing, when the queue is empty. id names the claim.
	claimAck(ctx context.Context, id string) (bool, error)
	// refill pushes refillItems onto the claimed queue.
	refill(ctx context.Context) error
}
