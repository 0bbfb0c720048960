package s3store

import (
	"bytes"
	"context"
	"errors"
	"io"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/feedpub/feedpub/media/store"
	"github.com/feedpub/feedpub/media/store/s3store/s3test"
)

// triggerReader calls fire once it has given n bytes of r.
type triggerReader struct {
	r    io.Reader
	n    int64
	once sync.Once
	fire func()
}

func (t *triggerReader) Read(p []byte) (int, error) {
	if t.n <= 0 {
		t.once.Do(t.fire)
	}
	if int64(len(p)) > t.n && t.n > 0 {
		p = p[:t.n]
	}
	n, err := t.r.Read(p)
	t.n -= int64(n)
	return n, err
}

// uploads lists the incomplete multipart uploads under the store's prefix.
func uploads(t *testing.T, srv *s3test.Server, s *Store) []string {
	t.Helper()
	out, err := srv.Client().ListMultipartUploads(context.Background(), &s3.ListMultipartUploadsInput{
		Bucket: aws.String(s.cfg.Bucket), Prefix: aws.String(s.cfg.Prefix),
	})
	if err != nil {
		t.Fatalf("list multipart uploads: %v", err)
	}
	var keys []string
	for _, u := range out.Uploads {
		keys = append(keys, aws.ToString(u.Key))
	}
	return keys
}

// checkOneLine fails unless err is one line containing every part.
func checkOneLine(t *testing.T, err error, parts ...string) {
	t.Helper()
	if err == nil {
		t.Fatal("no error")
	}
	msg := err.Error()
	if strings.Contains(msg, "\n") || strings.Contains(msg, "operation error") || strings.Contains(msg, "https response error") {
		t.Errorf("not one line for people: %q", msg)
	}
	for _, p := range parts {
		if !strings.Contains(msg, p) {
			t.Errorf("error %q does not say %q", msg, p)
		}
	}
}

// TestFrozenServer is the report: a server stopped with SIGSTOP mid-upload
// left publish silent for minutes. Now no bytes moving for IdleTimeout
// fails the Put, without retrying into the same silence, in one line
// naming the object and the server; the multipart upload it could not
// abort is removed by CleanStale once the server is back (the next run).
func TestFrozenServer(t *testing.T) {
	srv := s3test.StartShared(t)
	const idle = time.Second
	for _, tc := range []struct {
		name     string
		size     int64
		freezeAt int64
	}{
		{"before-small", 1000, 0},
		{"mid-multipart", 12 << 20, 6 << 20},
	} {
		t.Run(tc.name, func(t *testing.T) {
			fp := s3test.NewFaultProxy(t, srv.Endpoint)
			cfg := testConfig(t, srv)
			cfg.Endpoint = fp.Endpoint()
			cfg.IdleTimeout = idle
			cfg.MultipartThreshold, cfg.PartSize = 5<<20, 5<<20
			s := newTestStore(t, cfg)
			// The deadline bounds the test if the timeout does not work.
			ctx, cancel := context.WithTimeout(t.Context(), 60*time.Second)
			defer cancel()
			body := &triggerReader{r: bytes.NewReader(make([]byte, tc.size)), n: tc.freezeAt, fire: fp.Freeze}
			start := time.Now()
			_, err := s.Put(ctx, "media/x.mp3", body, store.PutOptions{Size: tc.size})
			elapsed := time.Since(start)
			if ctx.Err() != nil {
				t.Fatalf("Put still hanging after %v", elapsed)
			}
			checkOneLine(t, err, "put media/x.mp3", "the server at "+fp.Endpoint()+" stopped answering (no data for 1s)")
			// One idle period for the stalled request, one for the abort,
			// and slack; no retries into the silence.
			if elapsed > 4*idle+2*time.Second {
				t.Errorf("took %v with an idle timeout of %v", elapsed, idle)
			}
			t.Log(err)
			// Drop what the frozen connections hold, so the abort never
			// arrives, as when the process is killed.
			fp.DropAll()
			fp.Thaw()
			if tc.freezeAt == 0 {
				return
			}
			if !strings.Contains(err.Error(), "stays on the server") {
				t.Errorf("the unaborted upload is not mentioned: %v", err)
			}
			// This store took the server for frozen (its later requests
			// fail at once); the next run's store finds it back.
			s = newTestStore(t, cfg)
			if len(uploads(t, srv, s)) == 0 {
				t.Fatal("no incomplete upload to clean: the test lost its point")
			}
			n, err := s.CleanStale(t.Context(), 0)
			if err != nil || n < 1 {
				t.Fatalf("CleanStale: removed %d (%v)", n, err)
			}
			if left := uploads(t, srv, s); len(left) != 0 {
				t.Errorf("after CleanStale (removed %d) uploads remain: %q", n, left)
			}
		})
	}
}

