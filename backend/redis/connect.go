package redis

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"net/url"
	"strings"
	"time"

	goredis "github.com/redis/go-redis/v9"

	"github.com/mimeiapify/store"
	"github.com/mimeiapify/store/internal/tlscheck"
)

// defaultDialTimeout is go-redis' DialTimeout when the URL sets none.
const defaultDialTimeout = 5 * time.Second

// openURL makes the client u names, connects within ctx's deadline (or
// the dial timeout), switches a redis:// URL that names a cluster node to
// a cluster client, and returns a Backend that owns the client.
func openURL(ctx context.Context, u *url.URL, opts *Options) (*Backend, error) {
	var o Options
	if opts != nil {
		o = *opts
	}
	o.CloseClient = true
	release := logSinks.add(o.Logger) // go-redis' lines while connecting
	defer release()
	c, err := NewClient(u)
	if err != nil {
		return nil, err
	}
	ctx, cancel := connectContext(ctx, c)
	defer cancel()
	if err := checkTLS(ctx, u, c); err != nil {
		_ = c.Close()
		return nil, err
	}
	if err := c.Ping(ctx).Err(); err != nil {
		_ = c.Close()
		if strings.Contains(err.Error(), "not allowed in cluster mode") { // SELECT of a database other than 0
			return nil, clusterDBError(u, addrOf(c))
		}
		return nil, connectError(ctx, u, c, err)
	}
	if single, ok := c.(*goredis.Client); ok && (u.Scheme == Scheme || u.Scheme == SchemeTLS) {
		if c, err = clusterIfNode(ctx, u, single); err != nil {
			return nil, err
		}
	}
	return New(c, &o), nil
}

// connectContext bounds Open's first round trips: by ctx's deadline, or
// by the client's dial timeout when ctx has none, so that a server that
// never answers cannot hold Open for go-redis' five dial attempts.
func connectContext(ctx context.Context, c goredis.UniversalClient) (context.Context, context.CancelFunc) {
	if _, ok := ctx.Deadline(); ok {
		return context.WithCancel(ctx)
	}
	d := defaultDialTimeout
	if c, ok := c.(*goredis.Client); ok && c.Options().DialTimeout > 0 {
		d = c.Options().DialTimeout
	}
	return context.WithTimeout(ctx, d)
}

// connectError describes a failed first round trip, naming the address,
// and says when a plaintext URL reached a server that speaks TLS.
func connectError(ctx context.Context, u *url.URL, c goredis.UniversalClient, err error) error {
	msg := fmt.Sprintf("redis: open %s: connect to %s", u.Redacted(), addrOf(c))
	var reply goredis.Error
	if !strings.HasPrefix(u.Scheme, "rediss") && !errors.As(err, &reply) && tlscheck.MayBeTLSPort(err) {
		if addr, ok := firstAddr(c); ok && tlscheck.Answers(ctx, addr) {
			return fmt.Errorf("%s: %w (the server answered a TLS handshake: use %s:// for a TLS port)",
				msg, err, strings.Replace(u.Scheme, "redis", "rediss", 1))
		}
	}
	return fmt.Errorf("%s: %w", msg, err)
}

// checkTLS makes one TLS handshake with the first address of a TLS URL
// before go-redis dials: go-redis dials in the background and reports a
// handshake that hangs (a plaintext port waiting for the end of a
// command) as the caller's deadline only. A refused connection is left
// for the ping to report.
func checkTLS(ctx context.Context, u *url.URL, c goredis.UniversalClient) error {
	addr, ok := firstAddr(c)
	cfg := tlsConfigOf(c)
	if !ok || cfg == nil {
		return nil
	}
	conn, err := tlscheck.Dial(ctx, nil, "tcp", addr, cfg, strings.Replace(u.Scheme, "rediss", "redis", 1)+"://")
	var opErr *net.OpError
	if errors.As(err, &opErr) && opErr.Op == "dial" {
		return nil
	}
	if err != nil {
		return fmt.Errorf("redis: open %s: %w", u.Redacted(), err)
	}
	_ = conn.Close()
	return nil
}

func tlsConfigOf(c goredis.UniversalClient) *tls.Config {
	switch c := c.(type) {
	case *goredis.Client:
		return c.Options().TLSConfig
	case *goredis.ClusterClient:
		return c.Options().TLSConfig
	}
	return nil
}

func firstAddr(c goredis.UniversalClient) (string, bool) {
	switch c := c.(type) {
	case *goredis.Client:
		return c.Options().Addr, c.Options().Network != "unix"
	case *goredis.ClusterClient:
		if addrs := c.Options().Addrs; len(addrs) > 0 {
			return addrs[0], true
		}
	}
	return "", false
}

