package repos_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/mimeiapify/store"
	"github.com/mimeiapify/store/repos"
)

// form is a handler state as an application types it.
type form struct {
	Step  int       `json:"step"`
	Email string    `json:"email,omitempty"`
	Items []string  `json:"items,omitempty"`
	At    time.Time `json:"at,omitzero"`
}

// job is a batch or trigger payload as an application types it.
type job struct {
	ID    string `json:"id"`
	Tries int    `json:"tries"`
}

func newTenant(t *testing.T, b store.Backend, tenant string, opts *repos.Options) *repos.Tenant {
	t.Helper()
	tn, err := repos.NewTenant(b, tenant, opts)
	require.NoError(t, err)
	return tn
}

func TestTypedState(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b store.Backend) {
		ctx := context.Background()
		h, err := newTenant(t, b, "acme", nil).State("u1")
		require.NoError(t, err)
		_, err = repos.GetStateAs[form](ctx, h, "checkout")
		require.ErrorIs(t, err, store.ErrNotFound)

		at := time.Date(2026, 11, 29, 10, 0, 0, 0, time.UTC)
		require.NoError(t, h.Set(ctx, "checkout", form{Step: 1, Items: []string{"a"}, At: at}))
		got, err := repos.GetStateAs[form](ctx, h, "checkout")
		require.NoError(t, err)
		require.Equal(t, form{Step: 1, Items: []string{"a"}, At: at}, got)

		// A partial upsert (a map) comes back merged and typed.
		merged, err := repos.UpsertStateAs[form](ctx, h, "checkout", map[string]any{"step": 2, "email": "a@b.c"})
		require.NoError(t, err)
		require.Equal(t, form{Step: 2, Email: "a@b.c", Items: []string{"a"}, At: at}, merged)

		// A state that does not fit T: the write happened, the error wraps ErrDecode.
		_, err = repos.UpsertStateAs[form](ctx, h, "checkout", map[string]string{"step": "two"})
		require.ErrorIs(t, err, repos.ErrDecode)
		require.ErrorContains(t, err, `"step"`)
		raw, err := h.Get(ctx, "checkout")
		require.NoError(t, err)
		require.Equal(t, "two", raw["step"])
		_, err = repos.GetStateAs[form](ctx, h, "checkout")
		require.ErrorIs(t, err, repos.ErrDecode)
	})
}

func TestTypedFields(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b store.Backend) {
		ctx := context.Background()
		tn := newTenant(t, b, "acme", nil)
		ss, err := tn.Shared("u1")
		require.NoError(t, err)
		require.NoError(t, ss.Set(ctx, "search", map[string]any{
			"query": "red shoes", "hits": 12, "done": true, "job": job{ID: "j1", Tries: 2},
			"took": 1500 * time.Millisecond,
		}))
		q, err := repos.GetFieldAs[string](ctx, ss, "search", "query")
		require.NoError(t, err)
		require.Equal(t, "red shoes", q)
		hits, err := repos.GetFieldAs[int](ctx, ss, "search", "hits")
		require.NoError(t, err)
		require.Equal(t, 12, hits)
		done, err := repos.GetFieldAs[bool](ctx, ss, "search", "done")
		require.NoError(t, err)
		require.True(t, done)
		j, err := repos.GetFieldAs[job](ctx, ss, "search", "job")
		require.NoError(t, err)
		require.Equal(t, job{ID: "j1", Tries: 2}, j)
		took, err := repos.GetFieldAs[time.Duration](ctx, ss, "search", "took")
		require.NoError(t, err)
		require.Equal(t, 1500*time.Millisecond, took)
		_, err = repos.GetFieldAs[int](ctx, ss, "search", "query")
		require.ErrorIs(t, err, repos.ErrDecode)
		require.ErrorContains(t, err, `"query"`)
		_, err = repos.GetFieldAs[int](ctx, ss, "search", "missing")
		require.ErrorIs(t, err, store.ErrNotFound)

		u, err := tn.User("u1")
		require.NoError(t, err)
		_, err = repos.GetUserFieldAs[string](ctx, u, "name")
		require.ErrorIs(t, err, store.ErrNotFound)
		require.NoError(t, u.Upsert(ctx, map[string]any{"name": "Ann", "visits": 3}))
		visits, err := repos.GetUserFieldAs[int64](ctx, u, "visits")
		require.NoError(t, err)
		require.EqualValues(t, 3, visits)
		s, err := u.GetField(ctx, "name")
		require.NoError(t, err)
		require.Equal(t, "Ann", s)
		_, err = repos.GetUserFieldAs[uint8](ctx, u, "name")
		require.ErrorIs(t, err, repos.ErrDecode)
	})
}

