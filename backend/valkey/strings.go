package valkey

import (
	"context"
	"fmt"
	"time"

	"github.com/valkey-io/valkey-go"

	"github.com/mimeiapify/store"
)

// Get is store.Strings.Get: GET.
func (b *Backend) Get(ctx context.Context, key string) (string, error) {
	return b.get(ctx, b.client, key)
}

func (b *Backend) get(ctx context.Context, c doer, key string) (string, error) {
	if err := b.begin(ctx, "get", key); err != nil {
		return "", err
	}
	s, err := c.Do(ctx, b.client.B().Get().Key(key).Build()).ToString()
	if err != nil {
		return "", b.fail(ctx, "get", key, err)
	}
	return s, nil
}

// Set is store.Strings.Set: SET, with PX when ttl is not zero (a SET
// without PX clears the previous TTL, as the contract asks).
func (b *Backend) Set(ctx context.Context, key, value string, ttl time.Duration) error {
	ms, err := store.TTLMillis(ttl)
	if err != nil {
		return fmt.Errorf("valkey: set %q: %w", key, err)
	}
	if err := b.begin(ctx, "set", key); err != nil {
		return err
	}
	cmd := b.client.B().Set().Key(key).Value(value)
	var c valkey.Completed
	if ms > 0 {
		c = cmd.PxMilliseconds(ms).Build()
	} else {
		c = cmd.Build()
	}
	if err := b.client.Do(ctx, c).Error(); err != nil {
		return b.fail(ctx, "set", key, err)
	}
	return nil
}

// SetNX is store.Strings.SetNX: SET NX, with PX when ttl is not zero.
func (b *Backend) SetNX(ctx context.Context, key, value string, ttl time.Duration) (bool, error) {
	ms, err := store.TTLMillis(ttl)
	if err != nil {
		return false, fmt.Errorf("valkey: setnx %q: %w", key, err)
	}
	if err := b.begin(ctx, "setnx", key); err != nil {
		return false, err
	}
	cmd := b.client.B().Set().Key(key).Value(value).Nx()
	var c valkey.Completed
	if ms > 0 {
		c = cmd.PxMilliseconds(ms).Build()
	} else {
		c = cmd.Build()
	}
	err = b.client.Do(ctx, c).Error()
	switch {
	case err == nil:
		return true, nil
	case valkey.IsValkeyNil(err):
		return false, nil
	}
	return false, b.fail(ctx, "set nx", key, err)
}

// IncrBy is store.Strings.IncrBy: INCRBY.
func (b *Backend) IncrBy(ctx context.Context, key string, delta int64) (int64, error) {
	if err := b.begin(ctx, "incrby", key); err != nil {
		return 0, err
	}
	n, err := b.client.Do(ctx, b.client.B().Incrby().Key(key).Increment(delta).Build()).AsInt64()
	if err != nil {
		return 0, b.fail(ctx, "incrby", key, err)
	}
	return n, nil
}
