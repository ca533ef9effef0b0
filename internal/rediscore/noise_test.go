package rediscore_test

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/valkey-io/valkey-go"

	"github.com/mimeiapify/store"
	_ "github.com/mimeiapify/store/backend/redis"
	vkbackend "github.com/mimeiapify/store/backend/valkey"
	"github.com/mimeiapify/store/internal/testenv"
)

// serverCounters reads, from a private server, its error statistics
// (INFO errorstats plus total_error_replies) and total_commands_processed.
func serverCounters(t *testing.T, s *testenv.RedisServer) (errs string, commands int64) {
	t.Helper()
	stats, err := s.Do("INFO", "stats")
	require.NoError(t, err)
	errorstats, err := s.Do("INFO", "errorstats")
	require.NoError(t, err)
	commandstats, err := s.Do("INFO", "commandstats")
	require.NoError(t, err)
	var lines []string
	for _, l := range strings.Split(stats+"\n"+errorstats+"\n"+commandstats, "\n") {
		l = strings.TrimSpace(l)
		switch {
		case strings.HasPrefix(l, "errorstat_"), strings.HasPrefix(l, "total_error_replies:"):
			lines = append(lines, l)
		case strings.HasPrefix(l, "cmdstat_") && !strings.Contains(l, "rejected_calls=0,failed_calls=0"):
			lines = append(lines, l[:strings.Index(l, ":")]+":"+l[strings.Index(l, "rejected_calls"):])
		case strings.HasPrefix(l, "total_commands_processed:"):
			commands, _ = strconv.ParseInt(strings.TrimPrefix(l, "total_commands_processed:"), 10, 64)
		}
	}
	return strings.Join(lines, " "), commands
}

// TestNoServerErrorNoise runs 10,000 Updates, then a run shaped like
// trigger delivery (Updates that read a hash and write it back with a TTL,
// Updates that write nothing, Applies of each route), on a private server
// through each backend, with cancellable contexts and contexts with a
// deadline, and requires that the server counted no error reply: no
// cleanup command (DISCARD, UNSUBSCRIBE) and no failed command of ours. A
// warm-up first loads the scripts (the first EVALSHA of a script on a
// fresh server is a NOSCRIPT reply, once per server lifetime).
func TestNoServerErrorNoise(t *testing.T) {
	if testing.Short() {
		t.Skip("10,000 Updates per backend")
	}
	for _, scheme := range []string{"redis", "valkey"} {
		t.Run(scheme, func(t *testing.T) {
			s := testenv.StartRedis(t)
			b := noiseBackend(t, scheme, s.Addr())
			defer b.Close()
			warmUp(t, b)
			before, cmds0 := serverCounters(t, s)
			const updates = 10_000
			run(t, 8, updates, func(ctx context.Context, i int) error { return counterUpdate(ctx, b, i) })
			mid, cmds1 := serverCounters(t, s)
			require.Equal(t, before, mid, "INFO errorstats after %d Updates", updates)
			t.Logf("%s: %.2f commands per Update (errors: %q)", scheme, float64(cmds1-cmds0-2)/updates, mid)
			run(t, 8, 2_000, func(ctx context.Context, i int) error { return delivery(ctx, b, i) })
			after, _ := serverCounters(t, s)
			require.Equal(t, before, after, "INFO errorstats after the delivery run")
		})
	}
}

// noiseBackend opens backend scheme on addr. The valkey-go client sends
// no CLIENT SETINFO, which a Redis 7.0 server refuses: that is an error
// per new connection (two), not per call, and the pool may open one more
// connection during the runs. go-redis' is off in Open (DisableIdentity).
func noiseBackend(t *testing.T, scheme, addr string) store.Backend {
	t.Helper()
	if scheme == "redis" {
		b, err := store.Open(context.Background(), "redis://"+addr)
		require.NoError(t, err)
		return b
	}
	c, err := valkey.NewClient(valkey.ClientOption{InitAddress: []string{addr}, DisableCache: true,
		ForceSingleClient: true, ClientSetInfo: valkey.DisableClientSetInfo})
	require.NoError(t, err)
	return vkbackend.New(c, &vkbackend.Options{CloseClient: true})
}

