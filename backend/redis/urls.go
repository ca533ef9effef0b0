package redis

import (
	"context"
	"fmt"
	"net/url"
	"runtime"
	"slices"
	"strings"
	"time"

	goredis "github.com/redis/go-redis/v9"

	"github.com/mimeiapify/store"
)

// Scheme is the URL scheme of a single Redis server. The backend also
// registers rediss (TLS), redis+cluster, rediss+cluster, redis+sentinel
// and rediss+sentinel.
const Scheme = "redis"

// The schemes this package registers with store.Register.
const (
	SchemeTLS          = "rediss"
	SchemeCluster      = "redis+cluster"
	SchemeClusterTLS   = "rediss+cluster"
	SchemeSentinel     = "redis+sentinel"
	SchemeSentinelTLS  = "rediss+sentinel"
	defaultPoolPerCPU  = 32
	defaultMinPoolSize = 64
)

// The query parameters of each URL form: go-redis' own (v9 ParseURL,
// ParseClusterURL, ParseFailoverURL), checked here first so that an
// unknown one fails with the list of the known ones.
var (
	commonParams = []string{
		"client_name", "conn_max_idle_time", "conn_max_lifetime", "conn_max_lifetime_jitter",
		"dial_timeout", "max_active_conns", "max_concurrent_dials", "max_idle_conns",
		"max_retries", "max_retry_backoff", "min_idle_conns", "min_retry_backoff",
		"pipeline_pool_size", "pipeline_read_buffer_size", "pipeline_write_buffer_size",
		"pool_fifo", "pool_size", "pool_timeout", "protocol", "read_timeout", "write_timeout",
	}
	singleParams  = append([]string{"db", "skip_verify"}, commonParams...)
	clusterParams = append([]string{
		"addr", paramReload, "dialer_retries", "dialer_retry_timeout", "failing_timeout_seconds", "max_redirects",
		"read_only", "route_by_latency", "route_by_latency_tolerance", "route_randomly",
	}, commonParams...)
	sentinelParams = append([]string{
		"master_name", "addr", "db", "skip_verify", "dialer_retries", "dialer_retry_timeout",
		"replica_only", "route_by_latency", "route_by_latency_tolerance", "route_randomly",
		"use_disconnected_replicas",
	}, commonParams...)
)

func init() {
	for _, s := range []string{Scheme, SchemeTLS, SchemeCluster, SchemeClusterTLS, SchemeSentinel, SchemeSentinelTLS} {
		store.Register(s, open)
	}
}

// Open opens a backend on the server rawURL names (one of the registered
// schemes, see the package documentation) and returns a Backend that owns
// its client: Close closes the client. It is OpenOptions with nil
// options.
func Open(ctx context.Context, rawURL string) (*Backend, error) {
	return OpenOptions(ctx, rawURL, nil)
}

// OpenOptions is Open with Options for the backend (ScanCount, and Logger,
// which also receives go-redis' log lines while Open connects);
// Options.CloseClient is always set. Open connects before it returns,
// within ctx's deadline or, when ctx has none, within the URL's
// dial_timeout (5 s by default). A redis:// or rediss:// URL that names a
// node of a Redis Cluster gets a cluster client, as redis+cluster:// would.
// On failure the *Backend is nil.
func OpenOptions(ctx context.Context, rawURL string, opts *Options) (*Backend, error) {
	u, err := url.Parse(rawURL)
	if err != nil {
		return nil, fmt.Errorf("redis: open: %w: %w", store.ErrInvalidArgument, err)
	}
	return openURL(ctx, u, opts)
}

// open is the store.Opener of every scheme; it returns a literal nil
// Backend on failure.
func open(ctx context.Context, u *url.URL) (store.Backend, error) {
	b, err := openURL(ctx, u, nil)
	if err != nil {
		return nil, err
	}
	return b, nil
}

// NewClient makes the go-redis client a URL names, with the defaults
// Open uses, without connecting. Query parameters are go-redis' own
// (ParseURL, ParseClusterURL, ParseFailoverURL); an unknown one fails
// with store.ErrInvalidArgument naming it and listing the known ones, and
// a sentinel URL without master_name fails the same way. Over TLS, the
// client's dialer names a server that does not answer TLS in its error.
func NewClient(u *url.URL) (goredis.UniversalClient, error) {
	switch u.Scheme {
	case SchemeCluster, SchemeClusterTLS:
		o, err := clusterOptions(u)
		if err != nil {
			return nil, err
		}
		return goredis.NewClusterClient(o), nil
	case SchemeSentinel, SchemeSentinelTLS:
		o, err := sentinelOptions(u)
		if err != nil {
			return nil, err
		}
		return goredis.NewFailoverClient(o), nil
	}
	o, err := singleOptions(u)
	if err != nil {
		return nil, err
	}
	return goredis.NewClient(o), nil
}

// goRedisURL checks u's scheme and parameters and returns it with the
// scheme go-redis' parsers expect (redis or rediss).
func goRedisURL(u *url.URL, schemes []string, params []string) (string, error) {
	if !slices.Contains(schemes, u.Scheme) {
		return "", fmt.Errorf("redis: open %s: %w: unknown scheme %q", u.Redacted(), store.ErrInvalidArgument, u.Scheme)
	}
	if q := u.Query(); q.Has("client_cache") || q.Has("client_cache_ttl") {
		return "", fmt.Errorf("redis: open %s: %w: client-side caching (client_cache) is offered by the valkey backend (valkey:// URLs), not by the redis backend", u.Redacted(), store.ErrUnsupported)
	}
	if err := store.CheckURLParams(u, params...); err != nil {
		return "", fmt.Errorf("redis: open %s: %w", u.Redacted(), err)
	}
	plain := *u
	q := plain.Query()
	if q.Has(paramReload) { // ours: go-redis' parser rejects it
		q.Del(paramReload)
		plain.RawQuery = q.Encode()
	}
	plain.Scheme = "redis"
	if strings.HasPrefix(u.Scheme, "rediss") {
		plain.Scheme = "rediss"
	}
	return plain.String(), nil
}

