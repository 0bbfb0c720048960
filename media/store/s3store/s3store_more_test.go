package s3store

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/smithy-go"
	smithyhttp "github.com/aws/smithy-go/transport/http"

	"github.com/feedpub/feedpub/media/store"
	"github.com/feedpub/feedpub/media/store/s3store/s3test"
)

func TestString(t *testing.T) {
	s, err := New(t.Context(), Config{
		Bucket:      "b",
		Prefix:      "/feeds//x",
		Region:      "eu-west-1",
		Endpoint:    "https://user:hunter2@s3.example.com:9000/",
		Credentials: credentials.NewStaticCredentialsProvider("AKID", "hunter2-secret", "tok"),
	})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := s.String(), "s3://b/feeds/x/ at s3.example.com:9000"; got != want {
		t.Errorf("String() = %q, want %q", got, want)
	}
}

// TestMetadata checks, with a plain S3 client, what Put stores: Content-Type,
// Cache-Control, the sha256 metadata and the SHA-256 checksum.
func TestMetadata(t *testing.T) {
	srv := s3test.StartShared(t)
	cfg := testConfig(t, srv)
	s := newTestStore(t, cfg)
	body := []byte(`<?xml version="1.0"?><rss/>`)
	sum := sha256.Sum256(body)
	o := store.PutOptions{
		ContentType:  "application/rss+xml; charset=utf-8",
		CacheControl: "public, max-age=300",
		Size:         int64(len(body)),
		SHA256:       hex.EncodeToString(sum[:]),
	}
	if _, err := s.Put(t.Context(), "feed.xml", bytes.NewReader(body), o); err != nil {
		t.Fatal(err)
	}
	head, err := srv.Client().HeadObject(t.Context(), &s3.HeadObjectInput{
		Bucket:       &cfg.Bucket,
		Key:          aws.String(cfg.Prefix + "feed.xml"),
		ChecksumMode: "ENABLED",
	})
	if err != nil {
		t.Fatal(err)
	}
	if got := aws.ToString(head.ContentType); got != o.ContentType {
		t.Errorf("HEAD Content-Type = %q, want %q", got, o.ContentType)
	}
	if got := aws.ToString(head.CacheControl); got != o.CacheControl {
		t.Errorf("HEAD Cache-Control = %q, want %q", got, o.CacheControl)
	}
	if got := head.Metadata["sha256"]; got != o.SHA256 {
		t.Errorf("HEAD x-amz-meta-sha256 = %q, want %s", got, o.SHA256)
	}
	t.Logf("HEAD x-amz-checksum-sha256 = %q", aws.ToString(head.ChecksumSHA256))

	// Without a known hash, Put computes it for the metadata.
	if _, err := s.Put(t.Context(), "streamed.xml", struct{ io.Reader }{bytes.NewReader(body)}, store.PutOptions{Size: -1, ContentType: "text/xml"}); err != nil {
		t.Fatal(err)
	}
	got, err := s.Stat(t.Context(), "streamed.xml")
	if err != nil {
		t.Fatal(err)
	}
	if got.SHA256 != o.SHA256 || got.ContentType != "text/xml" || got.CacheControl != "" {
		t.Errorf("Stat = %+v, want SHA256 %s, text/xml, no Cache-Control", got, o.SHA256)
	}
	rc, gobj, err := s.Get(t.Context(), "feed.xml")
	if err != nil {
		t.Fatal(err)
	}
	rc.Close()
	if gobj.ContentType != o.ContentType || gobj.CacheControl != o.CacheControl || gobj.SHA256 != o.SHA256 {
		t.Errorf("Get = %+v, want the Put options %+v", gobj, o)
	}
}

// sparseFile makes a file of size bytes that is mostly a hole, with a few
// bytes of data at the start and end so that misplaced parts show.
func sparseFile(t testing.TB, size int64) (path, sum string) {
	t.Helper()
	path = filepath.Join(t.TempDir(), "sparse.bin")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := f.WriteString("start"); err != nil {
		t.Fatal(err)
	}
	if _, err := f.WriteAt([]byte("end"), size-3); err != nil {
		t.Fatal(err)
	}
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		t.Fatal(err)
	}
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		t.Fatal(err)
	}
	return path, hex.EncodeToString(h.Sum(nil))
}

// peakHeap samples the heap while fn runs and returns its peak above the
// heap in use before fn, and the bytes allocated by fn (from all
// goroutines).
func peakHeap(fn func()) (peak, alloc uint64) {
	runtime.GC()
	var before runtime.MemStats
	runtime.ReadMemStats(&before)
	var max atomic.Uint64
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		var ms runtime.MemStats
		tick := time.NewTicker(5 * time.Millisecond)
		defer tick.Stop()
		for {
			runtime.ReadMemStats(&ms)
			if ms.HeapInuse > max.Load() {
				max.Store(ms.HeapInuse)
			}
			select {
			case <-done:
				return
			case <-tick.C:
			}
		}
	})
	fn()
	close(done)
	wg.Wait()
	var after runtime.MemStats
	runtime.ReadMemStats(&after)
	return max.Load() - min(max.Load(), before.HeapInuse), after.TotalAlloc - before.TotalAlloc
}

