package store

import (
	"context"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"sync"
)

// Opener opens a backend from a parsed URL whose scheme it was registered
// for. It must reject query parameters it does not know (CheckURLParams).
type Opener func(ctx context.Context, u *url.URL) (Backend, error)

var registry = struct {
	sync.RWMutex
	openers map[string]Opener
}{openers: make(map[string]Opener)}

// Register makes a backend available to Open under scheme (lower case, as
// "memory" or "redis"). Backends call it from init. It panics if opener is
// nil or the scheme is already registered, as database/sql.Register does.
func Register(scheme string, opener Opener) {
	if opener == nil {
		panic("store: Register opener is nil")
	}
	if scheme == "" || scheme != strings.ToLower(scheme) {
		panic(fmt.Sprintf("store: Register scheme %q must be non-empty and lower case", scheme))
	}
	registry.Lock()
	defer registry.Unlock()
	if _, dup := registry.openers[scheme]; dup {
		panic(fmt.Sprintf("store: Register called twice for scheme %q", scheme))
	}
	registry.openers[scheme] = opener
}

// Schemes returns the registered schemes, sorted.
func Schemes() []string {
	registry.RLock()
	defer registry.RUnlock()
	schemes := make([]string, 0, len(registry.openers))
	for s := range registry.openers {
		schemes = append(schemes, s)
	}
	slices.Sort(schemes)
	return schemes
}

// Open opens the backend that rawURL names, as "memory://",
// "bolt:///var/lib/app/state.db" or "redis://localhost:6379/0". The
// backend's package must be imported (for its side effect of registering
// the scheme); an unknown scheme fails with an error that lists the
// registered ones, and so does a URL without a scheme ("localhost:6379",
// "/tmp/x.db"). On any failure the Backend returned is a literal nil.
func Open(ctx context.Context, rawURL string) (Backend, error) {
	if err := missingScheme(rawURL); err != nil {
		return nil, err
	}
	u, err := url.Parse(rawURL)
	if err != nil {
		return nil, fmt.Errorf("store: open: %w", err)
	}
	registry.RLock()
	opener := registry.openers[u.Scheme]
	registry.RUnlock()
	if opener == nil {
		return nil, fmt.Errorf("store: open %q: %w: unknown scheme %q; registered: %s (did you forget to import the backend package, e.g. _ \"github.com/mimeiapify/store/backend/%s\"?)",
			redact(u), ErrInvalidArgument, u.Scheme, strings.Join(Schemes(), ", "), u.Scheme)
	}
	b, err := opener(ctx, u)
	if err != nil {
		return nil, err // a literal nil, even when the opener returned a typed nil pointer
	}
	return b, nil
}

// missingScheme fails when rawURL has no scheme, or when what parses as
// one is a host followed by a port ("localhost:6379") or a Windows drive
// letter: url.Parse would take "localhost" for a scheme.
func missingScheme(rawURL string) error {
	before, after, found := strings.Cut(rawURL, ":")
	looksLikeHost := found && !strings.HasPrefix(after, "//") && (isPort(after) || strings.Contains(after, "@"))
	if found && before != "" && !strings.ContainsAny(before, "/?#") && !looksLikeHost {
		return nil
	}
	hint := ""
	if looksLikeHost {
		hint = "; it looks like [user:password@]host:port, as in redis://" + redactRaw(rawURL)
	}
	shown := redactRaw(rawURL)
	return fmt.Errorf("store: open %q: %w: missing URL scheme (want one of %s://)%s",
		shown, ErrInvalidArgument, strings.Join(Schemes(), "://, "), hint)
}

// redactRaw hides the password of a URL without a scheme, which url.URL
// would not recognise: "user:pw@host:1" becomes "user:xxxxx@host:1".
func redactRaw(raw string) string {
	at := strings.LastIndex(raw, "@")
	if at < 0 {
		return raw
	}
	user, _, hasPassword := strings.Cut(raw[:at], ":")
	if !hasPassword {
		return raw
	}
	return user + ":xxxxx" + raw[at:]
}

// isPort reports whether s starts with a port number: digits up to the
// end or up to a '/'.
func isPort(s string) bool {
	port, _, _ := strings.Cut(s, "/")
	if port == "" {
		return false
	}
	for _, c := range port {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// CheckURLParams fails with ErrInvalidArgument, naming the parameter and
// listing the known ones, when u has a query parameter not in known. The
// message does not name the backend or the URL: the caller adds them once,
// as in "redis: open redis://host: store: invalid argument: unknown URL
// parameter "poolsize" (known: ...)".
func CheckURLParams(u *url.URL, known ...string) error {
	var unknown []string
	for name := range u.Query() {
		if !slices.Contains(known, name) {
			unknown = append(unknown, name)
		}
	}
	if len(unknown) == 0 {
		return nil
	}
	slices.Sort(unknown)
	return fmt.Errorf("%w: unknown URL parameter %q (known: %s)",
		ErrInvalidArgument, unknown[0], strings.Join(known, ", "))
}

// redact hides a password in a URL printed in an error.
func redact(u *url.URL) string { return u.Redacted() }
