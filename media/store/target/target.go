// Package target parses where feedpub publishes (publish.target, build
// --out) and guards the local folders it may write and prune.
//
// Parse accepts exactly these forms, and refuses everything else with one
// line saying what it wants, before any folder is made or any request sent:
//
//	public, ../www, /var/www/feeds   a folder; relative to the site folder
//	~, ~/www                         a folder in the home folder ($HOME)
//	file:///var/www, file://localhost/var/www, file:/var/www
//	                                 a folder as a file URL (RFC 8089);
//	                                 any host but localhost is an error
//	s3://bucket, s3://bucket/prefix  an S3 bucket, checked by S3's naming
//	                                 rules, and a prefix of clean path
//	                                 elements (store.CheckKey)
//
// CheckLocal refuses a local folder that feedpub must never write or prune:
// see its documentation for the rule.
package target

import (
	"errors"
	"fmt"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"strings"

	"github.com/feedpub/feedpub/media/store"
	"github.com/feedpub/feedpub/media/store/localstore"
)

// Target is a parsed publish target. Its fields are meant for
// machine-readable output (publish --json); none holds a secret.
// The schemes of a Target.
const (
	SchemeFile = "file" // a local folder
	SchemeS3   = "s3"   // an S3-compatible bucket and prefix
)

type Target struct {
	// Scheme is SchemeFile or SchemeS3.
	Scheme string `json:"scheme"`
	// Path is the folder of a file target: absolute and clean (not yet
	// resolved through symlinks; CheckLocal compares real paths).
	Path string `json:"path,omitempty"`
	// Bucket and Prefix ("" or "a/b/") of an s3 target.
	Bucket string `json:"bucket,omitempty"`
	Prefix string `json:"prefix,omitempty"`
	// Endpoint and Region of an s3 target, from the configuration rather
	// than the URL; the caller sets them, the endpoint through Redact.
	Endpoint string `json:"endpoint,omitempty"`
	Region   string `json:"region,omitempty"`
}

// Parse parses raw (publish.target or build --out) for the site in siteDir,
// against which a relative folder is resolved.
func Parse(raw, siteDir string) (Target, error) {
	s := strings.TrimSpace(raw)
	switch {
	case s == "":
		return Target{}, errors.New("empty target: want a folder, file:///path or s3://bucket/prefix")
	case strings.HasPrefix(s, "s3://"):
		return parseS3(s)
	case len(s) > 3 && strings.EqualFold(s[:3], "s3:") && !strings.HasPrefix(s[3:], "//"):
		// s3:/show or s3:show would otherwise be a folder named "s3:".
		return Target{}, fmt.Errorf("%q: want s3://bucket/prefix (two slashes after the scheme)", s)
	case strings.HasPrefix(s, "file:"):
		p, err := parseFileURL(s)
		if err != nil {
			return Target{}, err
		}
		return Target{Scheme: SchemeFile, Path: p}, nil
	case strings.Contains(s, "://"):
		return Target{}, fmt.Errorf("%q: want a folder, file:///path or s3://bucket/prefix", s)
	case s == "~" || strings.HasPrefix(s, "~/"):
		home, err := homeDir()
		if err != nil {
			return Target{}, fmt.Errorf("%q: %w", s, err)
		}
		return Target{Scheme: SchemeFile, Path: filepath.Join(home, filepath.FromSlash(s[1:]))}, nil
	case strings.HasPrefix(s, "~"):
		user, _, _ := strings.Cut(s, "/")
		return Target{}, fmt.Errorf("%q: %s (another user's home folder) is not supported; write the full path", s, user)
	}
	p := filepath.FromSlash(s)
	if !filepath.IsAbs(p) {
		p = filepath.Join(siteDir, p)
	}
	return Target{Scheme: SchemeFile, Path: filepath.Clean(p)}, nil
}

// homeDir is $HOME, required to be set: a literal "~" folder in the site is
// never what was meant.
func homeDir() (string, error) {
	home, err := os.UserHomeDir()
	if err != nil || home == "" {
		return "", errors.New("~ stands for the home folder, but HOME is not set; write the full path")
	}
	return home, nil
}

