// Package tlscheck names a TLS/plaintext mismatch in the connection errors
// of the Redis-protocol backends: a TLS URL against a plaintext port (the
// handshake gets no TLS answer) and a plaintext URL against a TLS port
// (the server closes the connection; a TLS handshake would succeed).
package tlscheck

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"syscall"
	"time"
)

// ErrNotTLS is wrapped by the error of a TLS handshake that the server
// did not answer as TLS, as a plaintext port does. Both backends export
// it (redis.ErrNotTLS, valkey.ErrNotTLS are this value).
var ErrNotTLS = errors.New("the server did not answer TLS (likely a plaintext port)")

// ProbeTimeout bounds the handshake Answers tries.
const ProbeTimeout = time.Second

// HandshakeError names a handshake the server did not answer as TLS: it
// sent bytes that are no TLS record (a plaintext reply), closed the
// connection, or stayed silent until the deadline (a plaintext server
// waiting for the end of a command). It suggests plainURL, the URL form
// for a plaintext port. A connection that was never made, or a
// certificate error, is returned as it is.
func HandshakeError(addr, plainURL string, err error) error {
	var header tls.RecordHeaderError
	var opErr *net.OpError
	switch {
	case errors.As(err, &header):
	case errors.As(err, &opErr) && opErr.Op == "dial":
		return err // no TCP connection: nothing was said about TLS
	case errors.Is(err, io.EOF), errors.Is(err, syscall.ECONNRESET), errors.Is(err, context.DeadlineExceeded), isTimeout(err):
	default:
		return err
	}
	return fmt.Errorf("TLS handshake with %s: %w: use %s for a plaintext port (%w)", addr, ErrNotTLS, plainURL, err)
}

// MayBeTLSPort reports whether err, the failure of a plaintext connection
// that was made, is how a TLS port treats a plaintext client: it closes
// the connection or answers bytes that are no reply.
func MayBeTLSPort(err error) bool {
	var opErr *net.OpError
	if errors.As(err, &opErr) && opErr.Op == "dial" {
		return false
	}
	return !errors.Is(err, context.Canceled) && !errors.Is(err, context.DeadlineExceeded) && !isTimeout(err)
}

// Answers reports whether addr completes a TLS handshake within
// ProbeTimeout (certificates are not checked: the probe only names the
// mismatch, and sends no data).
func Answers(ctx context.Context, addr string) bool {
	ctx, cancel := context.WithTimeout(ctx, ProbeTimeout)
	defer cancel()
	d := tls.Dialer{Config: &tls.Config{InsecureSkipVerify: true, MinVersion: tls.VersionTLS12}} // #nosec G402 -- probe only
	conn, err := d.DialContext(ctx, "tcp", addr)
	if err != nil {
		return false
	}
	_ = conn.Close()
	return true
}

// Dial opens a TLS connection to addr with cfg through nd (nil: a
// default net.Dialer), the connection and handshake bounded by ctx and by
// nd.Timeout, and names a server that does not answer TLS (see
// HandshakeError).
func Dial(ctx context.Context, nd *net.Dialer, network, addr string, cfg *tls.Config, plainURL string) (net.Conn, error) {
	if nd == nil {
		nd = &net.Dialer{KeepAlive: 30 * time.Second}
	}
	d := tls.Dialer{NetDialer: nd, Config: cfg}
	conn, err := d.DialContext(ctx, network, addr)
	if err != nil {
		return nil, HandshakeError(addr, plainURL, err)
	}
	return conn, nil
}

func isTimeout(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}
