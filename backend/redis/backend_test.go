package redis_test

import (
	"context"
	"testing"

	"github.com/alicebob/miniredis/v2"
	goredis "github.com/redis/go-redis/v9"
	"github.com/stretchr/testify/require"

	"github.com/mimeiapify/store"
	"github.com/mimeiapify/store/backend/redis"
)

// The behaviour shared with the valkey backend is tested once, on both,
// in internal/rediscore; what is left here is about the go-redis client.

func TestCloseLeavesCallersClientOpen(t *testing.T) {
	mr := miniredis.RunT(t)
	c := goredis.NewClient(&goredis.Options{Addr: mr.Addr(), DisableIdentity: true})
	defer c.Close()
	b := redis.New(c, nil)
	require.NoError(t, b.Close())
	require.NoError(t, b.Close())
	_, err := b.Get(context.Background(), "k")
	require.ErrorIs(t, err, store.ErrClosed)
	require.NoError(t, c.Ping(context.Background()).Err(), "Close leaves the caller's client open")
	owned := redis.New(c, &redis.Options{CloseClient: true})
	require.NoError(t, owned.Close())
	require.ErrorIs(t, c.Ping(context.Background()).Err(), goredis.ErrClosed, "an owned client is closed")
}

func TestConnectionErrorNamesAddress(t *testing.T) {
	c := goredis.NewClient(&goredis.Options{Addr: "127.0.0.1:1", DisableIdentity: true, MaxRetries: -1})
	b := redis.New(c, &redis.Options{CloseClient: true})
	defer b.Close()
	_, err := b.Get(context.Background(), "k")
	require.Error(t, err)
	require.Contains(t, err.Error(), "127.0.0.1:1")
}