func singleOptions(u *url.URL) (*goredis.Options, error) {
	raw, err := goRedisURL(u, []string{Scheme, SchemeTLS}, singleParams)
	if err != nil {
		return nil, err
	}
	o, err := goredis.ParseURL(raw)
	if err != nil {
		return nil, badURL(u, err)
	}
	o.DisableIdentity, o.ContextTimeoutEnabled = true, true
	o.PoolSize = poolSize(o.PoolSize)
	o.MaxRetries = maxRetries(u, o.MaxRetries)
	if o.TLSConfig != nil {
		o.Dialer = tlsDialer(u.Scheme, o.DialTimeout, o.TLSConfig)
	}
	return o, nil
}

func clusterOptions(u *url.URL) (*goredis.ClusterOptions, error) {
	raw, err := goRedisURL(u, []string{SchemeCluster, SchemeClusterTLS}, clusterParams)
	if err != nil {
		return nil, err
	}
	o, err := goredis.ParseClusterURL(raw)
	if err != nil {
		return nil, badURL(u, err)
	}
	if o.ClusterStateReloadInterval, err = reloadInterval(u); err != nil {
		return nil, err
	}
	o.DisableIdentity, o.ContextTimeoutEnabled = true, true
	o.PoolSize = poolSize(o.PoolSize)
	o.MaxRetries = maxRetries(u, o.MaxRetries)
	if o.TLSConfig != nil {
		o.Dialer = tlsDialer(u.Scheme, o.DialTimeout, o.TLSConfig)
	}
	return o, nil
}

func sentinelOptions(u *url.URL) (*goredis.FailoverOptions, error) {
	raw, err := goRedisURL(u, []string{SchemeSentinel, SchemeSentinelTLS}, sentinelParams)
	if err != nil {
		return nil, err
	}
	if u.Query().Get("master_name") == "" {
		return nil, fmt.Errorf("redis: open %s: %w: the master_name parameter is required: the name the sentinels know the master by, as in %s://host:26379?master_name=mymaster",
			u.Redacted(), store.ErrInvalidArgument, u.Scheme)
	}
	o, err := goredis.ParseFailoverURL(raw)
	if err != nil {
		return nil, badURL(u, err)
	}
	o.DisableIdentity, o.ContextTimeoutEnabled = true, true
	o.PoolSize = poolSize(o.PoolSize)
	o.MaxRetries = maxRetries(u, o.MaxRetries)
	if o.TLSConfig != nil {
		o.Dialer = tlsDialer(u.Scheme, o.DialTimeout, o.TLSConfig)
	}
	return o, nil
}

// poolSize is the pool size Open uses when the URL sets none: go-redis'
// default of 10 per CPU makes 64 goroutines wait for connections.
func poolSize(fromURL int) int {
	if fromURL > 0 {
		return fromURL
	}
	return max(defaultMinPoolSize, defaultPoolPerCPU*runtime.GOMAXPROCS(0))
}

// badURL wraps an error of go-redis' URL parsers, without repeating its
// "redis: " prefix.
func badURL(u *url.URL, err error) error {
	return fmt.Errorf("redis: open %s: %w: %s", u.Redacted(), store.ErrInvalidArgument, strings.TrimPrefix(err.Error(), "redis: "))
}

// paramReload is the query parameter of a cluster URL that sets
// go-redis' ClusterStateReloadInterval: how often the client reloads its
// slot map while it is used (a duration, as "5s"; default
// DefaultClusterStateReloadInterval). The backend also reloads it after a
// call fails with a network error, so this bounds recovery only when no
// call fails (a master that was replaced without failing).
const paramReload = "cluster_state_reload_interval"

// DefaultClusterStateReloadInterval is the ClusterStateReloadInterval of a
// cluster client that Open makes when the URL sets none; go-redis' own
// default is 60 s.
const DefaultClusterStateReloadInterval = 10 * time.Second

// reloadInterval reads paramReload from u.
func reloadInterval(u *url.URL) (time.Duration, error) {
	v := u.Query().Get(paramReload)
	if v == "" {
		return DefaultClusterStateReloadInterval, nil
	}
	d, err := time.ParseDuration(v)
	if err != nil || d <= 0 {
		return 0, fmt.Errorf("redis: open %s: %w: %s=%q: want a positive duration, as 5s", u.Redacted(), store.ErrInvalidArgument, paramReload, v)
	}
	return d, nil
}

// maxRetries is go-redis' MaxRetries for u: max_retries=0 turns retries
// off, as -1 does (go-redis reads 0 as "the default, 3"), so that 0 means
// the same as in a valkey:// URL. A retried write may be applied twice:
// go-redis retries after a network error without knowing whether the
// server ran the command.
func maxRetries(u *url.URL, parsed int) int {
	if u.Query().Get("max_retries") == "0" {
		return -1
	}
	return parsed
}