// TestMultipartSparse uploads a 65 MiB file in parts and checks the content,
// the multipart ETag and that memory stays bounded by the part buffers.
func TestMultipartSparse(t *testing.T) {
	srv := s3test.StartShared(t)
	cfg := testConfig(t, srv)
	cfg.PartSize = 5 << 20
	cfg.Concurrency = 2
	cfg.MultipartThreshold = 6 << 20
	s := newTestStore(t, cfg)
	const size = 65<<20 + 7
	path, sum := sparseFile(t, size)
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var obj store.Object
	peak, alloc := peakHeap(func() {
		obj, err = s.Put(t.Context(), "media/sparse.mp4", f, store.PutOptions{ContentType: "video/mp4", Size: size, SHA256: sum})
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("65 MiB multipart upload: peak heap +%.1f MiB, allocated %.1f MiB", float64(peak)/(1<<20), float64(alloc)/(1<<20))
	// Buffers: (Concurrency+1) parts in the pool plus the first part read;
	// allow as much again for the HTTP and SDK machinery under -race.
	if bound := uint64(2 * (cfg.MultipartThreshold + int64(cfg.Concurrency+1)*cfg.PartSize)); peak > bound {
		t.Errorf("peak heap grew by %d MiB, want at most %d MiB", peak>>20, bound>>20)
	}
	if obj.SHA256 != sum || obj.Size != size {
		t.Errorf("Put = %+v, want size %d, SHA-256 %s", obj, size, sum)
	}
	if !strings.HasSuffix(strings.Trim(obj.ETag, `"`), "-14") {
		t.Errorf("ETag %s is not that of a 14-part upload", obj.ETag)
	}
	st, err := s.Stat(t.Context(), "media/sparse.mp4")
	if err != nil {
		t.Fatal(err)
	}
	if st.SHA256 != sum || st.Size != size || st.ContentType != "video/mp4" || st.ETag != obj.ETag {
		t.Errorf("Stat = %+v, want size %d, SHA-256 %s, video/mp4, ETag %s", st, size, sum, obj.ETag)
	}
	rc, _, err := s.Get(t.Context(), "media/sparse.mp4")
	if err != nil {
		t.Fatal(err)
	}
	defer rc.Close()
	h := sha256.New()
	if _, err := io.Copy(h, rc); err != nil {
		t.Fatal(err)
	}
	if got := hex.EncodeToString(h.Sum(nil)); got != sum {
		t.Errorf("Get: SHA-256 %s, want %s", got, sum)
	}

	// Conditional multipart uploads: the condition is checked on completion.
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		t.Fatal(err)
	}
	_, err = s.Put(t.Context(), "media/sparse.mp4", f, store.PutOptions{Size: size, IfNoneMatch: true})
	if !errors.Is(err, store.ErrPrecondition) {
		t.Errorf("multipart Put IfNoneMatch of an existing key: %v, want ErrPrecondition", err)
	}
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		t.Fatal(err)
	}
	_, err = s.Put(t.Context(), "media/sparse.mp4", f, store.PutOptions{Size: size, IfMatch: `"stale"`})
	if !errors.Is(err, store.ErrPrecondition) {
		t.Errorf("multipart Put IfMatch with a stale ETag: %v, want ErrPrecondition", err)
	}
	if st2, err := s.Stat(t.Context(), "media/sparse.mp4"); err != nil || st2.ETag != obj.ETag {
		t.Errorf("after refused conditional Puts: %+v, %v; want ETag %s", st2, err, obj.ETag)
	}
}

// BenchmarkPutLarge uploads a 1 GiB sparse file and reports the peak heap
// growth and the bytes allocated, in MiB: with the default part size and
// concurrency both stay far below the file's size.
func BenchmarkPutLarge(b *testing.B) {
	srv := s3test.StartShared(b)
	cfg := testConfig(b, srv)
	s := newTestStore(b, cfg)
	const size = 1 << 30
	path, sum := sparseFile(b, size)
	b.SetBytes(size)
	b.ResetTimer()
	var peak, alloc uint64
	for range b.N {
		f, err := os.Open(path)
		if err != nil {
			b.Fatal(err)
		}
		p, a := peakHeap(func() {
			_, err = s.Put(b.Context(), "large.bin", f, store.PutOptions{Size: size, SHA256: sum})
		})
		f.Close()
		if err != nil {
			b.Fatal(err)
		}
		peak, alloc = max(peak, p), alloc+a
		b.StopTimer()
		s.Delete(b.Context(), "large.bin") // free the server's space
		b.StartTimer()
	}
	b.ReportMetric(float64(peak)/(1<<20), "peak-heap-MiB")
	b.ReportMetric(float64(alloc)/float64(b.N)/(1<<20), "alloc-MiB/op")
}

