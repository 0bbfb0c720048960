// Package notifytest gives tests a stand-in for the endpoints feedpub
// notifies (a WebSub hub, the Podcast Index, a podping gateway, a webhook,
// a CDN purge URL): an HTTP server that records every request.
package notifytest

import (
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sync"
	"testing"
)

// Request is one request as the stand-in received it.
type Request struct {
	Method, Path string
	Query        url.Values
	Header       http.Header
	Body         string
}

// Endpoint records every request and answers with the next of its
// statuses (the last repeats; 204 when none is given).
type Endpoint struct {
	*httptest.Server
	mu       sync.Mutex
	reqs     []Request
	n        int // requests answered, for the statuses
	statuses []int
}

// New starts an Endpoint and closes it when the test ends.
func New(t testing.TB, statuses ...int) *Endpoint {
	e := &Endpoint{statuses: append([]int{}, statuses...)}
	if len(e.statuses) == 0 {
		e.statuses = []int{http.StatusNoContent}
	}
	e.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		e.mu.Lock()
		e.reqs = append(e.reqs, Request{r.Method, r.URL.Path, r.URL.Query(), r.Header.Clone(), string(body)})
		st := e.statuses[min(e.n, len(e.statuses)-1)]
		e.n++
		e.mu.Unlock()
		w.WriteHeader(st)
	}))
	t.Cleanup(e.Close)
	return e
}

// Got returns every request received so far.
func (e *Endpoint) Got() []Request {
	e.mu.Lock()
	defer e.mu.Unlock()
	return append([]Request(nil), e.reqs...)
}

// Take returns the requests received since the last Take and forgets them.
func (e *Endpoint) Take() []Request {
	e.mu.Lock()
	defer e.mu.Unlock()
	r := e.reqs
	e.reqs = nil
	return r
}
