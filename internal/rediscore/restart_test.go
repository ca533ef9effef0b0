package rediscore_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/mimeiapify/store"
	"github.com/mimeiapify/store/internal/testenv"
)

// TestRestartRecovery SIGKILLs a private server under each backend while
// calls fail, starts it again and measures the time from the server
// answering PING to the backend's first successful call. After a few
// failed calls it must be under 100 ms: both backends dial again on the
// next call. After more failed dials in a row than go-redis' pool size
// (its dial circuit breaker: it then answers with the last dial error and
// probes the server once a second), the redis backend may fail for up to
// 1 s more; the test bounds it by 1.5 s. (go-redis has no option for
// the probe interval; the pool size Open picks is max(64, 32 x
// GOMAXPROCS), so a short outage of a busy service opens the breaker.)
func TestRestartRecovery(t *testing.T) {
	cases := []struct {
		be       string
		failures int
		within   time.Duration
	}{{"redis", 3, 100 * time.Millisecond}, {"valkey", 3, 100 * time.Millisecond},
		{"redis", 20, 1500 * time.Millisecond}} // pool_size=8 below: 20 failures open the breaker
	for _, c := range cases {
		be := c.be
		t.Run(fmt.Sprintf("%s/%dfailures", be, c.failures), func(t *testing.T) {
			srv := testenv.StartRedis(t)
			raw := map[string]string{"redis": "redis://", "valkey": "valkey://"}[be] + srv.Addr()
			if be == "valkey" {
				raw += "?standalone=true"
			}
			if be == "redis" {
				raw += "?pool_size=8"
			}
			b := open(t, raw)
			require.NoError(t, b.Set(context.Background(), "k", "v", 0))
			srv.Kill()
			for range c.failures { // the pool sees the dead server: reset and refused dials
				require.Error(t, getWithin(b, 100*time.Millisecond))
			}
			srv.Start() // returns once the server answers PING
			up := time.Now()
			var err error
			for time.Since(up) < 5*time.Second {
				if err = getWithin(b, 100*time.Millisecond); err == nil {
					break
				}
				time.Sleep(time.Millisecond)
			}
			took := time.Since(up)
			t.Logf("%s: first successful call %v after the restarted server answered PING (last error: %v)", be, took.Round(time.Millisecond), err)
			require.NoError(t, err)
			require.Less(t, took, c.within)
		})
	}
}

// getWithin sends a Get with a deadline d and returns its error (a
// missing key is a success: the server answered).
func getWithin(b store.Backend, d time.Duration) error {
	ctx, cancel := context.WithTimeout(context.Background(), d)
	defer cancel()
	_, err := b.Get(ctx, "k")
	if errorsIsNotFound(err) {
		return nil
	}
	return err
}

func errorsIsNotFound(err error) bool { return errors.Is(err, store.ErrNotFound) }
