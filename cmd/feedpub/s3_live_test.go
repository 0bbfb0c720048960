package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/feedpub/feedpub/media/store/s3store/s3test"
)

// s3Recorder is a proxy in front of the S3 server that records each
// request's method, key and the headers that tell a copy from an upload.
type s3Recorder struct {
	srv  *httptest.Server
	mu   sync.Mutex
	reqs []s3Req
}

type s3Req struct {
	Method, Path string
	CopySource   string // x-amz-copy-source: a copy made by the server, no body sent
	ACL          string // x-amz-acl
}

func newS3Recorder(t *testing.T, upstream string) *s3Recorder {
	u, err := url.Parse(upstream)
	if err != nil {
		t.Fatal(err)
	}
	rec := &s3Recorder{}
	rp := &httputil.ReverseProxy{Rewrite: func(pr *httputil.ProxyRequest) {
		pr.SetURL(u)
		pr.Out.Host = pr.In.Host // signed
	}}
	rec.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rec.mu.Lock()
		rec.reqs = append(rec.reqs, s3Req{r.Method, r.URL.Path, r.Header.Get("X-Amz-Copy-Source"), r.Header.Get("X-Amz-Acl")})
		rec.mu.Unlock()
		rp.ServeHTTP(w, r)
	}))
	t.Cleanup(rec.srv.Close)
	return rec
}

// take returns the requests recorded since the last call.
func (r *s3Recorder) take() []s3Req {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := r.reqs
	r.reqs = nil
	return out
}

// newPrivateBucket creates a bucket of its own (its policy is changed) and
// empties and removes it when the test ends.
func newPrivateBucket(t *testing.T, srv *s3test.Server) string {
	t.Helper()
	name := fmt.Sprintf("feedpub-live-%d", time.Now().UnixNano())
	c := srv.Client()
	if _, err := c.CreateBucket(t.Context(), &s3.CreateBucketInput{Bucket: aws.String(name)}); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		if err := srv.EmptyPrefix(ctx, name, ""); err != nil {
			t.Logf("empty %s: %v", name, err)
		}
		c.DeleteBucket(ctx, &s3.DeleteBucketInput{Bucket: aws.String(name)})
	})
	return name
}

