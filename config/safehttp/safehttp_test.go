package safehttp

import (
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"net/url"
	"strings"
	"testing"
)

// serveOn starts a server on one loopback address, so a test can treat
// 127.0.0.1 as "the internet" and 127.0.0.2 as this machine's network.
func serveOn(t *testing.T, addr string, h http.Handler) *httptest.Server {
	t.Helper()
	l, err := net.Listen("tcp", addr+":0")
	if err != nil {
		t.Skipf("cannot listen on %s: %v", addr, err)
	}
	s := httptest.NewUnstartedServer(h)
	s.Listener.Close()
	s.Listener = l
	s.Start()
	t.Cleanup(s.Close)
	return s
}

func onlyOnePublic(a netip.Addr) bool { return a == netip.MustParseAddr("127.0.0.1") }

func TestRedirectIntoPrivateRefused(t *testing.T) {
	private := serveOn(t, "127.0.0.2", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, "secret")
	}))
	public := serveOn(t, "127.0.0.1", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/to-private":
			http.Redirect(w, r, private.URL+"/meta", http.StatusFound)
		case "/to-localhost":
			http.Redirect(w, r, strings.Replace(private.URL, "127.0.0.2", "localhost", 1), http.StatusFound)
		case "/to-public":
			http.Redirect(w, r, "/ok", http.StatusFound)
		default:
			io.WriteString(w, "ok")
		}
	}))
	c := NewClient(Options{Public: onlyOnePublic})
	for _, p := range []string{"/to-private", "/to-localhost"} {
		resp, err := c.Get(public.URL + p)
		if err == nil {
			resp.Body.Close()
			t.Fatalf("%s: followed a redirect from a public URL into a private address", p)
		}
		if !errors.Is(err, ErrNonPublic) {
			t.Errorf("%s: %v, want ErrNonPublic", p, err)
		}
	}
	resp, err := c.Get(public.URL + "/to-public")
	if err != nil {
		t.Fatalf("public to public: %v", err)
	}
	resp.Body.Close()

	// A URL given as private is the user's choice, and so are its hops.
	resp, err = c.Get(private.URL + "/x")
	if err != nil {
		t.Fatalf("private first URL: %v", err)
	}
	resp.Body.Close()
	resp, err = NewClient(Options{Public: onlyOnePublic, AllowPrivate: true}).Get(public.URL + "/to-private")
	if err != nil {
		t.Fatalf("AllowPrivate: %v", err)
	}
	resp.Body.Close()
}

func TestRedirectLoopsAndLimits(t *testing.T) {
	s := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch {
		case r.URL.Path == "/a":
			http.Redirect(w, r, "/b", http.StatusFound)
		case r.URL.Path == "/b":
			http.Redirect(w, r, "/a", http.StatusFound)
		case strings.HasPrefix(r.URL.Path, "/n"):
			http.Redirect(w, r, r.URL.Path+"x", http.StatusFound)
		case r.URL.Path == "/ftp":
			http.Redirect(w, r, "ftp://example.com/x", http.StatusFound)
		}
	}))
	defer s.Close()
	c := NewClient(Options{MaxRedirects: 5})
	for path, want := range map[string]error{"/a": ErrRedirectLoop, "/n": ErrRedirectLoop, "/ftp": ErrScheme} {
		resp, err := c.Get(s.URL + path)
		if err == nil {
			resp.Body.Close()
			t.Fatalf("%s: no error", path)
		}
		if !errors.Is(err, want) {
			t.Errorf("%s: %v, want %v", path, err, want)
		}
	}
}

func TestUserAgent(t *testing.T) {
	got := make(chan string, 1)
	s := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { got <- r.UserAgent() }))
	defer s.Close()
	resp, err := NewClient(Options{UserAgent: "feedpub/test"}).Get(s.URL)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if ua := <-got; ua != "feedpub/test" {
		t.Errorf("User-Agent %q", ua)
	}
}

func TestCheckURL(t *testing.T) {
	for raw, want := range map[string]string{
		"file:///etc/passwd":  `unsupported scheme "file"`,
		"ftp://example.com/x": `unsupported scheme "ftp"`,
		"feed.xml":            "want an absolute http or https URL",
		"https:///x":          "no host",
	} {
		_, err := CheckURL(raw)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("CheckURL(%q) = %v, want %q", raw, err, want)
		}
	}
	if _, err := CheckURL("https://example.com/feed.xml"); err != nil {
		t.Errorf("https URL: %v", err)
	}
	for s, want := range map[string]bool{"https://x/y": true, "ftp://x": true, "C://x": false, "feed.xml": false, "a/b://c": false} {
		if LooksLikeURL(s) != want {
			t.Errorf("LooksLikeURL(%q) = %v", s, !want)
		}
	}
}

func TestIsPublic(t *testing.T) {
	for s, want := range map[string]bool{
		"8.8.8.8": true, "2606:4700::1111": true,
		"127.0.0.1": false, "::1": false, "10.1.2.3": false, "192.168.0.1": false, "172.16.0.1": false,
		"169.254.169.254": false, "fe80::1": false, "fd00::1": false, "100.64.0.1": false,
		"0.0.0.0": false, "::ffff:10.0.0.1": false, "224.0.0.1": false,
	} {
		if got := IsPublic(netip.MustParseAddr(s)); got != want {
			t.Errorf("IsPublic(%s) = %v, want %v", s, got, want)
		}
	}
}

func TestReadAll(t *testing.T) {
	if b, err := ReadAll(strings.NewReader("12345"), 5); err != nil || string(b) != "12345" {
		t.Errorf("at the cap: %q, %v", b, err)
	}
	if _, err := ReadAll(strings.NewReader("123456"), 5); !errors.Is(err, ErrTooLarge) {
		t.Errorf("over the cap: %v", err)
	}
}

func TestRedact(t *testing.T) {
	u, _ := CheckURL("https://user:pw@example.com/purge?token=s3cret#x")
	if got := Redact(u); got != "https://example.com/purge" {
		t.Errorf("Redact = %q", got)
	}
}

func TestHostProblem(t *testing.T) {
	for _, c := range []struct{ raw, want string }{
		{"https://media.example.com/", ""},
		{"https://media.example.com./", ""}, // a fully qualified name
		{"https://127.0.0.1:8080/", ""},
		{"https://[::1]/", ""},
		{"https://media.example.com:0/", "port 0, outside 1 to 65535"},
		{"https://media.example.com:/", "an empty port"},
		{"https://media..example.com/", "is not a host name"},
		{"https://.example.com/", "is not a host name"},
		{"https://under_score.example/", "is not a host name"},
		{"https://médias.example/", `feeds must carry as "xn--mdias-bsa.example"`},
	} {
		u, err := url.Parse(c.raw)
		if err != nil {
			t.Fatal(err)
		}
		got := HostProblem(u)
		if c.want == "" && got != "" || !strings.Contains(got, c.want) {
			t.Errorf("%s: got %q, want %q", c.raw, got, c.want)
		}
	}
}