// parseFileURL returns the local path of a file URL by RFC 8089: an empty
// or "localhost" authority, an absolute percent-encoded path.
func parseFileURL(s string) (string, error) {
	u, err := url.Parse(s)
	if err != nil {
		return "", fmt.Errorf("%q is not a file URL (want file:///absolute/path): %v", s, errors.Unwrap(err))
	}
	switch {
	case u.Host != "" && !strings.EqualFold(u.Host, "localhost"):
		return "", fmt.Errorf("%q: file URL with host %q: feedpub writes only to this computer; want file:///absolute/path", s, u.Host)
	case u.User != nil:
		return "", fmt.Errorf("file URL %q has a user name; want file:///absolute/path", u.Redacted())
	case u.RawQuery != "" || u.ForceQuery || u.Fragment != "":
		return "", fmt.Errorf("%q: a file URL has no query or fragment; want file:///absolute/path", s)
	case u.Opaque != "":
		return "", fmt.Errorf("%q: want an absolute path, such as file:///var/www", s)
	case u.Path == "":
		return "", fmt.Errorf("%q has no path; want file:///absolute/path", s)
	case u.Path == "/":
		return "", fmt.Errorf("%q is the root folder; want a folder of its own", s)
	}
	return filepath.Clean(filepath.FromSlash(u.Path)), nil
}

func parseS3(s string) (Target, error) {
	rest := strings.TrimPrefix(s, "s3://")
	bucket, prefix, _ := strings.Cut(rest, "/")
	if bucket == "" {
		return Target{}, fmt.Errorf("%q has no bucket; want s3://bucket or s3://bucket/prefix", s)
	}
	if err := CheckBucket(bucket); err != nil {
		// The bucket part might hold user:password@ by mistake: never
		// echo it whole.
		return Target{}, fmt.Errorf("s3://…: %w", err)
	}
	if prefix = strings.TrimSuffix(prefix, "/"); prefix != "" {
		if err := store.CheckKey(prefix); err != nil {
			return Target{}, fmt.Errorf("%q: prefix %w", s, err)
		}
		prefix += "/"
	}
	return Target{Scheme: SchemeS3, Bucket: bucket, Prefix: prefix}, nil
}

// CheckBucket reports whether name follows S3's bucket naming rules, so
// that a typo fails here in one line rather than at the server with a bare
// "400 Bad Request": 3 to 63 characters of lowercase letters, digits, dots
// and hyphens, starting and ending with a letter or digit, no two dots in a
// row, and not an IP address.
func CheckBucket(name string) error {
	switch {
	case len(name) < 3 || len(name) > 63:
		return fmt.Errorf("bucket name is %d characters long; S3 wants 3 to 63", len(name))
	case strings.ContainsFunc(name, func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '.' || r == '-')
	}):
		return fmt.Errorf("bucket name %q: S3 allows only lowercase letters, digits, dots and hyphens", safeName(name))
	case !alnum(name[0]) || !alnum(name[len(name)-1]):
		return fmt.Errorf("bucket name %q must start and end with a letter or digit", name)
	case strings.Contains(name, ".."):
		return fmt.Errorf("bucket name %q has two dots in a row", name)
	case net.ParseIP(name) != nil:
		return fmt.Errorf("bucket name %q is an IP address, which S3 does not allow", name)
	}
	return nil
}

func alnum(c byte) bool { return c >= 'a' && c <= 'z' || c >= '0' && c <= '9' }

// safeName hides what follows a ':' or '@' in a bucket name, in case a
// URL's user:password@ ended up there.
func safeName(name string) string {
	if i := strings.IndexAny(name, ":@"); i >= 0 {
		return name[:i] + "…"
	}
	return name
}

// Redact returns endpoint without a password, for Target.Endpoint.
func Redact(endpoint string) string {
	if u, err := url.Parse(endpoint); err == nil {
		return u.Redacted()
	}
	if i := strings.LastIndex(endpoint, "@"); i >= 0 {
		return "…" + endpoint[i:]
	}
	return endpoint
}