// Against a real S3 server, with a private bucket: the publish uploads
// everything, then finds as a listener that nothing can be read, and says
// why and how to fix it. publish.acl: public-read then reaches every object
// already published by a copy onto itself, not by sending the bytes again.
// versitygw accepts and ignores object ACLs (anonymous access there is a
// bucket's ACL or policy), so the objects stay private until the bucket
// gets a policy; then the next publish verifies.
func TestS3LiveCheckPrivateBucketThenACL(t *testing.T) {
	srv := s3test.StartShared(t)
	rec := newS3Recorder(t, srv.Endpoint)
	tg := newS3Target(t, srv, rec.srv.URL)
	tg.bucket = newPrivateBucket(t, srv)
	tg.setEnv(rec.srv.URL, srv.SecretKey)
	// Listeners go straight to the server, path style, without credentials.
	t.Setenv("FEEDPUB_SITE_BASE_URL", srv.Endpoint+"/"+tg.bucket+"/"+tg.prefix)
	publishJSON := func() (cliOutcome, summary) {
		t.Helper()
		r := runFeedpub(t, false, "publish", "--config", tg.cfg, "--json")
		tg.runs = append(tg.runs, r)
		var s summary
		if err := json.Unmarshal([]byte(r.stdout), &s); err != nil {
			t.Fatalf("--json: %v\n%s", err, r)
		}
		return r, s
	}

	r, s := publishJSON()
	if r.code != 1 || s.OK || s.LiveCheck != "failed" || s.Uploaded != 17 {
		t.Fatalf("private bucket: exit %d, ok %v, live_check %q, uploaded %d; want exit 1 after uploading 17\n%s", r.code, s.OK, s.LiveCheck, s.Uploaded, r)
	}
	for _, c := range s.Live {
		if c.Result != "forbidden" || c.Status != http.StatusForbidden {
			t.Errorf("%s %s: %s %d, want forbidden 403", c.Kind, c.URL, c.Result, c.Status)
		}
	}
	msg := "403 Forbidden to a listener: the published objects are not public; set publish.acl: public-read (on a bucket that takes ACLs) or give s3://" + tg.bucket + "/" + tg.prefix + " a policy that lets everyone read (s3:GetObject)"
	if len(s.Problems) == 0 || !strings.Contains(s.Problems[0].Message, msg) || s.Problems[0].Field != "publish.acl" || s.Problems[0].Rule != "FP141" {
		t.Errorf("problems %+v\nwant an FP141 on publish.acl saying %q", s.Problems, msg)
	}
	rec.take()

	// The ACL reaches the 17 published objects by server-side copies; no
	// object's bytes are sent again (the lock, the manifest, which records
	// the ACL, and the store's probe of conditional writes are the only
	// PUTs with a body).
	t.Setenv("FEEDPUB_PUBLISH_ACL", "public-read")
	r, s = publishJSON()
	var copies, bodies int
	for _, q := range rec.take() {
		switch {
		case q.Method == http.MethodPut && q.CopySource != "":
			copies++
			if q.ACL != "public-read" || !strings.HasSuffix(q.CopySource, strings.TrimPrefix(q.Path, "/")) {
				t.Errorf("copy %s from %s with ACL %q, want onto itself with public-read", q.Path, q.CopySource, q.ACL)
			}
		case q.Method == http.MethodPut && !strings.Contains(q.Path, "/.feedpub/") && !strings.Contains(q.Path, "/.feedpub-probe-"):
			bodies++
			t.Errorf("bytes sent again: %s %s", q.Method, q.Path)
		}
	}
	if copies != 17 || bodies != 0 || s.Updated != 17 || s.Uploaded != 0 {
		t.Errorf("acl: public-read: %d copies, %d uploads at the server; --json updated %d, uploaded %d; want 17 copies and no upload", copies, bodies, s.Updated, s.Uploaded)
	}
	if r.code != 1 || s.LiveCheck != "failed" {
		t.Errorf("versitygw ignores object ACLs, so the feeds should still be private: exit %d, live_check %q", r.code, s.LiveCheck)
	}

	// A bucket policy lets everyone read: the next publish has nothing to
	// copy, checks again (the failed check left no "unchanged" state) and
	// passes.
	policy := `{"Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::` + tg.bucket + `/*"}]}`
	if _, err := srv.Client().PutBucketPolicy(t.Context(), &s3.PutBucketPolicyInput{Bucket: aws.String(tg.bucket), Policy: aws.String(policy)}); err != nil {
		t.Fatal(err)
	}
	r, s = publishJSON()
	if r.code != 0 || !s.OK || s.LiveCheck != "passed" || s.Uploaded+s.Updated != 0 || len(s.Live) != 5 {
		t.Errorf("public bucket: exit %d, live_check %q, uploaded %d, updated %d, %d checks\n%s", r.code, s.LiveCheck, s.Uploaded, s.Updated, len(s.Live), r)
	}
	if r := runFeedpub(t, false, "publish", "--config", tg.cfg); r.code != 0 || !strings.Contains(r.stdout, "nothing changed since the last publish") {
		t.Errorf("after a verified publish, an unchanged site is one request again:\n%s", r)
	}
}

// An S3 target whose base_url nothing answers at (here the example's,
// which does not resolve) is an error, said once for all the URLs: unlike
// a local folder, nothing else will serve what was uploaded.
func TestS3LiveCheckBaseURLUnreachable(t *testing.T) {
	srv := s3test.StartShared(t)
	tg := newS3Target(t, srv, srv.Endpoint)
	r := runFeedpub(t, false, "publish", "--config", tg.cfg)
	tg.runs = append(tg.runs, r)
	if r.code != 1 || strings.Contains(r.stdout, "published to") {
		t.Fatalf("want exit 1 and no 'published':\n%s", r)
	}
	if n := strings.Count(r.stderr, "[FP141]"); n != 1 || !strings.Contains(r.stderr, "site.base_url: listeners cannot reach "+s3eBase) {
		t.Errorf("want one FP141 on site.base_url saying listeners cannot reach %s, got %d:\n%s", s3eBase, n, r.stderr)
	}
}
