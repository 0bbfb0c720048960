package target

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestParse(t *testing.T) {
	home := t.TempDir()
	t.Setenv("HOME", home)
	site := "/srv/site"
	for _, tc := range []struct {
		raw  string
		want Target
		err  string // a part of the error; "" for none
	}{
		{raw: "public", want: Target{Scheme: "file", Path: "/srv/site/public"}},
		{raw: "./out/feeds/", want: Target{Scheme: "file", Path: "/srv/site/out/feeds"}},
		{raw: "/var/www/feeds", want: Target{Scheme: "file", Path: "/var/www/feeds"}},
		{raw: "  public  ", want: Target{Scheme: "file", Path: "/srv/site/public"}},
		{raw: "file:///var/www/my%20feeds", want: Target{Scheme: "file", Path: "/var/www/my feeds"}},
		{raw: "file://localhost/var/www", want: Target{Scheme: "file", Path: "/var/www"}},
		{raw: "file://LOCALHOST/var/www", want: Target{Scheme: "file", Path: "/var/www"}},
		{raw: "file:/var/www", want: Target{Scheme: "file", Path: "/var/www"}},
		{raw: "~", want: Target{Scheme: "file", Path: home}},
		{raw: "~/t9", want: Target{Scheme: "file", Path: filepath.Join(home, "t9")}},
		{raw: "s3://bucket", want: Target{Scheme: "s3", Bucket: "bucket"}},
		{raw: "s3://bucket/", want: Target{Scheme: "s3", Bucket: "bucket"}},
		{raw: "s3://my.bucket-1/a/b", want: Target{Scheme: "s3", Bucket: "my.bucket-1", Prefix: "a/b/"}},
		{raw: "s3://bucket/a/b/", want: Target{Scheme: "s3", Bucket: "bucket", Prefix: "a/b/"}},

		{raw: "", err: "empty"},
		{raw: "   ", err: "empty"},
		{raw: "file://example.com/x", err: `host "example.com"`},
		{raw: "file://x", err: `host "x"`},
		{raw: "file://", err: "no path"},
		{raw: "file:///", err: "the root folder"},
		{raw: "file:///a?b=1", err: "query"},
		{raw: "file:///a%zz", err: "file URL"},
		{raw: "file:relative/x", err: "absolute"},
		{raw: "~other/x", err: "~other"},
		{raw: "https://cdn.example/x", err: "want a folder"},
		{raw: "S3://bucket", err: "want a folder"},
		{raw: "s3://", err: "no bucket"},
		{raw: "s3:///prefix", err: "no bucket"},
		{raw: "s3://bucket/../x", err: `"../x"`},
		{raw: "s3://bucket/a/./b", err: "a/./b"},
		{raw: "s3://bucket//a", err: "/a"},
		{raw: "s3://bucket/a//b", err: "a//b"},
		{raw: "s3://Bucket", err: "lowercase"},
		{raw: "s3://ab", err: "3 to 63"},
		{raw: "s3://" + strings.Repeat("a", 64), err: "3 to 63"},
		{raw: "s3://bad_bucket", err: "lowercase"},
		{raw: "s3://-bucket", err: "start and end"},
		{raw: "s3://bucket-", err: "start and end"},
		{raw: "s3://a..b", err: "two dots"},
		{raw: "s3://192.168.1.10", err: "IP address"},
		{raw: "s3://user:secret@bucket/x", err: "lowercase"},
	} {
		got, err := Parse(tc.raw, site)
		switch {
		case tc.err == "" && err != nil:
			t.Errorf("Parse(%q): %v", tc.raw, err)
		case tc.err != "" && err == nil:
			t.Errorf("Parse(%q) = %+v, want an error containing %q", tc.raw, got, tc.err)
		case tc.err != "" && !strings.Contains(err.Error(), tc.err):
			t.Errorf("Parse(%q): error %q, want it to contain %q", tc.raw, err, tc.err)
		case tc.err == "" && got != tc.want:
			t.Errorf("Parse(%q) = %+v, want %+v", tc.raw, got, tc.want)
		}
		if err != nil && strings.Contains(err.Error(), "secret") {
			t.Errorf("Parse(%q): error shows the secret: %v", tc.raw, err)
		}
	}
}

