package store_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/mimeiapify/store"
	"github.com/mimeiapify/store/backend/memory"
)

// noPinger hides the backend's Ping, so that store.Ping falls back.
type noPinger struct{ store.Backend }

func TestPingFallsBackToARead(t *testing.T) {
	b := noPinger{memory.New(nil)}
	require.NotImplements(t, (*store.Pinger)(nil), b)
	require.NoError(t, store.Ping(context.Background(), b))
	n, err := b.Exists(context.Background(), store.PingKey)
	require.NoError(t, err)
	require.Zero(t, n, "Ping wrote nothing")
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	require.ErrorIs(t, store.Ping(ctx, b), context.Canceled)
	require.NoError(t, b.Close())
	require.ErrorIs(t, store.Ping(context.Background(), b), store.ErrClosed)
}

func ExamplePing() {
	b := memory.New(nil)
	defer b.Close()
	// A readiness probe: no write, one cheap call.
	if err := store.Ping(context.Background(), b); err != nil {
		panic(err)
	}
	_ = b.Close()
	fmt.Println(store.Ping(context.Background(), b) != nil)
	// Output: true
}