// secret and token are credentials that must never show in any error text.
const (
	secret = "SECRET-do-not-print-9f8e7d6c5b4a"
	token  = "TOKEN-do-not-print-0a1b2c3d4e5f"
)

// checkNoSecrets fails if err's text, in any format, holds a credential.
func checkNoSecrets(t *testing.T, err error, s *Store) {
	t.Helper()
	for _, text := range []string{err.Error(), fmt.Sprintf("%v", err), fmt.Sprintf("%+v", err), fmt.Sprintf("%#v", err), s.String()} {
		for _, c := range []string{secret, token} {
			if strings.Contains(text, c) {
				t.Errorf("error text holds a credential: %s", text)
			}
		}
	}
}

func TestErrors(t *testing.T) {
	srv := s3test.StartShared(t)
	closed := closedPort(t)
	for _, tc := range []struct {
		name   string
		modify func(*Config)
		want   string
		kind   error
		within time.Duration
	}{
		{
			name: "WrongSecret",
			modify: func(c *Config) {
				c.Credentials = credentials.NewStaticCredentialsProvider(srv.AccessKey, secret, "")
			},
			want: "signature mismatch: the secret access key is wrong (check the credentials)",
		},
		{
			name: "WrongSecretWithToken",
			modify: func(c *Config) {
				c.Credentials = credentials.NewStaticCredentialsProvider(srv.AccessKey, secret, token)
			},
			want: "", // versitygw may answer either way; only no secret matters
		},
		{
			name: "UnknownAccessKey",
			modify: func(c *Config) {
				c.Credentials = credentials.NewStaticCredentialsProvider("AKIDUNKNOWN", secret, "")
			},
			want: "the access key ID is not known to endpoint " + srv.Endpoint + " (check the credentials)",
		},
		{
			name:   "NoSuchBucket",
			modify: func(c *Config) { c.Bucket = "feedpub-no-such-bucket" },
			want:   `bucket "feedpub-no-such-bucket" does not exist (create it, or check the bucket name and the endpoint)`,
		},
		{
			name: "Unreachable",
			modify: func(c *Config) {
				c.Endpoint = "http://" + closed
				c.MaxRetries = 1
			},
			want:   "cannot reach endpoint http://" + closed + " (connect: connection refused)",
			within: 5 * time.Second,
		},
		{
			name: "NoCredentials",
			modify: func(c *Config) {
				c.Credentials = aws.CredentialsProviderFunc(func(context.Context) (aws.Credentials, error) {
					return aws.Credentials{}, errors.New("no credentials in this test")
				})
			},
			want: "no usable AWS credentials (set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, choose a profile, or log in with aws sso login)",
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			cfg := testConfig(t, srv)
			tc.modify(&cfg)
			s := newTestStore(t, cfg)
			start := time.Now()
			_, err := s.Put(t.Context(), "media/x.mp3", bytes.NewReader([]byte("x")), store.PutOptions{Size: 1})
			if err == nil {
				t.Fatal("Put succeeded")
			}
			if tc.within > 0 && time.Since(start) > tc.within {
				t.Errorf("Put took %v, want under %v", time.Since(start), tc.within)
			}
			t.Logf("Put: %v", err)
			if want := "s3store: put media/x.mp3: " + tc.want; tc.want != "" && err.Error() != want {
				t.Errorf("Put error:\n got %s\nwant %s", err, want)
			}
			checkNoSecrets(t, err, s)
			for _, err := range []error{
				func() error { _, err := s.Stat(t.Context(), "k"); return err }(),
				func() error { _, err := s.List(t.Context(), ""); return err }(),
				func() error { _, _, err := s.Get(t.Context(), "k"); return err }(),
				s.Delete(t.Context(), "k"),
				func() error {
					_, err := s.Put(t.Context(), "lock", bytes.NewReader(nil), store.PutOptions{Size: 0, IfNoneMatch: true})
					return err
				}(),
			} {
				if err == nil {
					t.Errorf("an operation succeeded")
					continue
				}
				checkNoSecrets(t, err, s)
			}
		})
	}
}

// closedPort returns a loopback address where nothing listens.
func closedPort(t *testing.T) string {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	return addr
}

