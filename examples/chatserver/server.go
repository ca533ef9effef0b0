package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/mimeiapify/store"
	"github.com/mimeiapify/store/repos"
)

// Profile is a user's record (one hash field per field).
type Profile struct {
	Name      string    `json:"name"`
	Since     time.Time `json:"since"`
	Reminders []string  `json:"reminders,omitempty"`
}

// Chat is the handler state of the chat: what the bot knows of the
// conversation so far.
type Chat struct {
	Turns  int       `json:"turns"`
	Words  int       `json:"words"`
	Last   string    `json:"last"`
	LastAt time.Time `json:"last_at"`
}

// Reminder is the payload of a reminder trigger.
type Reminder struct {
	User string `json:"user"`
	Text string `json:"text"`
}

// Message is the body of POST /messages.
type Message struct {
	Text string `json:"text"`
	// RemindIn, when set, asks for a reminder of Text after this delay
	// ("2s", "10m").
	RemindIn string `json:"remind_in,omitempty"`
}

// Reply is the answer to POST /messages.
type Reply struct {
	Turn  int    `json:"turn"`
	Words int    `json:"words"`
	Shout bool   `json:"shout"`
	Reply string `json:"reply"`
}

// Lease of the per-user lock: far above a message's handling time; the
// lock is released at the end of each message, so it only matters if a
// server dies holding it.
const userLockLease = 30 * time.Second

// server is the chat service. Its repositories are cached per tenant.
type server struct {
	b       store.Backend
	opts    *repos.Options
	tenants sync.Map // tenant id -> *repos.Tenant

	mu      sync.Mutex
	running map[string]int // tenant + "\x00" + user -> messages being handled
	most    map[string]int // same key -> most handled at once

	// delivered, if set, is told of each reminder delivered (tests).
	delivered func(tenant string, r Reminder)
}

func newServer(b store.Backend, opts *repos.Options) *server {
	return &server{b: b, opts: opts, running: map[string]int{}, most: map[string]int{}}
}

// tenant returns the cached repositories of tenant id, making them once.
func (s *server) tenant(id string) (*repos.Tenant, error) {
	if t, ok := s.tenants.Load(id); ok {
		return t.(*repos.Tenant), nil
	}
	t, err := repos.NewTenant(s.b, id, s.opts)
	if err != nil {
		return nil, err
	}
	got, _ := s.tenants.LoadOrStore(id, t)
	return got.(*repos.Tenant), nil
}

// routes returns the service's handler: the middleware binds the user's
// shared state to every request that names a tenant; /healthz has none
// and passes through.
func (s *server) routes() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) { _, _ = w.Write([]byte("ok\n")) })
	mux.HandleFunc("POST /messages", s.postMessage)
	mux.HandleFunc("GET /reminders", s.getReminders)
	return repos.Middleware(s.bind, repos.WithErrorHandler(s.fail))(mux)
}

// bind is the middleware's builder: the shared state of the request's
// user, from the tenant's cached repositories.
func (s *server) bind(r *http.Request) (*repos.SharedState, error) {
	tenant := r.Header.Get("X-Tenant")
	if tenant == "" {
		return nil, repos.ErrNoTenant
	}
	t, err := s.tenant(tenant)
	if err != nil {
		return nil, err
	}
	return t.Shared(r.Header.Get("X-User"))
}

// fail answers a request whose shared state could not be bound.
func (s *server) fail(w http.ResponseWriter, _ *http.Request, err error) {
	if errors.Is(err, store.ErrInvalidArgument) {
		http.Error(w, "bad tenant or user: "+err.Error(), http.StatusBadRequest)
		return
	}
	log.Printf("chatserver: %v", err)
	http.Error(w, "internal error", http.StatusInternalServerError)
}

// request returns the tenant and shared state the middleware bound, or
// answers 400 when the request named no tenant.
func (s *server) request(w http.ResponseWriter, r *http.Request) (*repos.Tenant, *repos.SharedState, bool) {
	ss, ok := repos.SharedStateFrom(r.Context())
	if !ok {
		http.Error(w, "X-Tenant and X-User headers are required", http.StatusBadRequest)
		return nil, nil, false
	}
	t, err := s.tenant(ss.Tenant())
	if err != nil {
		s.fail(w, r, err)
		return nil, nil, false
	}
	return t, ss, true
}

// postMessage handles one message of a user, under the user's lock so
// that two messages of one user never interleave.
func (s *server) postMessage(w http.ResponseWriter, r *http.Request) {
	t, ss, ok := s.request(w, r)
	if !ok {
		return
	}
	var msg Message
	if err := json.NewDecoder(r.Body).Decode(&msg); err != nil || msg.Text == "" {
		http.Error(w, "body must be JSON with a non-empty text", http.StatusBadRequest)
		return
	}
	ctx := r.Context()
	lock, err := t.Locks().Lock(ctx, "user:"+ss.UserID(), userLockLease)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	defer func() { _ = lock.Unlock(context.WithoutCancel(ctx)) }()
	done := s.enter(t.ID(), ss.UserID())
	defer done()

	reply, err := s.handle(ctx, t, ss, msg)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(reply)
}

