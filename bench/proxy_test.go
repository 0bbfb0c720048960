package bench

import (
	"fmt"
	"net"
	"net/http"
	"net/http/httputil"
	"net/url"
	"sort"
	"strings"
	"sync"
	"testing"
)

// countingProxy is a reverse proxy in front of the S3 server that counts
// the requests it forwards, by kind, so every client (feedpub, s5cmd,
// rclone) is counted the same way at the server side. The Host header is
// passed through unchanged, so SigV4 signatures made for the proxy's
// address still verify at the server.
type countingProxy struct {
	Endpoint string // http://127.0.0.1:PORT

	mu     sync.Mutex
	counts map[string]int
}

func newCountingProxy(tb testing.TB, target string) *countingProxy {
	tb.Helper()
	u, err := url.Parse(target)
	if err != nil {
		tb.Fatal(err)
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	p := &countingProxy{Endpoint: "http://" + l.Addr().String(), counts: map[string]int{}}
	rp := httputil.NewSingleHostReverseProxy(u)
	rp.Transport = &http.Transport{
		Proxy:               nil,
		MaxIdleConns:        512,
		MaxIdleConnsPerHost: 512,
	}
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p.count(kind(r))
		rp.ServeHTTP(w, r)
	})}
	go srv.Serve(l)
	tb.Cleanup(func() { srv.Close() })
	return p
}

// kind names an S3 request: LIST, GET, HEAD, PUT, COPY, PART (upload
// part), MPU (create or complete a multipart upload), DELETE (one or a
// batch).
func kind(r *http.Request) string {
	q := r.URL.Query()
	key := strings.Count(strings.Trim(r.URL.Path, "/"), "/") > 0 // path style: /bucket/key
	switch r.Method {
	case http.MethodGet:
		if !key || q.Has("list-type") {
			return "LIST"
		}
		return "GET"
	case http.MethodPut:
		switch {
		case q.Has("partNumber"):
			return "PART"
		case r.Header.Get("X-Amz-Copy-Source") != "":
			return "COPY"
		}
		return "PUT"
	case http.MethodPost:
		if q.Has("delete") {
			return "DELETE"
		}
		return "MPU"
	}
	return r.Method
}

func (p *countingProxy) count(k string) {
	p.mu.Lock()
	p.counts[k]++
	p.mu.Unlock()
}

// take returns the counts since the last take and resets them.
func (p *countingProxy) take() requestCounts {
	p.mu.Lock()
	defer p.mu.Unlock()
	c := p.counts
	p.counts = map[string]int{}
	return c
}

type requestCounts map[string]int

func (c requestCounts) total() int {
	n := 0
	for _, v := range c {
		n += v
	}
	return n
}

// String is e.g. "1,005: 1,002 PUT, 2 GET, 1 LIST", biggest first.
func (c requestCounts) String() string {
	if c == nil {
		return "–"
	}
	ks := make([]string, 0, len(c))
	for k := range c {
		ks = append(ks, k)
	}
	sort.Slice(ks, func(i, j int) bool {
		if c[ks[i]] != c[ks[j]] {
			return c[ks[i]] > c[ks[j]]
		}
		return ks[i] < ks[j]
	})
	parts := make([]string, len(ks))
	for i, k := range ks {
		parts[i] = commas(c[k]) + " " + k
	}
	if len(parts) == 0 {
		return "0"
	}
	return fmt.Sprintf("%s: %s", commas(c.total()), strings.Join(parts, ", "))
}

// commas writes n with thousands separators.
func commas(n int) string {
	s := fmt.Sprint(n)
	if n < 0 {
		return "-" + commas(-n)
	}
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}
