package bolt

import (
	"context"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"time"

	"github.com/mimeiapify/store"
)

// Scheme is the URL scheme this package registers with store.Open.
const Scheme = "bolt"

// urlParams are the query parameters a bolt URL may carry.
var urlParams = []string{"timeout", "nosync", "sweep", "sweepbatch", "maxbatch"}

func init() { store.Register(Scheme, openURL) }

// openURL is the store.Opener of Scheme. It creates the missing parent
// directories of the file (mode 0o755), as a new user expects from
// bolt://data/app.db. The lock timeout is cut short by ctx's deadline. On
// failure it returns a literal nil Backend.
func openURL(ctx context.Context, u *url.URL) (store.Backend, error) {
	path, opts, err := ParseURL(u)
	if err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("bolt: open %s: %w", path, err)
	}
	if dl, ok := ctx.Deadline(); ok {
		if opts.Timeout == 0 {
			opts.Timeout = DefaultTimeout
		}
		if left := time.Until(dl); left < opts.Timeout {
			opts.Timeout = max(left, time.Millisecond)
		}
	}
	if dir := filepath.Dir(path); dir != "." {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return nil, fmt.Errorf("bolt: open %s: create parent directory: %w", path, err)
		}
	}
	b, err := Open(path, opts)
	if err != nil {
		return nil, err
	}
	return b, nil
}

// ParseURL returns the file path and options a bolt URL names:
// bolt:///abs/path.db for an absolute path, bolt://relative/path.db for a
// relative one (host and path joined), with query parameters timeout
// (duration), nosync (bool), sweep (duration; negative disables),
// sweepbatch and maxbatch (positive integers). An unknown parameter, or a
// URL that names no file, fails with store.ErrInvalidArgument.
func ParseURL(u *url.URL) (string, *Options, error) {
	if u.Scheme != Scheme {
		return "", nil, fmt.Errorf("bolt: URL scheme %q: %w: want %q", u.Scheme, store.ErrInvalidArgument, Scheme)
	}
	if err := store.CheckURLParams(u, urlParams...); err != nil {
		return "", nil, fmt.Errorf("bolt: open %s: %w", u.Redacted(), err)
	}
	path := u.Host + u.Path
	if u.Opaque != "" || u.User != nil {
		return "", nil, fmt.Errorf("bolt: open %s: %w: want bolt:///abs/file.db or bolt://rel/file.db", u.Redacted(), store.ErrInvalidArgument)
	}
	if path == "" || path == "/" {
		return "", nil, fmt.Errorf("bolt: open: %w: the URL names no file (want bolt:///abs/file.db or bolt://rel/file.db)", store.ErrInvalidArgument)
	}
	opts := &Options{}
	if err := parseParams(u.Query(), opts); err != nil {
		return "", nil, err
	}
	return path, opts, nil
}

func parseParams(q url.Values, o *Options) error {
	var err error
	for name := range q {
		v := q.Get(name)
		switch name {
		case "timeout":
			o.Timeout, err = time.ParseDuration(v)
		case "nosync":
			o.NoSync, err = strconv.ParseBool(v)
		case "sweep":
			o.SweepInterval, err = time.ParseDuration(v)
		case "sweepbatch":
			o.SweepBatch, err = positive(v)
		case "maxbatch":
			o.MaxBatch, err = positive(v)
		}
		if err != nil {
			return fmt.Errorf("bolt: open: URL parameter %s=%q: %w: %v", name, v, store.ErrInvalidArgument, err)
		}
	}
	if o.Timeout < 0 {
		return fmt.Errorf("bolt: open: URL parameter timeout: %w: negative", store.ErrInvalidArgument)
	}
	return nil
}

func positive(s string) (int, error) {
	n, err := strconv.Atoi(s)
	if err == nil && n <= 0 {
		err = fmt.Errorf("must be positive")
	}
	return n, err
}
