package valkey

import (
	"net"
	"sync"
	"time"
)

// closeGrace is how long Close lets valkey-go close its connections
// politely before it closes the sockets under it.
const closeGrace = 100 * time.Millisecond

// connSet tracks the connections the dialer of a client Open made, so
// that Close can end them when the server is silent: valkey-go's Close
// waits up to 1 s per connection for a PING reply that a partitioned
// server never sends (10 s with 10 connections open).
type connSet struct {
	mu    sync.Mutex
	conns map[*trackedConn]struct{}
}

func (s *connSet) add(c net.Conn) net.Conn {
	t := &trackedConn{Conn: c, set: s}
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
	set  *connSet
	once sync.Once
}

func (c *trackedConn) Close() error {
	c.once.Do(func() {
		c.set.mu.Lock()
		delete(c.set.conns, c)
		c.set.mu.Unlock()
	})
	return c.Conn.Close()
}
