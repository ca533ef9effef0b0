package redis_test

import (
	"context"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/mimeiapify/store/backend/redis"
	"github.com/mimeiapify/store/internal/testenv"
)

// lines is a slog.Handler that keeps the messages it receives.
type lines struct {
	mu   sync.Mutex
	msgs []string
}

func (h *lines) Enabled(context.Context, slog.Level) bool { return true }
func (h *lines) Handle(_ context.Context, r slog.Record) error {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.msgs = append(h.msgs, r.Message)
	return nil
}
func (h *lines) WithAttrs([]slog.Attr) slog.Handler { return h }
func (h *lines) WithGroup(string) slog.Handler      { return h }

func (h *lines) all() string {
	h.mu.Lock()
	defer h.mu.Unlock()
	return strings.Join(h.msgs, "\n")
}

// TestNoLibraryLogLineReachesStderr: opening a server that is down makes
// go-redis log "failed to dial"; the line goes to Options.Logger, and
// nothing reaches stderr, with a logger or without one.
func TestNoLibraryLogLineReachesStderr(t *testing.T) {
	h := &lines{}
	stderr := testenv.CaptureStderr(t, func() {
		start := time.Now()
		_, err := redis.OpenOptions(context.Background(), "redis://127.0.0.1:1?max_retries=-1", &redis.Options{Logger: slog.New(h)})
		require.Error(t, err)
		t.Logf("open of a refused port: %v", time.Since(start))
		_, err = redis.Open(context.Background(), "redis://127.0.0.1:1?max_retries=-1")
		require.Error(t, err)
	})
	require.Empty(t, stderr)
	require.Contains(t, h.all(), "failed to dial")
}
