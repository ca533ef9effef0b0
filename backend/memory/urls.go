package memory

import (
	"context"
	"fmt"
	"net/url"
	"strconv"
	"time"

	"github.com/mimeiapify/store"
)

// Scheme is the URL scheme this package registers with store.Register:
// store.Open(ctx, "memory://") returns a new, empty Backend.
const Scheme = "memory"

// URL query parameters understood by OptionsFromURL.
const (
	paramShards = "shards" // Options.Shards, an integer
	paramSweep  = "sweep"  // Options.SweepInterval, a Go duration ("500ms"); negative: off
)

func init() {
	store.Register(Scheme, func(_ context.Context, u *url.URL) (store.Backend, error) {
		opts, err := OptionsFromURL(u)
		if err != nil {
			return nil, err
		}
		return New(opts), nil
	})
}

// OptionsFromURL parses a memory:// URL into Options. The URL has no host
// or path; its query parameters are shards (Options.Shards) and sweep
// (Options.SweepInterval, as "500ms" or "1m"), as in
// "memory://?shards=128&sweep=250ms". Anything else fails with
// store.ErrInvalidArgument naming it.
func OptionsFromURL(u *url.URL) (*Options, error) {
	if u.Scheme != Scheme {
		return nil, fmt.Errorf("memory: %w: URL scheme %q is not %q", store.ErrInvalidArgument, u.Scheme, Scheme)
	}
	if u.Host != "" || u.User != nil || (u.Path != "" && u.Path != "/") || u.Opaque != "" {
		return nil, fmt.Errorf("memory: %w: URL %q: a memory URL has no host, user or path (want memory:// with optional ?shards=N&sweep=DURATION)",
			store.ErrInvalidArgument, u.Redacted())
	}
	if err := store.CheckURLParams(u, paramShards, paramSweep); err != nil {
		return nil, fmt.Errorf("memory: open: %w", err)
	}
	q := u.Query()
	opts := &Options{}
	if v := q.Get(paramShards); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil {
			return nil, fmt.Errorf("memory: %w: URL parameter %s=%q is not an integer", store.ErrInvalidArgument, paramShards, v)
		}
		opts.Shards = n
	}
	if v := q.Get(paramSweep); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil {
			return nil, fmt.Errorf("memory: %w: URL parameter %s=%q is not a duration such as 500ms", store.ErrInvalidArgument, paramSweep, v)
		}
		opts.SweepInterval = d
	}
	if err := opts.validate(); err != nil {
		return nil, err
	}
	return opts, nil
}