// TestCancelStopsAndAborts: Ctrl-C during a multipart upload returns
// within seconds, says so in one line, and aborts the upload with a fresh
// context, also when the server is frozen (the abort then gives up after
// abortTimeout; CleanStale removes it later).
func TestCancelStopsAndAborts(t *testing.T) {
	srv := s3test.StartShared(t)
	for _, frozen := range []bool{false, true} {
		name := map[bool]string{false: "healthy", true: "frozen"}[frozen]
		t.Run(name, func(t *testing.T) {
			fp := s3test.NewFaultProxy(t, srv.Endpoint)
			cfg := testConfig(t, srv)
			cfg.Endpoint = fp.Endpoint()
			cfg.IdleTimeout = time.Minute // only the cancellation may end it
			cfg.MultipartThreshold, cfg.PartSize = 5<<20, 5<<20
			s := newTestStore(t, cfg)
			bound, stop := context.WithTimeout(t.Context(), 90*time.Second)
			defer stop()
			ctx, cancel := context.WithCancel(bound)
			defer cancel()
			body := &triggerReader{r: bytes.NewReader(make([]byte, 16<<20)), n: 11 << 20, fire: func() {
				if frozen {
					fp.Freeze()
				}
				cancel()
			}}
			start := time.Now()
			_, err := s.Put(ctx, "media/big.mp4", body, store.PutOptions{Size: 16 << 20})
			elapsed := time.Since(start)
			if bound.Err() != nil {
				t.Fatalf("Put still running %v after the cancellation", elapsed)
			}
			checkOneLine(t, err, "put media/big.mp4", "interrupted")
			if elapsed > abortTimeout+3*time.Second {
				t.Errorf("took %v after Ctrl-C", elapsed)
			}
			t.Log(err)
			fp.DropAll()
			fp.Thaw()
			if frozen {
				if !strings.Contains(err.Error(), "stays on the server") {
					t.Errorf("the unaborted upload is not mentioned: %v", err)
				}
				if _, err := s.CleanStale(t.Context(), 0); err != nil {
					t.Fatal(err)
				}
			}
			if left := uploads(t, srv, s); len(left) != 0 {
				t.Errorf("incomplete uploads remain: %q", left)
			}
		})
	}
}

// TestCleanStaleAge: CleanStale keeps uploads younger than the age given,
// which may belong to a publish under way.
func TestCleanStaleAge(t *testing.T) {
	srv := s3test.StartShared(t)
	s := newTestStore(t, testConfig(t, srv))
	_, err := srv.Client().CreateMultipartUpload(t.Context(), &s3.CreateMultipartUploadInput{
		Bucket: aws.String(s.cfg.Bucket), Key: aws.String(s.cfg.Prefix + "media/young.mp3"),
	})
	if err != nil {
		t.Fatal(err)
	}
	if n, err := s.CleanStale(t.Context(), time.Hour); err != nil || n != 0 {
		t.Errorf("CleanStale(1h): removed %d (%v), want 0", n, err)
	}
	if got := uploads(t, srv, s); len(got) != 1 {
		t.Fatalf("uploads: %q", got)
	}
	if n, err := s.CleanStale(t.Context(), 0); err != nil || n != 1 {
		t.Errorf("CleanStale(0): removed %d (%v), want 1", n, err)
	}
	if got := uploads(t, srv, s); len(got) != 0 {
		t.Errorf("uploads left: %q", got)
	}
}

// A store that found the server frozen fails its later requests at once
// with the same error, instead of waiting another idle period for each
// (the abort, the lock's release, the manifest): a publish against a frozen
// server ends within one timeout. While a request waits, OnSilence is told.
func TestFrozenServerLatches(t *testing.T) {
	srv := s3test.StartShared(t)
	fp := s3test.NewFaultProxy(t, srv.Endpoint)
	cfg := testConfig(t, srv)
	cfg.Endpoint = fp.Endpoint()
	cfg.IdleTimeout = 7 * time.Second // past one OnSilence step
	var mu sync.Mutex
	var told []time.Duration
	cfg.OnSilence = func(silent, limit time.Duration) {
		mu.Lock()
		told = append(told, silent)
		mu.Unlock()
	}
	s := newTestStore(t, cfg)
	if _, err := s.Put(t.Context(), "a.txt", strings.NewReader("a"), store.PutOptions{Size: 1}); err != nil {
		t.Fatal(err)
	}
	fp.Freeze()
	defer fp.Thaw()
	_, err := s.Stat(t.Context(), "a.txt")
	var stall *StallError
	if !errors.As(err, &stall) {
		t.Fatalf("Stat on a frozen server: %v", err)
	}
	mu.Lock()
	n := len(told)
	mu.Unlock()
	if n == 0 {
		t.Error("OnSilence was not told of the wait")
	}
	// Later requests meet the latch: they fail with the stall at once,
	// which a request that waited again could not do before the limit.
	ctx, cancel := context.WithTimeout(t.Context(), cfg.IdleTimeout/2)
	defer cancel()
	for _, key := range []string{"a.txt", "b.txt"} {
		if _, err := s.Stat(ctx, key); !errors.As(err, &stall) || ctx.Err() != nil {
			t.Errorf("Stat %s after the stall: %v (ctx %v); want the stall at once", key, err, ctx.Err())
		}
	}
}