// TestExplain covers the translations that a local server cannot produce.
func TestExplain(t *testing.T) {
	s := &Store{cfg: Config{Bucket: "b", Region: "us-east-1"}}
	resp := func(status int, header http.Header, code string) error {
		var apiErr error = &smithy.GenericAPIError{Code: code, Message: "server says"}
		if code == "" {
			apiErr = errors.New("no body")
		}
		return &smithy.OperationError{ServiceID: "S3", OperationName: "PutObject", Err: &smithyhttp.ResponseError{
			Response: &smithyhttp.Response{Response: &http.Response{StatusCode: status, Header: header}},
			Err:      apiErr,
		}}
	}
	for _, tc := range []struct {
		err  error
		want string
		kind error
	}{
		{resp(301, http.Header{"X-Amz-Bucket-Region": {"eu-west-1"}}, "PermanentRedirect"), `bucket "b" is in region eu-west-1, not us-east-1 (set the region)`, nil},
		{resp(301, nil, ""), `bucket "b" is in another region than us-east-1, or the endpoint is wrong (set the region)`, nil},
		{resp(400, http.Header{"X-Amz-Bucket-Region": {"ap-south-1"}}, "AuthorizationHeaderMalformed"), `bucket "b" is in region ap-south-1, not us-east-1 (set the region)`, nil},
		{resp(403, nil, "RequestTimeTooSkewed"), "this computer's clock is too far from the server's (set the system time)", nil},
		{resp(403, nil, "AccessDenied"), `access denied to bucket "b" (check the credentials' permissions)`, nil},
		{resp(403, nil, ""), `access denied to bucket "b" (check the credentials and their permissions)`, nil},
		{resp(400, nil, "ExpiredToken"), "the session token is invalid or has expired (log in again, e.g. aws sso login)", nil},
		{resp(412, nil, "PreconditionFailed"), "precondition failed: the object exists or has changed", store.ErrPrecondition},
		{resp(409, nil, "ConditionalRequestConflict"), "precondition failed: the object exists or has changed", store.ErrPrecondition},
		{resp(501, nil, "NotImplemented"), "the S3 endpoint does not implement this request (server says)", store.ErrConditionalUnsupported},
		{resp(404, nil, ""), "object does not exist", store.ErrNotExist},
		{resp(503, nil, "SlowDown"), "the server is throttling requests (SlowDown; lower the upload concurrency)", nil},
		{resp(500, nil, "InternalError"), "InternalError: server says (HTTP 500)", nil},
		{&net.DNSError{Name: "s3.invalid", Err: "no such host"}, `cannot resolve "s3.invalid" (check the endpoint and the network)`, nil},
	} {
		err := s.fail("put", "k", tc.err)
		if got := strings.TrimPrefix(err.Error(), "s3store: put k: "); got != tc.want {
			t.Errorf("explain(%v):\n got %s\nwant %s", tc.err, got, tc.want)
		}
		if tc.kind != nil && !errors.Is(err, tc.kind) {
			t.Errorf("explain(%v) does not wrap %v", tc.err, tc.kind)
		}
		if !errors.Is(err, tc.err) {
			t.Errorf("explain(%v) does not wrap the cause", tc.err)
		}
	}
}

// TestFaults runs a Store through a fault proxy and a restarted server.
func TestFaults(t *testing.T) {
	srv := s3test.Start(t)
	proxy := s3test.NewFaultProxy(t, srv.Endpoint)
	cfg := testConfig(t, srv)
	cfg.Endpoint = proxy.Endpoint()
	cfg.MaxRetries = 1
	s := newTestStore(t, cfg)
	ctx := t.Context()
	put := func() error {
		_, err := s.Put(ctx, "k", bytes.NewReader([]byte("v")), store.PutOptions{Size: 1})
		return err
	}
	if err := put(); err != nil {
		t.Fatalf("Put through the proxy: %v", err)
	}
	proxy.Refuse()
	err := put()
	if err == nil || !strings.Contains(err.Error(), "cannot reach endpoint "+proxy.Endpoint()) {
		t.Errorf("Put while refusing: %v, want cannot reach", err)
	}
	proxy.Forward(t)
	if err := put(); err != nil {
		t.Fatalf("Put after forwarding again: %v", err)
	}

	// A hanging server: the context deadline ends the request.
	proxy.Blackhole(t)
	hctx, cancel := context.WithTimeout(ctx, 300*time.Millisecond)
	_, err = s.Stat(hctx, "k")
	cancel()
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("Stat against a hanging server: %v, want a deadline error", err)
	}
	proxy.Forward(t)

	// The data outlives a restart of the server.
	srv.Restart(t)
	if obj, err := s.Stat(ctx, "k"); err != nil || obj.Size != 1 {
		t.Errorf("Stat after a restart: %+v, %v", obj, err)
	}
	srv.Stop(t)
	if err := put(); err == nil {
		t.Error("Put while the server is stopped succeeded")
	}
	srv.Resume(t)
	if err := put(); err != nil {
		t.Errorf("Put after Resume: %v", err)
	}
}
