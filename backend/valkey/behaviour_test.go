package valkey_test

import (
	"context"
	"errors"
	"math"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"github.com/valkey-io/valkey-go"

	"github.com/mimeiapify/store"
	vkbackend "github.com/mimeiapify/store/backend/valkey"
)

// both runs fn on a fresh miniredis backend and, when
// STORE_TEST_VALKEY_URL is set, on the real server under a fresh prefix.
func both(t *testing.T, fn func(t *testing.T, b store.Backend)) {
	t.Run("miniredis", func(t *testing.T) {
		b, _ := newMini(t)
		fn(t, b)
	})
	t.Run("server", func(t *testing.T) {
		client := openClient(t, serverURL(t))
		b := vkbackend.New(client, nil)
		fn(t, prefixed(t, b))
	})
}

func TestStringsHashesListsSets(t *testing.T) {
	both(t, func(t *testing.T, b store.Backend) {
		ctx := context.Background()
		require.NoError(t, b.Set(ctx, "t", "v", time.Hour+1500*time.Microsecond))
		ttl, err := b.TTL(ctx, "t")
		require.NoError(t, err)
		require.InDelta(t, time.Hour, ttl, float64(time.Second), "milliseconds, rounded up")
		require.NoError(t, b.Set(ctx, "s", "v", 0))
		got, err := b.Get(ctx, "s")
		require.NoError(t, err)
		require.Equal(t, "v", got)

		n, err := b.HSet(ctx, "h", map[string]string{"a": "1", "b": "2"})
		require.NoError(t, err)
		require.EqualValues(t, 2, n)
		m, err := b.HMGet(ctx, "h", "a", "zz")
		require.NoError(t, err)
		require.Equal(t, map[string]string{"a": "1"}, m)
		f, err := b.HIncrByFloat(ctx, "h", "b", 0.1)
		require.NoError(t, err)
		require.Equal(t, 2.1, f)

		_, err = b.RPush(ctx, "l", "x", "y", "z")
		require.NoError(t, err)
		popped, err := b.LPop(ctx, "l", 2)
		require.NoError(t, err)
		require.Equal(t, []string{"x", "y"}, popped)
		popped, err = b.LPop(ctx, "missing", 2)
		require.NoError(t, err)
		require.Empty(t, popped)

		_, err = b.SAdd(ctx, "set", "m")
		require.NoError(t, err)
		ok, err := b.SIsMember(ctx, "set", "m")
		require.NoError(t, err)
		require.True(t, ok)

		typ, err := b.Type(ctx, "l")
		require.NoError(t, err)
		require.Equal(t, store.TypeList, typ)
		cnt, err := b.Exists(ctx, "s", "h", "l", "set", "s", "nope")
		require.NoError(t, err)
		require.EqualValues(t, 5, cnt)
	})
}

func TestServerErrorsMapToSentinels(t *testing.T) {
	both(t, func(t *testing.T, b store.Backend) {
		ctx := context.Background()
		require.NoError(t, b.Set(ctx, "s", "abc", 0))
		_, err := b.HGet(ctx, "s", "f")
		require.ErrorIs(t, err, store.ErrWrongType)
		_, err = b.IncrBy(ctx, "s", 1)
		require.ErrorIs(t, err, store.ErrNotInteger)
		require.NoError(t, b.Set(ctx, "n", "9223372036854775807", 0))
		_, err = b.IncrBy(ctx, "n", 1)
		require.ErrorIs(t, err, store.ErrOverflow)
		_, err = b.HSet(ctx, "h", map[string]string{"f": "x"})
		require.NoError(t, err)
		_, err = b.HIncrBy(ctx, "h", "f", 1)
		require.ErrorIs(t, err, store.ErrNotInteger)
		_, err = b.HIncrByFloat(ctx, "h", "f", 1)
		require.ErrorIs(t, err, store.ErrNotFloat)
		_, err = b.Get(ctx, "missing")
		require.ErrorIs(t, err, store.ErrNotFound)
		_, err = b.HGet(ctx, "h", "missing")
		require.ErrorIs(t, err, store.ErrNotFound)
		_, err = b.TTL(ctx, "missing")
		require.ErrorIs(t, err, store.ErrNotFound)
	})
}

// TestValidationBeforeSending proves the arguments are checked before any
// command is sent: the server is made to fail every command, and the
// contract's error still comes back.
func TestValidationBeforeSending(t *testing.T) {
	b, mr := newMini(t)
	mr.SetError("ERR should not be sent")
	ctx := context.Background()
	inval := func(_ any, err error) { t.Helper(); require.ErrorIs(t, err, store.ErrInvalidArgument) }
	inval(b.HSet(ctx, "k", nil))
	inval(b.HMGet(ctx, "k"))
	inval(b.HDel(ctx, "k"))
	inval(b.RPush(ctx, "k"))
	inval(b.LPush(ctx, "k"))
	inval(b.SAdd(ctx, "k"))
	inval(b.SRem(ctx, "k"))
	inval(b.LPop(ctx, "k", 0))
	inval(b.Expire(ctx, "k", 0))
	inval(b.Expire(ctx, "k", -time.Second))
	inval(b.SetNX(ctx, "k", "v", -1))
	inval(nil, b.Set(ctx, "k", "v", -1))
	inval(nil, b.Apply(ctx))
	inval(nil, b.Apply(ctx, &store.HSetOp{Key: "k"}))
	inval(nil, b.Update(ctx, []string{"k"}, nil))
	for _, d := range []float64{math.NaN(), math.Inf(1), math.Inf(-1)} {
		_, err := b.HIncrByFloat(ctx, "k", "f", d)
		require.ErrorIs(t, err, store.ErrNotFloat)
	}
	_, err := b.Get(ctx, "k")
	require.ErrorContains(t, err, "should not be sent", "the server was really failing")
}

func TestContextDoneWritesNothing(t *testing.T) {
	b, mr := newMini(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	err := b.Set(ctx, "k", "v", 0)
	require.ErrorIs(t, err, context.Canceled)
	err = b.Apply(ctx, &store.SetOp{Key: "k", Value: "v"})
	require.ErrorIs(t, err, context.Canceled)
	err = b.Update(ctx, []string{"k"}, func(store.Reader) ([]store.Op, error) {
		return []store.Op{&store.SetOp{Key: "k", Value: "v"}}, nil
	})
	require.ErrorIs(t, err, context.Canceled)
	for _, err := range b.Scan(ctx, "*") {
		require.ErrorIs(t, err, context.Canceled)
	}
	require.False(t, mr.Exists("k"))
}

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
