package s3test

import (
	"io"
	"net"
	"net/url"
	"sync"
	"testing"
)

// FaultProxy is a loopback TCP proxy in front of a server, for tests of
// what happens when the network fails: it can drop every connection, refuse
// new ones, swallow them, or freeze, and then forward again.
type FaultProxy struct {
	Addr   string // 127.0.0.1:PORT
	target string

	mu    sync.Mutex
	l     net.Listener // nil while refusing
	mode  proxyMode
	conns map[net.Conn]struct{}
	thaw  chan struct{} // non-nil while frozen; closed by Thaw
	wg    sync.WaitGroup
	// held receives each connection the blackhole has started to read, so
	// a test can act once a request is in flight instead of sleeping.
	held chan struct{}
}

type proxyMode int

const (
	forward   proxyMode = iota
	blackhole           // accept, read and never answer
)

// NewFaultProxy starts a proxy that forwards to target (host:port, or a
// URL such as Server.Endpoint) and stops it when the test ends.
func NewFaultProxy(t testing.TB, target string) *FaultProxy {
	t.Helper()
	if u, err := url.Parse(target); err == nil && u.Host != "" {
		target = u.Host
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &FaultProxy{Addr: l.Addr().String(), target: target, l: l, conns: map[net.Conn]struct{}{}, held: make(chan struct{}, 64)}
	p.wg.Add(1)
	go p.accept(l)
	t.Cleanup(p.close)
	return p
}

// Held delivers a value each time the blackhole holds a request that has
// started to arrive.
func (p *FaultProxy) Held() <-chan struct{} { return p.held }

// Endpoint is the proxy's URL, to use in place of the server's.
func (p *FaultProxy) Endpoint() string { return "http://" + p.Addr }

func (p *FaultProxy) accept(l net.Listener) {
	defer p.wg.Done()
	for {
		c, err := l.Accept()
		if err != nil {
			return
		}
		p.mu.Lock()
		p.conns[c] = struct{}{}
		mode := p.mode
		p.mu.Unlock()
		p.wg.Add(1)
		go p.serve(c, mode)
	}
}

func (p *FaultProxy) serve(c net.Conn, mode proxyMode) {
	defer p.wg.Done()
	defer p.forget(c)
	if mode == blackhole {
		// Tell Held once the client has sent something: its request is
		// under way and will never be answered.
		var first [1]byte
		if _, err := io.ReadFull(c, first[:]); err == nil {
			select {
			case p.held <- struct{}{}:
			default:
			}
			io.Copy(io.Discard, c)
		}
		return
	}
	// A connection made while frozen waits, unread, as the kernel keeps
	// one for a stopped process.
	p.waitThawed()
	up, err := net.Dial("tcp", p.target)
	if err != nil {
		return
	}
	p.mu.Lock()
	p.conns[up] = struct{}{}
	p.mu.Unlock()
	defer p.forget(up)
	done := make(chan struct{}, 2)
	go func() { p.copy(up, c); done <- struct{}{} }()
	go func() { p.copy(c, up); done <- struct{}{} }()
	<-done // either side closing ends both
}

// copy forwards src to dst like io.Copy, holding each chunk while the
// proxy is frozen.
func (p *FaultProxy) copy(dst io.Writer, src io.Reader) {
	buf := make([]byte, 32<<10)
	for {
		n, err := src.Read(buf)
		if n > 0 {
			p.waitThawed()
			if _, werr := dst.Write(buf[:n]); werr != nil {
				return
			}
		}
		if err != nil {
			return
		}
	}
}

// waitThawed returns at once unless the proxy is frozen, else when it is
// thawed.
func (p *FaultProxy) waitThawed() {
	p.mu.Lock()
	thaw := p.thaw
	p.mu.Unlock()
	if thaw != nil {
		<-thaw
	}
}

// Freeze stops forwarding in both directions while keeping every
// connection open and accepting new ones, as a server stopped with SIGSTOP
// does: clients see no error, only silence. Thaw resumes.
func (p *FaultProxy) Freeze() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.thaw == nil {
		p.thaw = make(chan struct{})
	}
}

// Thaw resumes forwarding after Freeze.
func (p *FaultProxy) Thaw() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.thaw != nil {
		close(p.thaw)
		p.thaw = nil
	}
}

func (p *FaultProxy) forget(c net.Conn) {
	c.Close()
	p.mu.Lock()
	delete(p.conns, c)
	p.mu.Unlock()
}

// DropAll closes every open connection now, in the middle of whatever
// request it carries. New connections are still handled.
func (p *FaultProxy) DropAll() {
	p.mu.Lock()
	defer p.mu.Unlock()
	for c := range p.conns {
		c.Close()
	}
}

// Refuse closes the listening socket, so new connections are refused
// (ECONNREFUSED), and drops the open ones.
func (p *FaultProxy) Refuse() {
	p.mu.Lock()
	l := p.l
	p.l = nil
	p.mu.Unlock()
	if l != nil {
		l.Close()
	}
	p.DropAll()
}

// Blackhole accepts new connections but never answers on them, as a
// server that hangs would. Open connections are dropped.
func (p *FaultProxy) Blackhole(t testing.TB) {
	t.Helper()
	p.setMode(t, blackhole)
	p.DropAll()
}

// Forward makes the proxy forward new connections again after Refuse or
// Blackhole.
func (p *FaultProxy) Forward(t testing.TB) {
	t.Helper()
	p.setMode(t, forward)
}

func (p *FaultProxy) setMode(t testing.TB, m proxyMode) {
	t.Helper()
	p.mu.Lock()
	defer p.mu.Unlock()
	p.mode = m
	if p.l != nil {
		return
	}
	l, err := net.Listen("tcp", p.Addr) // listen again on the same port
	if err != nil {
		t.Fatalf("s3test: proxy: listen again on %s: %v", p.Addr, err)
	}
	p.l = l
	p.wg.Add(1)
	go p.accept(l)
}

func (p *FaultProxy) close() {
	p.Thaw()
	p.Refuse()
	p.wg.Wait()
}
