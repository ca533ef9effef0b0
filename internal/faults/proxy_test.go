package faults_test

import (
	"bufio"
	"errors"
	"net"
	"os"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/mimeiapify/store/internal/faults"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// echoServer starts a line echo server that stops when the test ends.
func echoServer(t *testing.T) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	var wg sync.WaitGroup
	var mu sync.Mutex
	var conns []net.Conn
	wg.Go(func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			conns = append(conns, c)
			mu.Unlock()
			wg.Go(func() {
				r := bufio.NewReader(c)
				for {
					line, err := r.ReadString('\n')
					if err != nil {
						return
					}
					if _, err := c.Write([]byte(line)); err != nil {
						return
					}
				}
			})
		}
	})
	t.Cleanup(func() {
		_ = ln.Close()
		mu.Lock()
		for _, c := range conns {
			_ = c.Close()
		}
		mu.Unlock()
		wg.Wait()
	})
	return ln.Addr().String()
}

// client is one connection through the proxy.
type client struct {
	t *testing.T
	c net.Conn
	r *bufio.Reader
}

func dial(t *testing.T, addr string) *client {
	c, err := net.Dial("tcp", addr)
	require.NoError(t, err)
	t.Cleanup(func() { _ = c.Close() })
	return &client{t: t, c: c, r: bufio.NewReader(c)}
}

// echo sends line and reads the answer within d.
func (c *client) echo(line string, d time.Duration) (string, error) {
	if _, err := c.c.Write([]byte(line + "\n")); err != nil {
		return "", err
	}
	return c.read(d)
}

func (c *client) read(d time.Duration) (string, error) {
	_ = c.c.SetReadDeadline(time.Now().Add(d))
	s, err := c.r.ReadString('\n')
	if err != nil {
		return "", err
	}
	return s[:len(s)-1], nil
}

func TestProxyPass(t *testing.T) {
	p := faults.NewProxy(t, echoServer(t))
	c := dial(t, p.Addr())
	got, err := c.echo("hello", 5*time.Second)
	require.NoError(t, err)
	require.Equal(t, "hello", got)
	require.Equal(t, faults.Pass, p.Mode())
}

func TestProxyBlackholeHoldsThenDelivers(t *testing.T) {
	p := faults.NewProxy(t, echoServer(t))
	c := dial(t, p.Addr())
	_, err := c.echo("before", 5*time.Second)
	require.NoError(t, err)
	p.Blackhole()
	_, err = c.echo("held", 100*time.Millisecond)
	require.ErrorIs(t, err, os.ErrDeadlineExceeded, "an open connection gets no answer")
	fresh := dial(t, p.Addr()) // a new connection is accepted...
	_, err = fresh.echo("new", 100*time.Millisecond)
	require.ErrorIs(t, err, os.ErrDeadlineExceeded, "...and held too")
	p.Pass()
	got, err := c.read(5 * time.Second)
	require.NoError(t, err)
	require.Equal(t, "held", got, "bytes held during the blackhole arrive once it passes")
	got, err = fresh.read(5 * time.Second)
	require.NoError(t, err)
	require.Equal(t, "new", got)
}

func TestProxyResetThenPass(t *testing.T) {
	p := faults.NewProxy(t, echoServer(t))
	c := dial(t, p.Addr())
	_, err := c.echo("before", 5*time.Second)
	require.NoError(t, err)
	p.Reset()
	_, err = c.read(5 * time.Second)
	require.ErrorIs(t, err, syscall.ECONNRESET, "open connections are reset")
	_, err = net.DialTimeout("tcp", p.Addr(), time.Second)
	require.ErrorIs(t, err, syscall.ECONNREFUSED, "new connections are refused")
	p.Pass()
	got, err := dial(t, p.Addr()).echo("after", 5*time.Second)
	require.NoError(t, err)
	require.Equal(t, "after", got)
}

func TestProxyCloseEndsEverything(t *testing.T) {
	p := faults.NewProxy(t, echoServer(t))
	c := dial(t, p.Addr())
	p.Blackhole()
	p.Close()
	_, err := c.read(5 * time.Second)
	require.Error(t, err)
	require.False(t, errors.Is(err, os.ErrDeadlineExceeded), "Close closes held connections")
}
