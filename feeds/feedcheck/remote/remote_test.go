package remote

import (
	"bytes"
	"compress/gzip"
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func TestFetchGzipAndCap(t *testing.T) {
	body := "<rss version=\"2.0\"><channel><title>x</title></channel></rss>"
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("User-Agent") != "tester" {
			http.Error(w, "no agent", http.StatusForbidden)
			return
		}
		if r.URL.Path == "/big" {
			_, _ = w.Write([]byte(strings.Repeat("x", 2000)))
			return
		}
		var buf bytes.Buffer
		zw := gzip.NewWriter(&buf)
		_, _ = zw.Write([]byte(body))
		_ = zw.Close()
		w.Header().Set("Content-Encoding", "gzip")
		_, _ = w.Write(buf.Bytes())
	}))
	defer srv.Close()
	opt := Options{Client: srv.Client(), UserAgent: "tester", MaxBytes: 1000}
	f, err := Fetch(context.Background(), srv.URL+"/feed", opt)
	if err != nil || string(f.Body) != body {
		t.Fatalf("gzip feed: %v %q", err, f.Body)
	}
	if _, err := Fetch(context.Background(), srv.URL+"/big", opt); err == nil || !strings.Contains(err.Error(), "over 1000 bytes") {
		t.Errorf("size cap: %v", err)
	}
	opt.UserAgent = ""
	if _, err := Fetch(context.Background(), srv.URL+"/feed", opt); err == nil || !strings.Contains(err.Error(), "403") {
		t.Errorf("status: %v", err)
	}
}