// ErrNotTLS is wrapped by a connection error when a rediss:// URL reached
// a server that did not answer the TLS handshake, as a plaintext port
// does. It is the same value as valkey.ErrNotTLS.
var ErrNotTLS = tlscheck.ErrNotTLS

// tlsDialer is the go-redis Dialer of a TLS URL: unlike go-redis' own, its
// handshake ends with ctx (the caller's deadline), and a server that does
// not answer TLS is named in the error (ErrNotTLS).
func tlsDialer(scheme string, timeout time.Duration, cfg *tls.Config) func(context.Context, string, string) (net.Conn, error) {
	if timeout == 0 {
		timeout = defaultDialTimeout
	}
	plain := strings.Replace(scheme, "rediss", "redis", 1) + "://"
	return func(ctx context.Context, network, addr string) (net.Conn, error) {
		return tlscheck.Dial(ctx, &net.Dialer{Timeout: timeout, KeepAlive: 30 * time.Second}, network, addr, cfg, plain)
	}
}

// clusterIfNode asks the server behind a redis:// URL whether it is a
// cluster node (CLUSTER INFO answers only there) and, if so, replaces the
// single-server client with a cluster client seeded with that node,
// before anything is written: a single-server client would fail with
// MOVED on most keys after some writes landed.
func clusterIfNode(ctx context.Context, u *url.URL, c *goredis.Client) (goredis.UniversalClient, error) {
	err := c.ClusterInfo(ctx).Err()
	if err != nil {
		var reply goredis.Error
		if errors.As(err, &reply) {
			return c, nil // cluster support disabled, or CLUSTER not allowed: one server
		}
		_ = c.Close()
		return nil, fmt.Errorf("redis: open %s: %s: cluster info: %w", u.Redacted(), addrOf(c), err)
	}
	so := c.Options()
	_ = c.Close()
	if so.DB != 0 {
		return nil, clusterDBError(u, so.Addr)
	}
	cc := goredis.NewClusterClient(clusterFromSingle(so))
	if err := cc.Ping(ctx).Err(); err != nil {
		_ = cc.Close()
		return nil, fmt.Errorf("redis: open %s: cluster seeded by %s: %w", u.Redacted(), so.Addr, err)
	}
	return cc, nil
}

// clusterDBError is the error of a redis:// URL with a database other
// than 0 on a cluster node.
func clusterDBError(u *url.URL, addr string) error {
	return fmt.Errorf("redis: open %s: %w: %s is a Redis Cluster node, and a cluster has only database 0: use %s://%s",
		u.Redacted(), store.ErrInvalidArgument, addr, strings.Replace(u.Scheme, "redis", "redis+cluster", 1), addr)
}

// clusterFromSingle carries the options of a single-server client over to
// a cluster client seeded with its address.
func clusterFromSingle(o *goredis.Options) *goredis.ClusterOptions {
	return &goredis.ClusterOptions{
		Addrs: []string{o.Addr}, ClientName: o.ClientName, Dialer: dialerOf(o), Protocol: o.Protocol,
		Username: o.Username, Password: o.Password, CredentialsProvider: o.CredentialsProvider,
		MaxRetries: o.MaxRetries, MinRetryBackoff: o.MinRetryBackoff, MaxRetryBackoff: o.MaxRetryBackoff,
		DialTimeout: o.DialTimeout, ReadTimeout: o.ReadTimeout, WriteTimeout: o.WriteTimeout,
		ContextTimeoutEnabled: o.ContextTimeoutEnabled, PoolFIFO: o.PoolFIFO, PoolSize: o.PoolSize,
		PoolTimeout: o.PoolTimeout, MinIdleConns: o.MinIdleConns, MaxIdleConns: o.MaxIdleConns,
		MaxActiveConns: o.MaxActiveConns, ConnMaxIdleTime: o.ConnMaxIdleTime, ConnMaxLifetime: o.ConnMaxLifetime,
		TLSConfig: o.TLSConfig, DisableIdentity: o.DisableIdentity,
		ClusterStateReloadInterval: DefaultClusterStateReloadInterval,
	}
}

// dialerOf keeps a TLS URL's dialer; go-redis' default dialer (set on
// every client it makes) is left for the cluster client to make again.
func dialerOf(o *goredis.Options) func(context.Context, string, string) (net.Conn, error) {
	if o.TLSConfig == nil {
		return nil
	}
	return o.Dialer
}
