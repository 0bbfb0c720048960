package remote

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"testing"

	"github.com/feedpub/feedpub/config/safehttp"
	"github.com/feedpub/feedpub/feeds/feedcheck"
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

// A feed on the internet must not lead check, by a redirect, into this
// machine's network (a cloud's metadata service): the client's rule holds
// through check's own redirect bookkeeping. 127.0.0.1 stands for the
// internet here, 127.0.0.2 for the private network.
func TestRedirectIntoPrivateNetworkRefused(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.2:0")
	if err != nil {
		t.Skipf("no 127.0.0.2: %v", err)
	}
	private := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = w.Write([]byte("<rss/>"))
	}))
	private.Listener.Close()
	private.Listener = l
	private.Start()
	defer private.Close()
	public := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, private.URL+"/latest/meta-data/", http.StatusFound)
	}))
	defer public.Close()
	client := safehttp.NewClient(safehttp.Options{Public: func(a netip.Addr) bool { return a == netip.MustParseAddr("127.0.0.1") }})
	_, err = Fetch(context.Background(), public.URL+"/feed.xml", Options{Client: client})
	if !errors.Is(err, safehttp.ErrNonPublic) {
		t.Errorf("Fetch followed a redirect into a private address: %v", err)
	}
	ps := CheckEnclosures(context.Background(), "feed.xml", []feedcheck.Enclosure{{Where: "item 1", URL: public.URL + "/ep.mp3", Type: "audio/mpeg", Length: 5}}, Options{Client: client})
	if len(ps) == 0 || !strings.Contains(ps[0].Msg, "non-public") {
		t.Errorf("enclosure check followed a redirect into a private address: %v", ps)
	}
}
