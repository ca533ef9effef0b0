package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/mimeiapify/store"
	"github.com/mimeiapify/store/backend/memory"
	"github.com/mimeiapify/store/internal/testenv"
	"github.com/mimeiapify/store/prefix"
	"github.com/mimeiapify/store/repos"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

// TestChatServerInMemory runs the service end to end on the in-memory
// backend, with real HTTP requests.
func TestChatServerInMemory(t *testing.T) {
	b := memory.New(nil)
	t.Cleanup(func() { require.NoError(t, b.Close()) })
	exercise(t, b)
}

// TestChatServerOnRedis runs the same on the real Redis server that
// STORE_TEST_REDIS_URL names, under a fresh key prefix deleted at the end.
func TestChatServerOnRedis(t *testing.T) {
	url := testenv.Server(t, testenv.RedisURL)
	inner, err := store.Open(context.Background(), url)
	require.NoError(t, err)
	var tag [6]byte
	_, _ = rand.Read(tag[:])
	b, err := prefix.New(inner, "chatserver-test-"+hex.EncodeToString(tag[:])+":")
	require.NoError(t, err)
	t.Cleanup(func() {
		_, err := b.Purge(context.Background())
		require.NoError(t, err)
		require.NoError(t, b.Close())
	})
	exercise(t, b)
}

// delivery is one reminder the listener delivered.
type delivery struct {
	tenant string
	r      Reminder
}

// exercise starts the service on b and checks what it promises.
func exercise(t *testing.T, b store.Backend) {
	s := newServer(b, &repos.Options{Prefix: "chat"})
	delivered := make(chan delivery, 16)
	s.delivered = func(tenant string, r Reminder) { delivered <- delivery{tenant, r} }
	ctx, cancel := context.WithCancel(context.Background())
	listening := make(chan error, 1)
	go func() { listening <- s.listen(ctx) }()
	srv := httptest.NewServer(s.routes())
	t.Cleanup(func() {
		srv.Close()
		cancel()
		require.NoError(t, <-listening)
	})
	c := &client{t: t, base: srv.URL}

	// No tenant: the middleware passes the request through.
	code, body := c.do(http.MethodGet, "/healthz", "", "", nil)
	require.Equal(t, http.StatusOK, code)
	require.Equal(t, "ok\n", body)
	code, _ = c.do(http.MethodPost, "/messages", "", "", Message{Text: "hi"})
	require.Equal(t, http.StatusBadRequest, code)
	code, body = c.do(http.MethodPost, "/messages", "acme", "", Message{Text: "hi"})
	require.Equal(t, http.StatusBadRequest, code)
	require.Contains(t, body, "user id is empty")

	// Two tenants whose ids would collide or glob over each other if they
	// were not encoded; the same user id in both.
	acme, hostile := "acme", "acme*:{acme}"

	// 100 concurrent messages of one user: handled one at a time (the
	// server saw at most 1 at once, and the turns are 1..100 with none
	// lost), all answered.
	const n = 100
	turns := make([]int, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			var r Reply
			code := c.post(acme, "ann", Message{Text: "hello there friend"}, &r)
			if code == http.StatusOK {
				turns[i] = r.Turn
			}
		})
	}
	wg.Wait()
	slices.Sort(turns)
	want := make([]int, n)
	for i := range want {
		want[i] = i + 1
	}
	require.Equal(t, want, turns)
	require.Equal(t, 1, s.mostAtOnce(acme, "ann"), "two messages of one user were handled at once")

	// The tools' results reached the handler through the shared state.
	var r Reply
	require.Equal(t, http.StatusOK, c.post(hostile, "ann", Message{Text: "REMIND ME", RemindIn: "200ms"}, &r))
	require.Equal(t, Reply{Turn: 1, Words: 2, Shout: true, Reply: "message 1 noted (2 words)"}, r,
		"the other tenant's user starts at turn 1")

	// The reminder is delivered by the listener, to the right tenant only.
	select {
	case d := <-delivered:
		require.Equal(t, delivery{hostile, Reminder{User: "ann", Text: "REMIND ME"}}, d)
	case <-time.After(30 * time.Second):
		t.Fatal("reminder not delivered")
	}
	var got []string
	require.Equal(t, http.StatusOK, c.getJSON("/reminders", hostile, "ann", &got))
	require.Equal(t, []string{"REMIND ME"}, got)
	got = nil
	require.Equal(t, http.StatusOK, c.getJSON("/reminders", acme, "ann", &got))
	require.Empty(t, got)

	// The typed records hold what the handlers wrote.
	tn, err := s.tenant(acme)
	require.NoError(t, err)
	h, err := tn.State("ann")
	require.NoError(t, err)
	chat, err := repos.GetStateAs[Chat](context.Background(), h, "chat")
	require.NoError(t, err)
	require.Equal(t, n, chat.Turns)
	require.Equal(t, 3*n, chat.Words)
}

// client sends requests to the service.
type client struct {
	t    *testing.T
	base string
}

// do sends one request with the tenant and user headers (when not empty)
// and a JSON body (when not nil), and returns the status and body.
func (c *client) do(method, path, tenant, user string, body any) (int, string) {
	var buf bytes.Buffer
	if body != nil {
		if err := json.NewEncoder(&buf).Encode(body); err != nil {
			c.t.Error(err)
			return 0, ""
		}
	}
	req, err := http.NewRequest(method, c.base+path, &buf)
	if err != nil {
		c.t.Error(err)
		return 0, ""
	}
	if tenant != "" {
		req.Header.Set("X-Tenant", tenant)
	}
	if user != "" {
		req.Header.Set("X-User", user)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		c.t.Error(err)
		return 0, ""
	}
	defer resp.Body.Close()
	var out bytes.Buffer
	_, _ = out.ReadFrom(resp.Body)
	return resp.StatusCode, out.String()
}

// post sends a message and decodes the reply into r; safe from any
// goroutine (failures are reported with Error).
func (c *client) post(tenant, user string, msg Message, r *Reply) int {
	code, body := c.do(http.MethodPost, "/messages", tenant, user, msg)
	if code != http.StatusOK {
		c.t.Errorf("POST /messages: %d %s", code, body)
		return code
	}
	if err := json.Unmarshal([]byte(body), r); err != nil {
		c.t.Error(err)
	}
	return code
}

// getJSON sends a GET and decodes its JSON answer into v.
func (c *client) getJSON(path, tenant, user string, v any) int {
	code, body := c.do(http.MethodGet, path, tenant, user, nil)
	if code == http.StatusOK {
		if err := json.Unmarshal([]byte(body), v); err != nil {
			c.t.Error(err)
		}
	}
	return code
}
