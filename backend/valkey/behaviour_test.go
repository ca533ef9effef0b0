package valkey_test

import (
	"context"
	"errors"
	"testing"

	"github.com/stretchr/testify/require"
	"github.com/valkey-io/valkey-go"

	"github.com/mimeiapify/store"
	vkbackend "github.com/mimeiapify/store/backend/valkey"
)

// The behaviour shared with the redis backend is tested once, on both,
// in internal/rediscore; what is left here is about the valkey-go client.

func TestCloseLeavesCallersClientOpen(t *testing.T) {
	mr := newMiniServer(t)
	client := miniClient(t, mr)
	defer client.Close()
	b := vkbackend.New(client, nil)
	require.NoError(t, b.Close())
	require.NoError(t, b.Close(), "Close twice is fine")
	_, err := b.Get(context.Background(), "k")
	require.ErrorIs(t, err, store.ErrClosed)
	for _, err := range b.Scan(context.Background(), "*") {
		require.ErrorIs(t, err, store.ErrClosed)
	}
	require.NoError(t, client.Do(context.Background(), client.B().Ping().Build()).Error(), "the caller's client still works")
}

func TestCloseClosesOwnedClient(t *testing.T) {
	mr := newMiniServer(t)
	client := miniClient(t, mr)
	b := vkbackend.New(client, &vkbackend.Options{CloseClient: true})
	require.NoError(t, b.Close())
	err := client.Do(context.Background(), client.B().Ping().Build()).Error()
	require.Error(t, err, "the owned client is closed")
}

// TestConnectionErrorNamesAddress uses a client without retries:
// valkey-go retries a read-only command on connection errors until its
// context is done.
func TestConnectionErrorNamesAddress(t *testing.T) {
	mr := newMiniServer(t)
	client, err := valkey.NewClient(valkey.ClientOption{
		InitAddress: []string{mr.Addr()}, DisableCache: true, ForceSingleClient: true, DisableRetry: true,
	})
	require.NoError(t, err)
	b := vkbackend.New(client, &vkbackend.Options{CloseClient: true})
	defer b.Close()
	addr := mr.Addr()
	mr.Close()
	_, err = b.Get(context.Background(), "k")
	require.Error(t, err)
	require.ErrorContains(t, err, addr)
	require.False(t, errors.Is(err, store.ErrNotFound))
}
