package valkey

import (
	"context"
	"net"
	"sync"
	"sync/atomic"
	"time"
)

// closeGrace is how long Close lets valkey-go close its connections
// politely before it closes the sockets under it.
const closeGrace = 100 * time.Millisecond

// connSet tracks the connections the dialer of a client Open made, so
// that Close can end them when the server is silent: valkey-go's Close
// waits up to 1 s per connection for a PING reply that a partitioned
// server never sends (10 s with 10 connections open).
//
// A connection whose dial context (valkey-go dials with the context of
// the call that needs the connection, and runs the handshake within it)
// ends before the server sent a byte is closed at once: valkey-go would
// otherwise close the failed pipe with its 1 s wait for a PING reply,
// while every other call waiting for that connection waits too, past its
// own deadline (1.0 s over a 20 ms deadline, measured).
type connSet struct {
	mu    sync.Mutex
	conns map[*trackedConn]struct{}
}

func (s *connSet) add(ctx context.Context, c net.Conn) net.Conn {
	t := &trackedConn{Conn: c, set: s}
	t.mu.Lock() // the func may run at once, and reads t.stop
	t.stop = context.AfterFunc(ctx, func() {
		if !t.answered.Load() {
			_ = t.Close()
		}
	})
	t.mu.Unlock()
	s.mu.Lock()
	if s.conns == nil {
		s.conns = make(map[*trackedConn]struct{})
	}
	s.conns[t] = struct{}{}
	s.mu.Unlock()
	return t
}

// closeAll closes every tracked connection: the client's reads and
// writes on them fail at once.
func (s *connSet) closeAll() {
	s.mu.Lock()
	list := make([]*trackedConn, 0, len(s.conns))
	for c := range s.conns {
		list = append(list, c)
	}
	s.mu.Unlock()
	for _, c := range list {
		_ = c.Close()
	}
}

// closeClient runs closeFn (the client's Close) and, if it has not
// returned after closeGrace, closes the sockets under it so that it
// returns promptly; it returns once closeFn has.
func (s *connSet) closeClient(closeFn func()) {
	done := make(chan struct{})
	go func() { defer close(done); closeFn() }()
	select {
	case <-done:
	case <-time.After(closeGrace):
		s.closeAll()
		<-done
	}
}

type trackedConn struct {
	net.Conn
	set      *connSet
	once     sync.Once
	mu       sync.Mutex
	stop     func() bool // stops the close at the end of the dial context; under mu
	answered atomic.Bool // the server sent a byte
}

func (c *trackedConn) Read(p []byte) (int, error) {
	n, err := c.Conn.Read(p)
	if n > 0 && !c.answered.Load() {
		c.answered.Store(true)
		c.stopAfter()
	}
	return n, err
}

func (c *trackedConn) Close() error {
	c.once.Do(func() {
		c.stopAfter()
		c.set.mu.Lock()
		delete(c.set.conns, c)
		c.set.mu.Unlock()
	})
	return c.Conn.Close()
}

func (c *trackedConn) stopAfter() {
	c.mu.Lock()
	stop := c.stop
	c.mu.Unlock()
	stop()
}
