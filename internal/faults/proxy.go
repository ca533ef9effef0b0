package faults

import (
	"net"
	"sync"
	"testing"
)

// Mode is what a Proxy does with the traffic between its clients and
// its target.
type Mode int

// The modes of a Proxy.
const (
	// Pass forwards bytes both ways as they come.
	Pass Mode = iota
	// Blackhole accepts connections and holds them open but forwards
	// nothing, either way, as a network partition does: bytes sent
	// meanwhile wait (as TCP retransmits them) and are delivered, in
	// order, once the proxy passes again. Clients see only timeouts.
	Blackhole
	// Reset closes every open connection with a TCP RST and refuses new
	// ones (nothing listens on the address), as a server that died does.
	Reset
)

// String returns the mode's name.
func (m Mode) String() string {
	switch m {
	case Pass:
		return "pass"
	case Blackhole:
		return "blackhole"
	case Reset:
		return "reset"
	}
	return "unknown"
}

// Proxy is a TCP proxy between a backend and a real server, for fault
// tests: point the client at Addr, then switch modes. Its goroutines end
// when the test ends (or at Close), with every connection closed.
type Proxy struct {
	t      testing.TB
	addr   string
	target string

	mu      sync.Mutex
	ln      net.Listener // nil in Reset mode
	mode    Mode
	changed chan struct{} // closed and replaced on every change of mode
	conns   map[net.Conn]bool
	closed  bool
	wg      sync.WaitGroup
}

// NewProxy starts a proxy in Pass mode on a free loopback port that
// forwards to target ("host:port") and closes it when the test ends.
func NewProxy(t testing.TB, target string) *Proxy {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("faults: proxy listen: %v", err)
	}
	p := &Proxy{t: t, addr: ln.Addr().String(), target: target, ln: ln,
		changed: make(chan struct{}), conns: map[net.Conn]bool{}}
	p.serve(ln)
	t.Cleanup(p.Close)
	return p
}

// Addr returns the proxy's "127.0.0.1:port", the address clients dial.
func (p *Proxy) Addr() string { return p.addr }

// Mode returns the current mode.
func (p *Proxy) Mode() Mode {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.mode
}

// Pass forwards traffic again, delivering what Blackhole held, and
// listens again after Reset.
func (p *Proxy) Pass() { p.set(Pass) }

// Blackhole holds every connection, open and new, without forwarding.
func (p *Proxy) Blackhole() { p.set(Blackhole) }

// Reset closes every connection with an RST and refuses new ones until
// Pass or Blackhole.
func (p *Proxy) Reset() { p.set(Reset) }

// set switches to mode m.
func (p *Proxy) set(m Mode) {
	p.t.Helper()
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closed || p.mode == m {
		return
	}
	p.mode = m
	close(p.changed)
	p.changed = make(chan struct{})
	if m == Reset {
		_ = p.ln.Close()
		p.ln = nil
		for c := range p.conns { // first every linger, so that no pipe closes a conn with a FIN meanwhile
			if tcp, ok := c.(*net.TCPConn); ok {
				_ = tcp.SetLinger(0)
			}
		}
		for c := range p.conns {
			_ = c.Close()
		}
		return
	}
	if p.ln == nil {
		ln, err := net.Listen("tcp", p.addr)
		if err != nil {
			p.t.Fatalf("faults: proxy listen again on %s: %v", p.addr, err)
		}
		p.ln = ln
		p.serve(ln)
	}
}

// Close stops the proxy: it closes the listener and every connection and
// waits for its goroutines. It may be called more than once.
func (p *Proxy) Close() {
	p.mu.Lock()
	if !p.closed {
		p.closed = true
		close(p.changed)
		if p.ln != nil {
			_ = p.ln.Close()
		}
		for c := range p.conns {
			_ = c.Close()
		}
	}
	p.mu.Unlock()
	p.wg.Wait()
}

// serve accepts connections on ln until it is closed. The caller holds
// p.mu or owns p exclusively.
func (p *Proxy) serve(ln net.Listener) {
	p.wg.Add(1)
	go func() {
		defer p.wg.Done()
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			p.wg.Add(1)
			go p.handle(c)
		}
	}()
}

// handle connects client c to the target and forwards between them.
func (p *Proxy) handle(c net.Conn) {
	defer p.wg.Done()
	s, err := net.Dial("tcp", p.target)
	if err != nil {
		reset(c)
		return
	}
	if !p.track(c, s) {
		reset(c)
		reset(s)
		return
	}
	var wg sync.WaitGroup
	wg.Go(func() { p.pipe(s, c) })
	wg.Go(func() { p.pipe(c, s) })
	wg.Wait()
	p.untrack(c, s)
}

// track registers a connection pair, unless the proxy is closed or
// resetting.
func (p *Proxy) track(c, s net.Conn) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closed || p.mode == Reset {
		return false
	}
	p.conns[c], p.conns[s] = true, true
	return true
}

func (p *Proxy) untrack(c, s net.Conn) {
	p.mu.Lock()
	delete(p.conns, c)
	delete(p.conns, s)
	p.mu.Unlock()
}

// pipe copies src to dst while the proxy passes, holding the bytes while
// it blackholes, and closes both when either side ends.
func (p *Proxy) pipe(dst, src net.Conn) {
	defer dst.Close()
	defer src.Close()
	buf := make([]byte, 32<<10)
	for {
		if !p.flowing() {
			return
		}
		n, err := src.Read(buf)
		if n > 0 {
			if !p.flowing() {
				return
			}
			if _, werr := dst.Write(buf[:n]); werr != nil {
				return
			}
		}
		if err != nil {
			return
		}
	}
}

// flowing waits until the proxy passes and reports true, or reports false
// once it is closed or resetting.
func (p *Proxy) flowing() bool {
	for {
		p.mu.Lock()
		m, closed, ch := p.mode, p.closed, p.changed
		p.mu.Unlock()
		switch {
		case closed || m == Reset:
			return false
		case m == Pass:
			return true
		}
		<-ch
	}
}

// reset closes c with an RST instead of a FIN.
func reset(c net.Conn) {
	if tcp, ok := c.(*net.TCPConn); ok {
		_ = tcp.SetLinger(0)
	}
	_ = c.Close()
}
