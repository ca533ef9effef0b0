package valkey

import (
	"fmt"
	"net/url"
	"strconv"
	"strings"

	"github.com/valkey-io/valkey-go"

	"github.com/mimeiapify/store"
)

// Scheme is the URL scheme of the backend (store.Open("valkey://...")).
// SchemeTLS is the same over TLS.
const (
	Scheme    = "valkey"
	SchemeTLS = "valkeys"
)

// urlParams are the query parameters a URL may hold: those of
// valkey.ParseURL that make sense here, and the backend's own.
var urlParams = []string{
	"db", "addr", "dial_timeout", "write_timeout", "skip_verify", "protocol",
	"max_retries", "client_name", "master_set", "standalone", "scan_count",
	"client_cache", "client_cache_ttl",
}

func init() {
	store.Register(Scheme, open)
	store.Register(SchemeTLS, open)
}

// ParseURL turns a valkey:// or valkeys:// URL into the options of a
// valkey-go client and of a Backend (see the package documentation for the
// forms and parameters). Unknown query parameters are rejected, naming
// them, with store.ErrInvalidArgument.
func ParseURL(rawURL string) (valkey.ClientOption, *Options, error) {
	var opt valkey.ClientOption
	u, err := url.Parse(rawURL)
	if err != nil {
		return opt, nil, fmt.Errorf("valkey: open: %w: %w", store.ErrInvalidArgument, err)
	}
	if u.Scheme != Scheme && u.Scheme != SchemeTLS {
		return opt, nil, fmt.Errorf("valkey: open %s: %w: scheme must be %s or %s", u.Redacted(), store.ErrInvalidArgument, Scheme, SchemeTLS)
	}
	if err := store.CheckURLParams(u, urlParams...); err != nil {
		return opt, nil, fmt.Errorf("valkey: open %s: %w", u.Redacted(), err)
	}
	q := u.Query()
	opts := &Options{CloseClient: true}
	if s := q.Get("scan_count"); s != "" {
		if opts.ScanCount, err = strconv.ParseInt(s, 10, 64); err != nil || opts.ScanCount < 1 {
			return opt, nil, fmt.Errorf("valkey: open %s: %w: scan_count %q must be a positive integer", u.Redacted(), store.ErrInvalidArgument, s)
		}
	}
	standalone, err := parseBool(q, "standalone")
	if err != nil {
		return opt, nil, fmt.Errorf("valkey: open %s: %w", u.Redacted(), err)
	}
	cache, err := parseClientCache(q)
	if err != nil {
		return opt, nil, fmt.Errorf("valkey: open %s: %w", u.Redacted(), err)
	}
	opts.ClientCacheTTL = cache.ttl
	for _, name := range []string{"scan_count", "standalone", "client_cache", "client_cache_ttl"} {
		q.Del(name)
	}
	u.RawQuery = q.Encode()
	if opt, err = valkey.ParseURL(u.String()); err != nil {
		return opt, nil, fmt.Errorf("valkey: open %s: %w: %s", u.Redacted(), store.ErrInvalidArgument, strings.TrimPrefix(err.Error(), "valkey: "))
	}
	opt.ForceSingleClient = standalone
	// Without client_cache the backend never reads through the client-side
	// cache, and its connections do not ask for CLIENT TRACKING.
	opt.DisableCache = cache.ttl == 0
	opt.CacheSizeEachConn = cache.eachConn
	// Redis 7.0 rejects CLIENT SETINFO, which valkey-go sends on every new
	// connection: two error replies per connection in INFO errorstats.
	opt.ClientSetInfo = valkey.DisableClientSetInfo
	return opt, opts, nil
}

// parseBool reads an optional boolean query parameter.
func parseBool(q url.Values, name string) (bool, error) {
	s := q.Get(name)
	if s == "" {
		return false, nil
	}
	v, err := strconv.ParseBool(s)
	if err != nil {
		return false, fmt.Errorf("%w: %s=%q is not a boolean", store.ErrInvalidArgument, name, s)
	}
	return v, nil
}