// warmUp sends one group of each Apply route and Updates from as many
// goroutines as the runs use.
func warmUp(t *testing.T, b store.Backend) {
	ctx := context.Background()
	require.NoError(t, b.Apply(ctx, &store.IncrByOp{Key: "w", Delta: 1}, &store.ExpireOp{Key: "w", TTL: time.Minute}))
	require.NoError(t, b.Apply(ctx, &store.IncrByOp{Key: "w2", Delta: 1}, &store.HGetAllOp{Key: "w3"}))
	require.NoError(t, b.Apply(ctx, &store.SetOp{Key: "w4", Value: "v"}, &store.DelOp{Key: "w5"}))
	// Fill the pools.
	run(t, 8, 64, func(ctx context.Context, i int) error { return counterUpdate(ctx, b, i) })
}

// run calls op n times from workers goroutines, every other call with a
// cancellable context and the others with a deadline.
func run(t *testing.T, workers, n int, op func(ctx context.Context, i int) error) {
	var wg sync.WaitGroup
	errs := make(chan error, workers)
	for w := range workers {
		wg.Go(func() {
			for i := w; i < n; i += workers {
				var ctx context.Context
				var cancel context.CancelFunc
				if i%2 == 0 {
					ctx, cancel = context.WithCancel(context.Background())
				} else {
					ctx, cancel = context.WithTimeout(context.Background(), 10*time.Second)
				}
				err := op(ctx, i)
				cancel()
				if err != nil {
					errs <- err
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		require.NoError(t, err)
	}
}

// counterUpdate increments one of 64 small counters.
func counterUpdate(ctx context.Context, b store.Backend, i int) error {
	k := "c" + strconv.Itoa(i%64)
	return b.Update(ctx, []string{k}, func(r store.Reader) ([]store.Op, error) {
		v, err := r.Get(ctx, k)
		if err != nil && !errors.Is(err, store.ErrNotFound) {
			return nil, err
		}
		n, _ := strconv.Atoi(v)
		return []store.Op{&store.SetOp{Key: k, Value: strconv.Itoa(n + 1)}}, nil
	})
}

// delivery is one step of a trigger-delivery-like load.
func delivery(ctx context.Context, b store.Backend, i int) error {
	k := fmt.Sprintf("{t%d}", i%32)
	switch i % 4 {
	case 0: // claim: read the job, mark it taken
		return b.Update(ctx, []string{k + "job"}, func(r store.Reader) ([]store.Op, error) {
			m, err := r.HGetAll(ctx, k+"job")
			if err != nil {
				return nil, err
			}
			return []store.Op{&store.HSetOp{Key: k + "job", Fields: map[string]string{"state": "taken", "n": strconv.Itoa(len(m))}},
				&store.ExpireOp{Key: k + "job", TTL: time.Minute}}, nil
		})
	case 1: // nothing to deliver: the Update writes nothing
		return b.Update(ctx, []string{k + "job"}, func(r store.Reader) ([]store.Op, error) {
			_, err := r.TTL(ctx, k+"job")
			if errors.Is(err, store.ErrNotFound) {
				err = nil
			}
			return nil, err
		})
	case 2: // schedule: a write and its TTL
		return b.Apply(ctx, &store.HSetOp{Key: k + "due", Fields: map[string]string{"at": strconv.Itoa(i)}},
			&store.ExpireOp{Key: k + "due", TTL: time.Minute})
	}
	// count and log in one checked group
	return b.Apply(ctx, &store.IncrByOp{Key: k + "n", Delta: 1}, &store.RPushOp{Key: k + "log", Values: []string{"x"}},
		&store.LTrimOp{Key: k + "log", Start: -10, Stop: -1})
}

// TestUpdateCancelledInFlight: a cancelled context ends an Update whose
// read on the pinned connection is waiting for the server, although that
// connection runs its commands in valkey-go's synchronous mode (see the
// valkey adapter's Pin: the cancellation closes the connection, which
// valkey-go does within about a second when a read is in flight), and the
// backend keeps working after it. (go-redis ends a call in flight only at
// its context's deadline.)
func TestUpdateCancelledInFlight(t *testing.T) {
	s := testenv.StartRedis(t)
	b, err := store.Open(context.Background(), "valkey://"+s.Addr())
	require.NoError(t, err)
	defer b.Close()
	require.NoError(t, b.Set(context.Background(), "k", "v", 0))
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	err = b.Update(ctx, []string{"k"}, func(r store.Reader) ([]store.Op, error) {
		_, err := s.Do("CLIENT", "PAUSE", "2000", "ALL") // the read waits for the server
		require.NoError(t, err)
		time.AfterFunc(20*time.Millisecond, cancel)
		_, err = r.Get(ctx, "k")
		return nil, err
	})
	require.ErrorIs(t, err, context.Canceled)
	require.NoError(t, b.Set(context.Background(), "k", "w", 0))
}
