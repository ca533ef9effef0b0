package redis

import (
	"context"
	"fmt"
	"net/url"
	"runtime"

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

func init() {
	for _, s := range []string{Scheme, SchemeTLS, SchemeCluster, SchemeClusterTLS, SchemeSentinel, SchemeSentinelTLS} {
		store.Register(s, open)
	}
}

// Open opens a backend on the server rawURL names (one of the registered
// schemes, see the package documentation), pings it, and returns a
// Backend that owns its client: Close closes the client.
func Open(ctx context.Context, rawURL string) (*Backend, error) {
	u, err := url.Parse(rawURL)
	if err != nil {
		return nil, fmt.Errorf("redis: open: %w", err)
	}
	return openURL(ctx, u)
}

func open(ctx context.Context, u *url.URL) (store.Backend, error) { return openURL(ctx, u) }

func openURL(ctx context.Context, u *url.URL) (*Backend, error) {
	c, err := NewClient(u)
	if err != nil {
		return nil, err
	}
	if err := c.Ping(ctx).Err(); err != nil {
		_ = c.Close()
		return nil, fmt.Errorf("redis: open %s: ping %s: %w", u.Redacted(), addrOf(c), err)
	}
	return New(c, &Options{CloseClient: true}), nil
}

// NewClient makes the go-redis client a URL names, with the defaults
// Open uses, without connecting. Query parameters are go-redis' own
// (ParseURL, ParseClusterURL, ParseFailoverURL); an unknown one fails
// with store.ErrInvalidArgument naming it.
func NewClient(u *url.URL) (goredis.UniversalClient, error) {
	plain := *u
	switch u.Scheme {
	case Scheme, SchemeCluster, SchemeSentinel:
		plain.Scheme = "redis"
	case SchemeTLS, SchemeClusterTLS, SchemeSentinelTLS:
		plain.Scheme = "rediss"
	default:
		return nil, fmt.Errorf("redis: %w: unknown scheme %q", store.ErrInvalidArgument, u.Scheme)
	}
	switch u.Scheme {
	case SchemeCluster, SchemeClusterTLS:
		o, err := goredis.ParseClusterURL(plain.String())
		if err != nil {
			return nil, badURL(u, err)
		}
		o.DisableIdentity, o.ContextTimeoutEnabled = true, true
		o.PoolSize = poolSize(o.PoolSize)
		return goredis.NewClusterClient(o), nil
	case SchemeSentinel, SchemeSentinelTLS:
		o, err := goredis.ParseFailoverURL(plain.String())
		if err != nil {
			return nil, badURL(u, err)
		}
		o.DisableIdentity, o.ContextTimeoutEnabled = true, true
		o.PoolSize = poolSize(o.PoolSize)
		return goredis.NewFailoverClient(o), nil
	}
	o, err := goredis.ParseURL(plain.String())
	if err != nil {
		return nil, badURL(u, err)
	}
	o.DisableIdentity, o.ContextTimeoutEnabled = true, true
	o.PoolSize = poolSize(o.PoolSize)
	return goredis.NewClient(o), nil
}

// poolSize is the pool size Open uses when the URL sets none: go-redis'
// default of 10 per CPU makes 64 goroutines wait for connections.
func poolSize(fromURL int) int {
	if fromURL > 0 {
		return fromURL
	}
	return max(defaultMinPoolSize, defaultPoolPerCPU*runtime.GOMAXPROCS(0))
}

func badURL(u *url.URL, err error) error {
	return fmt.Errorf("redis: open %s: %w: %v", u.Redacted(), store.ErrInvalidArgument, err)
}
