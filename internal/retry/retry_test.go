package retry

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func TestWaitGrowsToItsBound(t *testing.T) {
	require.Equal(t, FirstWait, Wait(1))
	require.Equal(t, 2*FirstWait, Wait(2))
	require.Equal(t, 16*FirstWait, Wait(5))
	require.Equal(t, MaxWait, Wait(9))
	require.Equal(t, MaxWait, Wait(1000))
	require.Equal(t, FirstWait, Wait(0), "a bad attempt number waits like the first")
}

func TestAfterConflictWaitsAtMostItsBound(t *testing.T) {
	start := time.Now()
	for range 20 {
		require.NoError(t, AfterConflict(context.Background(), 1))
	}
	require.Less(t, time.Since(start), 20*(FirstWait+5*time.Millisecond), "20 first waits of up to 50 us each")
}

func TestAfterConflictStopsWithTheContext(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	require.ErrorIs(t, AfterConflict(ctx, 50), context.Canceled)
	ctx, cancel = context.WithTimeout(context.Background(), time.Millisecond)
	defer cancel()
	var err error
	for err == nil { // waits of up to 10 ms until the deadline
		err = AfterConflict(ctx, 50)
	}
	require.ErrorIs(t, err, context.DeadlineExceeded)
}