// String describes the target for messages: the folder, or s3://bucket/prefix
// and the endpoint's host. It never contains a secret.
func (t Target) String() string {
	if t.Scheme != SchemeS3 {
		return t.Path
	}
	s := "s3://" + t.Bucket + "/" + t.Prefix
	if t.Endpoint != "" {
		host := t.Endpoint
		if u, err := url.Parse(t.Endpoint); err == nil && u.Host != "" {
			host = u.Host
		}
		s += " at " + host
	}
	return s
}

// Site describes what a local output folder must keep away from.
type Site struct {
	// Dir is the site folder (that of the config file).
	Dir string
	// ContentDir is content.dir, absolute.
	ContentDir string
	// Inputs are the files the build reads and copies (media, artwork,
	// chapters, transcripts), absolute, when known.
	Inputs []string
}

// CheckLocal reports whether dir may be the output folder of a build or a
// local publish target, which feedpub fills and, with pruning, empties of
// what it no longer produces. The rule, on real paths (symlinks resolved,
// for the nearest existing ancestor of a folder not made yet):
//
//   - not empty, not /, not the home folder and no folder that holds it;
//   - not the site folder and no folder that holds it;
//   - not content.dir, nothing inside it and nothing that holds it;
//   - inside the site folder, only a top-level folder of its own (public,
//     dist): every other top-level folder is taken to hold inputs (media/,
//     artwork/, reviews/), so media/out or public/feeds are refused, and
//     .feedpub, feedpub's state, is refused;
//   - no folder that holds an input file, or lies in the folder of one.
func CheckLocal(dir string, s Site) error {
	if strings.TrimSpace(dir) == "" {
		return errors.New("empty folder: want a folder of its own, such as public")
	}
	out, err := localstore.RealPath(dir)
	if err != nil {
		return fmt.Errorf("%s: %w", dir, err)
	}
	refuse := func(format string, args ...any) error {
		return fmt.Errorf("%s %s; the output needs a folder of its own, such as public (feedpub deletes there what it no longer produces)", out, fmt.Sprintf(format, args...))
	}
	if filepath.Dir(out) == out {
		return refuse("is the root folder")
	}
	if home, err := homeDir(); err == nil {
		if h, err := localstore.RealPath(home); err == nil && within(out, h) {
			if h == out {
				return refuse("is the home folder")
			}
			return refuse("holds the home folder")
		}
	}
	site, err := localstore.RealPath(s.Dir)
	if err != nil {
		return fmt.Errorf("%s: %w", s.Dir, err)
	}
	switch {
	case out == site:
		return refuse("is the site folder")
	case within(out, site):
		return refuse("holds the site folder %s", site)
	}
	if s.ContentDir != "" {
		content, err := localstore.RealPath(s.ContentDir)
		if err != nil {
			return fmt.Errorf("%s: %w", s.ContentDir, err)
		}
		if within(out, content) || within(content, out) {
			return refuse("overlaps content.dir %s", content)
		}
	}
	if within(site, out) {
		rel, _ := filepath.Rel(site, out)
		if top, _, nested := strings.Cut(rel, string(filepath.Separator)); nested {
			return refuse("is inside the site folder's %s/, which may hold inputs", top)
		} else if top == store.StateDir {
			return refuse("is feedpub's state folder %s", store.StateDir)
		}
	}
	for _, in := range s.Inputs {
		real, err := localstore.RealPath(in)
		if err != nil {
			continue // a missing input fails the build elsewhere
		}
		if within(out, real) {
			return refuse("holds the input file %s", real)
		}
		if within(filepath.Dir(real), out) {
			return refuse("is inside %s, which holds the input file %s", filepath.Dir(real), filepath.Base(real))
		}
	}
	return nil
}

// within reports whether p is dir or inside it; both real, clean paths.
func within(dir, p string) bool {
	if p == dir {
		return true
	}
	if !strings.HasSuffix(dir, string(filepath.Separator)) {
		dir += string(filepath.Separator)
	}
	return strings.HasPrefix(p, dir)
}
