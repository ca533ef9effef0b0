package valkey

import (
	"bufio"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"net/url"
	"strings"
	"sync/atomic"
	"time"

	"github.com/valkey-io/valkey-go"

	"github.com/mimeiapify/store"
	"github.com/mimeiapify/store/internal/tlscheck"
)

// ErrNotTLS is wrapped by a connection error when a valkeys:// URL
// reached a server that did not answer the TLS handshake, as a plaintext
// port does. It is the same value as redis.ErrNotTLS.
var ErrNotTLS = tlscheck.ErrNotTLS

// open is the store.Opener of both schemes: a new client that the backend
// owns and closes. It returns a literal nil Backend on failure.
func open(ctx context.Context, u *url.URL) (store.Backend, error) {
	b, err := openURL(ctx, u)
	if err != nil {
		return nil, err
	}
	return b, nil
}

// openURL checks, within ctx, that the first address answers (over TLS
// for valkeys://), then makes the client: valkey-go dials in NewClient,
// which takes no context, and a NewClient that fails leaves background
// refresh goroutines running for a while, so the common failures (server
// down, silent, TLS mismatch) are found before it.
func openURL(ctx context.Context, u *url.URL) (*Backend, error) {
	opt, opts, err := ParseURL(u.String())
	if err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("valkey: open %s: %w", u.Redacted(), err)
	}
	d := &dialer{plain: strings.Replace(u.Scheme, SchemeTLS, Scheme, 1) + "://"}
	opt.DialCtxFn = d.dial
	if err := d.check(ctx, opt); err != nil {
		return nil, fmt.Errorf("valkey: open %s: connect to %s: %w", u.Redacted(), opt.InitAddress[0], err)
	}
	d.opening.Store(&ctx)
	client, err := valkey.NewClient(opt)
	d.opening.Store(nil)
	if errors.Is(err, valkey.ErrNoCache) {
		return nil, fmt.Errorf("valkey: open %s: %w: client_cache needs a server with client-side caching (CLIENT TRACKING over RESP3: Redis 6 or later, Valkey); %s refused it: %w", u.Redacted(), store.ErrUnsupported, strings.Join(opt.InitAddress, ","), err)
	}
	if err != nil {
		return nil, fmt.Errorf("valkey: open %s: connect to %s: %w", u.Redacted(), strings.Join(opt.InitAddress, ","), err)
	}
	return newBackend(client, opts, &d.conns), nil
}

// dialer is the client's DialCtxFn: valkey-go's own dial, bounded also by
// the context of an Open in progress, and over TLS naming a server that
// does not answer TLS (ErrNotTLS).
type dialer struct {
	conns   connSet
	plain   string
	opening atomic.Pointer[context.Context]
}

func (d *dialer) dial(ctx context.Context, dst string, nd *net.Dialer, cfg *tls.Config) (net.Conn, error) {
	handshake := ctx // valkey-go's: the connection's handshake runs within it
	if opening := d.opening.Load(); opening != nil {
		if dl, ok := (*opening).Deadline(); ok {
			var cancel context.CancelFunc
			ctx, cancel = context.WithDeadline(ctx, dl)
			defer cancel()
		}
	}
	var conn net.Conn
	var err error
	if cfg == nil {
		conn, err = nd.DialContext(ctx, "tcp", dst)
	} else {
		conn, err = tlscheck.Dial(ctx, nd, "tcp", dst, cfg, d.plain)
	}
	if err != nil {
		return nil, err
	}
	return d.conns.add(handshake, conn), nil
}

// check connects to the first address as the client will, sends PING and
// reads the first byte of the answer, all within ctx. A plaintext
// connection that gets no RESP answer, from a server that completes a TLS
// handshake, is named as a TLS port.
func (d *dialer) check(ctx context.Context, opt valkey.ClientOption) error {
	if len(opt.InitAddress) == 0 {
		return nil
	}
	addr := opt.InitAddress[0]
	nd := opt.Dialer
	if nd.Timeout == 0 {
		nd.Timeout = valkey.DefaultDialTimeout
	}
	conn, err := d.dial(ctx, addr, &nd, opt.TLSConfig)
	if err != nil {
		return err
	}
	defer conn.Close()
	if dl, ok := ctx.Deadline(); ok {
		_ = conn.SetDeadline(dl)
	} else {
		_ = conn.SetDeadline(time.Now().Add(nd.Timeout))
	}
	stop := context.AfterFunc(ctx, func() { _ = conn.SetDeadline(time.Now()) })
	defer stop()
	if _, err = conn.Write([]byte("*1\r\n$4\r\nPING\r\n")); err == nil {
		var first byte
		if first, err = bufio.NewReader(conn).ReadByte(); err == nil && strings.IndexByte("+-$*:_#,(%~>=!|", first) >= 0 {
			return nil
		} else if err == nil {
			err = fmt.Errorf("answered %q, which is not RESP", first)
		}
	}
	if opt.TLSConfig == nil && tlscheck.MayBeTLSPort(err) && tlscheck.Answers(ctx, addr) {
		return fmt.Errorf("no answer to PING (%w): the server answered a TLS handshake: use %s:// for a TLS port", err, SchemeTLS)
	}
	if ctxErr := ctx.Err(); ctxErr != nil && !errors.Is(err, ctxErr) {
		return fmt.Errorf("no answer to PING: %w (%v)", ctxErr, err)
	}
	return fmt.Errorf("no answer to PING: %w", err)
}