func TestTypedBatch(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b store.Backend) {
		ctx := context.Background()
		bt := newTenant(t, b, "acme", nil).Batch()
		q := repos.Queue{Service: "mailer", Batch: "b1", Action: "send"}
		require.NoError(t, repos.EnqueueAs(ctx, bt, q, job{ID: "j1"}))
		require.NoError(t, repos.EnqueueAllAs(ctx, bt, q, []job{{ID: "j2", Tries: 1}, {ID: "j3"}}))
		all, err := repos.ChunkAs[job](ctx, bt, q, 0, -1)
		require.NoError(t, err)
		require.Equal(t, []job{{ID: "j1"}, {ID: "j2", Tries: 1}, {ID: "j3"}}, all)
		raw, err := bt.Chunk(ctx, q, 0, 0)
		require.NoError(t, err)
		require.Equal(t, []string{`{"id":"j1","tries":0}`}, raw, "a struct payload is stored as JSON")

		c, err := repos.ClaimAs[job](ctx, bt, q, 2, time.Minute)
		require.NoError(t, err)
		require.Equal(t, []job{{ID: "j1"}, {ID: "j2", Tries: 1}}, c.Values)
		require.NotEmpty(t, c.ID)
		require.NoError(t, bt.Ack(ctx, q, c.ID))

		// Nothing is written when a payload cannot be encoded.
		err = repos.EnqueueAllAs(ctx, bt, q, []any{job{ID: "j4"}, make(chan int)})
		require.ErrorIs(t, err, repos.ErrEncode)
		n, err := bt.Len(ctx, q)
		require.NoError(t, err)
		require.EqualValues(t, 1, n)

		// An item that does not decode: claimed all the same, ID kept for Ack.
		require.NoError(t, bt.Enqueue(ctx, q, "not json"))
		_, err = repos.ChunkAs[job](ctx, bt, q, 0, -1)
		require.ErrorIs(t, err, repos.ErrDecode)
		bad, err := repos.ClaimAs[job](ctx, bt, q, 5, time.Minute)
		require.ErrorIs(t, err, repos.ErrDecode)
		require.Nil(t, bad.Values)
		require.Equal(t, []string{`{"id":"j3","tries":0}`, "not json"}, bad.Items)
		require.NoError(t, bt.Ack(ctx, q, bad.ID))
	})
}

func TestTypedTriggerPayload(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b store.Backend) {
		ctx := context.Background()
		tr := newTenant(t, b, "acme", nil).Triggers()
		require.NoError(t, repos.SetTriggerAs(ctx, tr, "remind", "conv1", job{ID: "j9", Tries: 1}, repos.WithTTL(time.Hour)))
		got, err := tr.Get(ctx, "remind", "conv1")
		require.NoError(t, err)
		j, err := repos.PayloadAs[job](repos.Fired{Payload: got.Payload})
		require.NoError(t, err)
		require.Equal(t, job{ID: "j9", Tries: 1}, j)
		err = repos.SetTriggerAs(ctx, tr, "remind", "conv2", func() {}, repos.WithTTL(time.Hour))
		require.ErrorIs(t, err, repos.ErrEncode)
		ok, err := tr.Exists(ctx, "remind", "conv2")
		require.NoError(t, err)
		require.False(t, ok)
		_, err = repos.PayloadAs[job](repos.Fired{Tenant: "acme", Action: "remind", Identifier: "c", Payload: "{"})
		require.ErrorIs(t, err, repos.ErrDecode)
		require.ErrorContains(t, err, `"remind"`)
	})
}

// TestTypedTriggerDelivered: a typed payload reaches the handler.
func TestTypedTriggerDelivered(t *testing.T) {
	b := memoryBackend(t)
	tr := newTenant(t, b, "acme", nil).Triggers()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	require.NoError(t, repos.SetTriggerAs(ctx, tr, "remind", "c1", job{ID: "j1"}, repos.WithTTL(time.Millisecond)))
	got := make(chan job, 1)
	done := make(chan error, 1)
	go func() {
		done <- tr.Listen(ctx, func(_ context.Context, f repos.Fired) error {
			j, err := repos.PayloadAs[job](f)
			if err == nil {
				got <- j
			}
			return err
		}, &repos.ListenOptions{Interval: 5 * time.Millisecond})
	}()
	require.Equal(t, job{ID: "j1"}, <-got)
	cancel()
	require.NoError(t, <-done)
}

func TestEncodeDecodeValue(t *testing.T) {
	for _, c := range []struct {
		v    any
		want string
	}{
		{"x", "x"}, {42, "42"}, {true, "1"}, {0.1, "0.1"}, {time.Second, "1000000000"},
		{[]int{1, 2}, "[1,2]"}, {job{ID: "a"}, `{"id":"a","tries":0}`},
	} {
		s, err := repos.EncodeValue(c.v)
		require.NoError(t, err)
		require.Equal(t, c.want, s)
	}
	_, err := repos.EncodeValue(nil)
	require.ErrorIs(t, err, repos.ErrEncode)
	_, err = repos.EncodeValue((*int)(nil))
	require.ErrorIs(t, err, repos.ErrEncode)
	_, err = repos.EncodeValue(complex(1, 2))
	require.ErrorIs(t, err, repos.ErrEncode)
	n, err := repos.DecodeValueAs[int8]("300")
	require.ErrorIs(t, err, repos.ErrDecode)
	require.ErrorContains(t, err, "int8")
	require.Zero(t, n)
	p, err := repos.DecodeValueAs[*int]("7")
	require.NoError(t, err)
	require.Equal(t, 7, *p)
}