func TestParseUnknownHome(t *testing.T) {
	t.Setenv("HOME", "")
	for _, raw := range []string{"~", "~/t9"} {
		_, err := Parse(raw, "/srv/site")
		if err == nil || !strings.Contains(err.Error(), "HOME") {
			t.Errorf("Parse(%q) without HOME: %v, want an error naming HOME", raw, err)
		}
	}
}

func TestString(t *testing.T) {
	for _, tc := range []struct {
		t    Target
		want string
	}{
		{Target{Scheme: "file", Path: "/var/www"}, "/var/www"},
		{Target{Scheme: "s3", Bucket: "b", Prefix: "p/"}, "s3://b/p/"},
		{Target{Scheme: "s3", Bucket: "b", Endpoint: Redact("https://key:secret@s3.example:9000/x")}, "s3://b/ at s3.example:9000"},
	} {
		if got := tc.t.String(); got != tc.want {
			t.Errorf("%+v.String() = %q, want %q", tc.t, got, tc.want)
		}
	}
	if e := Redact("https://key:secret@s3.example"); strings.Contains(e, "secret") {
		t.Errorf("Redact kept the password: %s", e)
	}
}

// TestCheckLocal: the folders a build or a local target may never be.
func TestCheckLocal(t *testing.T) {
	home := t.TempDir()
	t.Setenv("HOME", home)
	site := filepath.Join(home, "w", "site")
	for _, d := range []string{"reviews", "media", "artwork", "public", "elsewhere"} {
		if err := os.MkdirAll(filepath.Join(site, d), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	outside := t.TempDir()
	inputs := []string{filepath.Join(site, "media", "a.mp3"), filepath.Join(outside, "shared", "b.mp3")}
	// A link that disguises the site folder.
	alias := filepath.Join(outside, "alias")
	if err := os.Symlink(site, alias); err != nil {
		t.Fatal(err)
	}
	s := Site{Dir: site, ContentDir: filepath.Join(site, "reviews"), Inputs: inputs}
	for _, tc := range []struct {
		dir string
		err string // "" when allowed
	}{
		{filepath.Join(site, "public"), ""},
		{filepath.Join(site, "dist"), ""}, // not there yet
		{filepath.Join(outside, "www"), ""},
		{filepath.Join(outside, "www", "deep", "er"), ""},

		{"", "empty"},
		{"/", "root folder"},
		{home, "home folder"},
		{filepath.Dir(home), "home folder"},
		{site, "site folder"},
		{filepath.Dir(site), "site folder"},
		{alias, "site folder"},
		{filepath.Join(site, "reviews"), "content.dir"},
		{filepath.Join(site, "reviews", "out"), "content.dir"},
		{filepath.Join(site, "media"), "input"},
		{filepath.Join(site, "media", "out"), "inside the site folder"},
		{filepath.Join(site, "public", "feeds"), "inside the site folder"},
		{filepath.Join(alias, "artwork", "x"), "inside the site folder"},
		{filepath.Join(site, ".feedpub"), ".feedpub"},
		{filepath.Join(outside, "shared"), "input"},
		{outside, "input"},
	} {
		err := CheckLocal(tc.dir, s)
		switch {
		case tc.err == "" && err != nil:
			t.Errorf("CheckLocal(%s): %v", tc.dir, err)
		case tc.err != "" && err == nil:
			t.Errorf("CheckLocal(%s) allowed it, want an error containing %q", tc.dir, tc.err)
		case tc.err != "" && !strings.Contains(err.Error(), tc.err):
			t.Errorf("CheckLocal(%s): %q, want it to contain %q", tc.dir, err, tc.err)
		}
	}
}
