package redis

import (
	"bytes"
	"context"
	"log/slog"
	"strings"
	"testing"

	"github.com/alicebob/miniredis/v2"
	goredis "github.com/redis/go-redis/v9"
	"github.com/stretchr/testify/require"
)

// TestLogSinksFollowLiveBackends: a line goes once to each distinct
// logger of an open backend, and no longer after Close.
func TestLogSinksFollowLiveBackends(t *testing.T) {
	mr := miniredis.RunT(t)
	var one, two bytes.Buffer
	l1 := slog.New(slog.NewTextHandler(&one, nil))
	l2 := slog.New(slog.NewTextHandler(&two, nil))
	c := goredis.NewClient(&goredis.Options{Addr: mr.Addr()})
	defer c.Close()
	a, b, d := New(c, &Options{Logger: l1}), New(c, &Options{Logger: l1}), New(c, &Options{Logger: l2})
	logSinks.Printf(context.Background(), "line %d", 1)
	require.Equal(t, 1, strings.Count(one.String(), "line 1"), "once per distinct logger")
	require.Equal(t, 1, strings.Count(two.String(), "line 1"))
	require.Contains(t, one.String(), "library=go-redis")
	require.NoError(t, d.Close())
	require.NoError(t, d.Close())
	logSinks.Printf(context.Background(), "line %d", 2)
	require.Contains(t, one.String(), "line 2")
	require.NotContains(t, two.String(), "line 2", "closed backend's logger")
	require.NoError(t, a.Close())
	require.NoError(t, b.Close())
	logSinks.Printf(context.Background(), "line %d", 3)
	require.NotContains(t, one.String(), "line 3")
	require.Empty(t, logSinks.byBackend)
}
