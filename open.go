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
// registered ones.
func Open(ctx context.Context, rawURL string) (Backend, error) {
	u, err := url.Parse(rawURL)
	if err != nil {
		return nil, fmt.Errorf("store: open: %w", err)
	}
	if u.Scheme == "" {
		return nil, fmt.Errorf("store: open %q: no scheme (want one of %s)", redact(u), strings.Join(Schemes(), ", "))
	}
	registry.RLock()
	opener := registry.openers[u.Scheme]
	registry.RUnlock()
	if opener == nil {
		return nil, fmt.Errorf("store: open %q: unknown scheme %q; registered: %s (did you forget to import the backend package, e.g. _ \"github.com/mimeiapify/store/backend/%s\"?)",
			redact(u), u.Scheme, strings.Join(Schemes(), ", "), u.Scheme)
	}
	return opener(ctx, u)
}

// CheckURLParams fails with ErrInvalidArgument, naming the parameter, when
// u has a query parameter not in known.
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
	return fmt.Errorf("%w: %s URL: unknown query parameter %q (known: %s)",
		ErrInvalidArgument, u.Scheme, unknown[0], strings.Join(known, ", "))
}

// redact hides a password in a URL printed in an error.
func redact(u *url.URL) string { return u.Redacted() }