// handle does the work of one message: the user's record, the tools, the
// conversation state and the reminder.
func (s *server) handle(ctx context.Context, t *repos.Tenant, ss *repos.SharedState, msg Message) (Reply, error) {
	user, err := t.User(ss.UserID())
	if err != nil {
		return Reply{}, err
	}
	if ok, err := user.Exists(ctx); err != nil {
		return Reply{}, err
	} else if !ok {
		if err := user.Upsert(ctx, Profile{Name: ss.UserID(), Since: time.Now().UTC()}); err != nil {
			return Reply{}, err
		}
	}
	// The tools run concurrently, each in its own goroutine, and find the
	// user's shared state in their context.
	err = repos.RunTools(ctx,
		func(ctx context.Context, _ *repos.SharedState) error { return countWords(ctx, msg.Text) },
		func(ctx context.Context, _ *repos.SharedState) error { return detectShout(ctx, msg.Text) },
	)
	if err != nil {
		return Reply{}, err
	}
	words, err := repos.GetFieldAs[int](ctx, ss, "analysis", "words")
	if err != nil {
		return Reply{}, err
	}
	shout, err := repos.GetFieldAs[bool](ctx, ss, "analysis", "shout")
	if err != nil {
		return Reply{}, err
	}
	chat, err := s.remember(ctx, t, ss.UserID(), msg.Text, words)
	if err != nil {
		return Reply{}, err
	}
	if msg.RemindIn != "" {
		if err := remind(ctx, t, ss.UserID(), msg); err != nil {
			return Reply{}, err
		}
	}
	return Reply{Turn: chat.Turns, Words: chat.Words, Shout: shout,
		Reply: fmt.Sprintf("message %d noted (%d words)", chat.Turns, words)}, nil
}

// remember adds the message to the conversation state. It reads, then
// writes: correct only because the user's lock keeps other messages of
// the user out meanwhile.
func (s *server) remember(ctx context.Context, t *repos.Tenant, userID, text string, words int) (Chat, error) {
	h, err := t.State(userID)
	if err != nil {
		return Chat{}, err
	}
	chat, err := repos.GetStateAs[Chat](ctx, h, "chat")
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return Chat{}, err
	}
	chat.Turns++
	chat.Words += words
	chat.Last, chat.LastAt = text, time.Now().UTC()
	return chat, h.Set(ctx, "chat", chat, repos.WithTTL(24*time.Hour))
}

// remind sets the reminder trigger of msg for the user.
func remind(ctx context.Context, t *repos.Tenant, userID string, msg Message) error {
	d, err := time.ParseDuration(msg.RemindIn)
	if err != nil || d <= 0 {
		return fmt.Errorf("%w: remind_in %q is not a positive duration", store.ErrInvalidArgument, msg.RemindIn)
	}
	return repos.SetTriggerAs(ctx, t.Triggers(), "remind", userID, Reminder{User: userID, Text: msg.Text}, repos.WithTTL(d))
}

// getReminders lists the reminders delivered to the user.
func (s *server) getReminders(w http.ResponseWriter, r *http.Request) {
	t, ss, ok := s.request(w, r)
	if !ok {
		return
	}
	user, err := t.User(ss.UserID())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	p, err := repos.GetUserAs[Profile](r.Context(), user)
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		s.fail(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(p.Reminders)
}

// listen delivers due reminders into the users' records until ctx is
// done.
func (s *server) listen(ctx context.Context) error {
	return repos.ListenTriggers(ctx, s.b, s.opts, s.deliver, &repos.ListenOptions{Interval: 50 * time.Millisecond})
}

// deliver is the trigger handler: it appends the reminder to the user's
// record (where a client finds it with GET /reminders).
func (s *server) deliver(ctx context.Context, f repos.Fired) error {
	if f.Action != "remind" {
		return nil
	}
	rem, err := repos.PayloadAs[Reminder](f)
	if err != nil {
		return err
	}
	t, err := s.tenant(f.Tenant)
	if err != nil {
		return err
	}
	user, err := t.User(rem.User)
	if err != nil {
		return err
	}
	if err := user.AppendToField(ctx, "reminders", rem.Text); err != nil {
		return err
	}
	if s.delivered != nil {
		s.delivered(f.Tenant, rem)
	}
	return nil
}

// enter counts a message of user being handled and returns the function
// that counts it done; most keeps the highest count seen per user.
func (s *server) enter(tenant, user string) (done func()) {
	key := tenant + "\x00" + user
	s.mu.Lock()
	s.running[key]++
	s.most[key] = max(s.most[key], s.running[key])
	s.mu.Unlock()
	return func() {
		s.mu.Lock()
		s.running[key]--
		s.mu.Unlock()
	}
}

// mostAtOnce returns the most messages of user handled at once.
func (s *server) mostAtOnce(tenant, user string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.most[tenant+"\x00"+user]
}

// countWords is a tool: it counts the words of text and stores the count
// in the request's shared state, which it finds in its context.
func countWords(ctx context.Context, text string) error {
	ss, ok := repos.SharedStateFrom(ctx)
	if !ok {
		return repos.ErrNoSharedState
	}
	return ss.SetField(ctx, "analysis", "words", len(strings.Fields(text)), repos.WithTTL(time.Hour))
}

// detectShout is a tool: it notes whether text is all upper case.
func detectShout(ctx context.Context, text string) error {
	ss, ok := repos.SharedStateFrom(ctx)
	if !ok {
		return repos.ErrNoSharedState
	}
	shout := strings.ToUpper(text) == text && strings.ToLower(text) != text
	return ss.SetField(ctx, "analysis", "shout", shout, repos.WithTTL(time.Hour))
}
