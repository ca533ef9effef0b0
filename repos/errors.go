package repos

import (
	"errors"
	"fmt"

	"github.com/mimeiapify/store"
)

// ErrInvalidID is wrapped by every error about an identifier (a tenant,
// user, handler, state name, table, primary key, service, batch, action,
// trigger identifier or generic key) that is empty or longer than MaxIDLen
// bytes. The error names which identifier was wrong. It also matches
// store.ErrInvalidArgument. Nothing is written when it occurs.
var ErrInvalidID = fmt.Errorf("repos: invalid identifier: %w", store.ErrInvalidArgument)

// ErrInvalidOption is wrapped by every error about an Options value or a
// call option: a key prefix holding a glob or hash-tag metacharacter, or a
// negative TTL. It also matches store.ErrInvalidArgument.
var ErrInvalidOption = fmt.Errorf("repos: invalid option: %w", store.ErrInvalidArgument)

// ErrLeaseExpired is wrapped by Batch.Ack when the claim's lease ended
// before the acknowledgement: its items went, or will go, back to the
// queue for another worker, so the work may be done twice.
var ErrLeaseExpired = errors.New("repos: lease expired")

// ErrHandlerPanic is wrapped by the error recorded for a trigger delivery
// whose Handler panicked: the listener recovers, keeps running, and counts
// the delivery as a failed attempt (retried, then a dead letter whose
// Error holds the panic value and the start of the stack).
var ErrHandlerPanic = errors.New("repos: trigger handler panicked")
