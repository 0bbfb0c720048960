// Package cftest is a stand-in for the CloudFront API's CreateInvalidation,
// for tests: it records every invalidation asked for and answers as
// CloudFront does. No request ever reaches AWS.
package cftest

import (
	"encoding/xml"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

// Invalidation is one CreateInvalidation request as received.
type Invalidation struct {
	Distribution    string
	Paths           []string
	CallerReference string
	// Signed reports an AWS Signature V4 Authorization header.
	Signed bool
}

// Server records invalidations.
type Server struct {
	*httptest.Server
	mu   sync.Mutex
	reqs []Invalidation
}

type batch struct {
	Paths struct {
		Quantity int      `xml:"Quantity"`
		Items    []string `xml:"Items>Path"`
	} `xml:"Paths"`
	CallerReference string `xml:"CallerReference"`
}

// NewServer starts a stand-in closed when the test ends.
func NewServer(t testing.TB) *Server {
	s := &Server{}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// POST /2020-05-31/distribution/{Id}/invalidation
		parts := strings.Split(strings.Trim(r.URL.Path, "/"), "/")
		if r.Method != http.MethodPost || len(parts) != 4 || parts[1] != "distribution" || parts[3] != "invalidation" {
			http.Error(w, "unexpected request "+r.Method+" "+r.URL.Path, http.StatusNotFound)
			return
		}
		body, _ := io.ReadAll(r.Body)
		var b batch
		if err := xml.Unmarshal(body, &b); err != nil || b.Paths.Quantity != len(b.Paths.Items) {
			http.Error(w, fmt.Sprintf("bad batch %q: %v", body, err), http.StatusBadRequest)
			return
		}
		s.mu.Lock()
		s.reqs = append(s.reqs, Invalidation{
			Distribution: parts[2], Paths: b.Paths.Items, CallerReference: b.CallerReference,
			Signed: strings.HasPrefix(r.Header.Get("Authorization"), "AWS4-HMAC-SHA256 "),
		})
		n := len(s.reqs)
		s.mu.Unlock()
		id := fmt.Sprintf("I%dEXAMPLE", n)
		w.Header().Set("Content-Type", "text/xml")
		w.Header().Set("Location", "https://cloudfront.amazonaws.com/2020-05-31/distribution/"+parts[2]+"/invalidation/"+id)
		w.WriteHeader(http.StatusCreated)
		fmt.Fprintf(w, `<?xml version="1.0"?>
<Invalidation xmlns="http://cloudfront.amazonaws.com/doc/2020-05-31/"><Id>%s</Id><Status>InProgress</Status><CreateTime>2026-11-28T12:00:00Z</CreateTime>%s</Invalidation>`,
			id, strings.TrimPrefix(string(body), `<?xml version="1.0" encoding="UTF-8"?>`))
	}))
	t.Cleanup(s.Close)
	return s
}

// Invalidations returns what the server received so far.
func (s *Server) Invalidations() []Invalidation {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Invalidation(nil), s.reqs...)
}

// Env points the AWS SDK's standard chain, for the rest of the test, at
// this server with fixed test credentials, and away from the machine's own
// AWS files and instance metadata.
func (s *Server) Env(t testing.TB) {
	dir := t.TempDir()
	for k, v := range map[string]string{
		"AWS_ENDPOINT_URL_CLOUDFRONT": s.URL,
		"AWS_ACCESS_KEY_ID":           "AKIDTESTONLY",
		"AWS_SECRET_ACCESS_KEY":       "test-secret-never-printed",
		"AWS_SESSION_TOKEN":           "",
		"AWS_PROFILE":                 "",
		"AWS_CONFIG_FILE":             filepath.Join(dir, "config"),
		"AWS_SHARED_CREDENTIALS_FILE": filepath.Join(dir, "credentials"),
		"AWS_EC2_METADATA_DISABLED":   "true",
	} {
		t.Setenv(k, v)
	}
}
