// Package s3test gives tests a real S3-compatible server: the one named by
// the FEEDPUB_TEST_S3_* environment variables, or else a versitygw process
// that it starts on a free loopback port with a posix backend in a temporary
// folder.
//
// Environment:
//
//	FEEDPUB_TEST_S3_ENDPOINT     use this server (with _BUCKET, _ACCESS_KEY,
//	                             _SECRET_KEY and optionally _REGION)
//	FEEDPUB_VERSITYGW            the versitygw binary to start; otherwise
//	                             <repo root>/.cache/bin/versitygw, then $PATH
//	FEEDPUB_TEST_S3_DIR          where versitygw keeps its data; otherwise
//	                             /dev/shm, then the system temp folder
//	FEEDPUB_TEST_REQUIRE_S3=1    fail instead of skip when there is no
//	                             server (CI sets it)
//
// Install versitygw with .ci/s3-server.sh.
package s3test

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
)

// Server is an S3-compatible server for tests.
type Server struct {
	Endpoint  string // "http://127.0.0.1:PORT"
	Region    string
	Bucket    string // created for this server; tests share it
	AccessKey string
	SecretKey string

	// Only for a versitygw that this package started.
	bin  string
	dir  string // posix backend root: every folder is a bucket
	addr string // 127.0.0.1:PORT

	mu   sync.Mutex
	cmd  *exec.Cmd
	exit chan struct{} // closed when cmd has exited
}

// Start returns a server of its own for the calling test, stopped when the
// test ends. It skips the test when there is none, or fails it when
// FEEDPUB_TEST_REQUIRE_S3=1.
func Start(t testing.TB) *Server {
	t.Helper()
	s, err := start()
	if err != nil {
		unavailable(t, err)
	}
	t.Cleanup(s.stop)
	return s
}

var shared struct {
	once sync.Once
	s    *Server
	err  error
}

// StartShared returns the server shared by every test of the test binary,
// starting it on first use. Tests must not Stop or Restart it, and should
// use their own prefix or NewBucket. Call StopShared from TestMain after
// m.Run; on Linux the server also dies with the test binary.
func StartShared(t testing.TB) *Server {
	t.Helper()
	shared.once.Do(func() { shared.s, shared.err = start() })
	if shared.err != nil {
		unavailable(t, shared.err)
	}
	return shared.s
}

// StopShared stops the shared server, if one was started.
func StopShared() {
	if shared.s != nil {
		shared.s.stop()
	}
}

// unavailable skips t, or fails it when FEEDPUB_TEST_REQUIRE_S3=1.
func unavailable(t testing.TB, err error) {
	t.Helper()
	if os.Getenv("FEEDPUB_TEST_REQUIRE_S3") == "1" {
		t.Fatalf("s3test: no S3 server, and FEEDPUB_TEST_REQUIRE_S3=1: %v", err)
	}
	t.Skipf("s3test: no S3 server (run .ci/s3-server.sh or set FEEDPUB_TEST_S3_ENDPOINT): %v", err)
}

func start() (*Server, error) {
	if ep := os.Getenv("FEEDPUB_TEST_S3_ENDPOINT"); ep != "" {
		s := &Server{
			Endpoint:  ep,
			Region:    os.Getenv("FEEDPUB_TEST_S3_REGION"),
			Bucket:    os.Getenv("FEEDPUB_TEST_S3_BUCKET"),
			AccessKey: os.Getenv("FEEDPUB_TEST_S3_ACCESS_KEY"),
			SecretKey: os.Getenv("FEEDPUB_TEST_S3_SECRET_KEY"),
		}
		if s.Region == "" {
			s.Region = "us-east-1"
		}
		if s.Bucket == "" || s.AccessKey == "" || s.SecretKey == "" {
			return nil, errors.New("FEEDPUB_TEST_S3_ENDPOINT is set but FEEDPUB_TEST_S3_BUCKET, _ACCESS_KEY or _SECRET_KEY is not")
		}
		return s, nil
	}
	bin, err := findVersitygw()
	if err != nil {
		return nil, err
	}
	dir, err := dataDir()
	if err != nil {
		return nil, err
	}
	s := &Server{
		Region:    "us-east-1",
		Bucket:    "feedpub-test",
		AccessKey: "feedpub-" + randomHex(4),
		SecretKey: "secret-" + randomHex(16),
		bin:       bin,
		dir:       dir,
	}
	for attempt := 0; ; attempt++ {
		s.addr, err = freePort()
		if err == nil {
			s.Endpoint = "http://" + s.addr
			err = s.run()
		}
		if err == nil {
			break
		}
		if attempt == 2 {
			os.RemoveAll(dir)
			return nil, err
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := s.createBucket(ctx, s.Bucket); err != nil {
		s.stop()
		return nil, err
	}
	return s, nil
}

// findVersitygw returns the versitygw binary to run.
func findVersitygw() (string, error) {
	if p := os.Getenv("FEEDPUB_VERSITYGW"); p != "" {
		return p, nil
	}
	if root, err := repoRoot(); err == nil {
		p := filepath.Join(root, ".cache", "bin", "versitygw")
		if _, err := os.Stat(p); err == nil {
			return p, nil
		}
	}
	p, err := exec.LookPath("versitygw")
	if err != nil {
		return "", errors.New("versitygw not found in $FEEDPUB_VERSITYGW, .cache/bin or $PATH")
	}
	return p, nil
}

// repoRoot is the nearest folder upwards with a go.mod.
func repoRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("no go.mod above the working folder")
		}
		dir = parent
	}
}

// dataDir makes the posix backend's root on a file system that keeps
// extended attributes, which versitygw needs for object metadata.
func dataDir() (string, error) {
	var candidates []string
	if d := os.Getenv("FEEDPUB_TEST_S3_DIR"); d != "" {
		candidates = append(candidates, d)
	}
	candidates = append(candidates, "/dev/shm", os.TempDir())
	var errs []error
	for _, base := range candidates {
		dir, err := os.MkdirTemp(base, "feedpub-s3test-")
		if err != nil {
			errs = append(errs, err)
			continue
		}
		if err := checkXattr(dir); err != nil {
			os.RemoveAll(dir)
			errs = append(errs, fmt.Errorf("%s: extended attributes: %w", base, err))
			continue
		}
		return dir, nil
	}
	return "", fmt.Errorf("no folder for versitygw's data: %w", errors.Join(errs...))
}

func freePort() (string, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer l.Close()
	return l.Addr().String(), nil
}

func randomHex(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return hex.EncodeToString(b)
}

// run starts versitygw on s.addr and waits until it answers.
func (s *Server) run() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.cmd != nil {
		return errors.New("s3test: server already running")
	}
	cmd := exec.Command(s.bin, "--port", s.addr, "--quiet", "posix", s.dir)
	cmd.Env = append(os.Environ(),
		"ROOT_ACCESS_KEY_ID="+s.AccessKey,
		"ROOT_SECRET_ACCESS_KEY="+s.SecretKey,
	)
	cmd.Stdout = &syncWriter{w: new(bytes.Buffer)}
	cmd.Stderr = cmd.Stdout
	cmd.SysProcAttr = sysProcAttr()
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("s3test: start versitygw: %w", err)
	}
	exit := make(chan struct{})
	go func() {
		cmd.Wait()
		close(exit)
	}()
	client := &http.Client{Timeout: time.Second}
	deadline := time.Now().Add(15 * time.Second)
	for {
		resp, err := client.Get(s.Endpoint + "/")
		if err == nil {
			resp.Body.Close()
			break
		}
		select {
		case <-exit:
			return fmt.Errorf("s3test: versitygw exited at start: %s", strings.TrimSpace(cmd.Stdout.(*syncWriter).String()))
		case <-time.After(20 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			cmd.Process.Kill()
			<-exit
			return fmt.Errorf("s3test: versitygw did not answer on %s within 15s", s.addr)
		}
	}
	s.cmd, s.exit = cmd, exit
	return nil
}

// syncWriter lets the process write while a failing start reads.
type syncWriter struct {
	mu sync.Mutex
	w  *bytes.Buffer
}

func (w *syncWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.w.Write(p)
}

func (w *syncWriter) String() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.w.String()
}

// kill stops the process that this package started, by its pid.
func (s *Server) kill() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.cmd == nil {
		return
	}
	s.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-s.exit:
	case <-time.After(5 * time.Second):
		s.cmd.Process.Kill()
		<-s.exit
	}
	s.cmd = nil
}

func (s *Server) stop() {
	if s.bin == "" {
		return
	}
	s.kill()
	os.RemoveAll(s.dir)
}

// Stop stops the server process, keeping its port and data, as an outage
// would. Only for a server from Start, not StartShared or the environment.
func (s *Server) Stop(t testing.TB) {
	t.Helper()
	s.mustOwn(t)
	s.kill()
}

// Resume starts the server again after Stop, on the same port with the same
// data.
func (s *Server) Resume(t testing.TB) {
	t.Helper()
	s.mustOwn(t)
	var err error
	for range 50 { // the port may take a moment to be free again
		if err = s.run(); err == nil {
			return
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatal(err)
}

// Restart is Stop then Resume.
func (s *Server) Restart(t testing.TB) {
	t.Helper()
	s.Stop(t)
	s.Resume(t)
}

func (s *Server) mustOwn(t testing.TB) {
	t.Helper()
	if s.bin == "" {
		t.Skip("s3test: cannot stop a server given by FEEDPUB_TEST_S3_ENDPOINT")
	}
	if s == shared.s {
		t.Fatal("s3test: cannot stop the shared server; use Start")
	}
}

// Client returns an S3 client for the server with its credentials.
func (s *Server) Client() *s3.Client {
	return s3.New(s3.Options{
		BaseEndpoint: aws.String(s.Endpoint),
		Region:       s.Region,
		UsePathStyle: true,
		Credentials:  credentials.NewStaticCredentialsProvider(s.AccessKey, s.SecretKey, ""),
	})
}

func (s *Server) createBucket(ctx context.Context, name string) error {
	_, err := s.Client().CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String(name)})
	if err != nil {
		return fmt.Errorf("s3test: create bucket %s: %w", name, err)
	}
	return nil
}

// NewPrefix returns a random prefix such as "t-0123abcd/" in s.Bucket and
// deletes everything under it when the test ends.
func (s *Server) NewPrefix(t testing.TB) string {
	t.Helper()
	prefix := "t-" + randomHex(6) + "/"
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		if err := s.EmptyPrefix(ctx, s.Bucket, prefix); err != nil {
			t.Logf("s3test: clean up %s: %v", prefix, err)
		}
	})
	return prefix
}

// EmptyPrefix deletes every object under prefix in bucket, and aborts the
// multipart uploads left there.
func (s *Server) EmptyPrefix(ctx context.Context, bucket, prefix string) error {
	c := s.Client()
	p := s3.NewListObjectsV2Paginator(c, &s3.ListObjectsV2Input{Bucket: aws.String(bucket), Prefix: aws.String(prefix)})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return err
		}
		if len(page.Contents) == 0 {
			continue
		}
		var ids []types.ObjectIdentifier
		for _, o := range page.Contents {
			ids = append(ids, types.ObjectIdentifier{Key: o.Key})
		}
		// One by one: DeleteObjects needs a Content-MD5 some servers insist on.
		for _, id := range ids {
			if _, err := c.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: aws.String(bucket), Key: id.Key}); err != nil {
				return err
			}
		}
	}
	ups, err := c.ListMultipartUploads(ctx, &s3.ListMultipartUploadsInput{Bucket: aws.String(bucket), Prefix: aws.String(prefix)})
	if err != nil {
		return nil // not every server lists uploads; nothing more to do
	}
	for _, u := range ups.Uploads {
		c.AbortMultipartUpload(ctx, &s3.AbortMultipartUploadInput{Bucket: aws.String(bucket), Key: u.Key, UploadId: u.UploadId})
	}
	return nil
}
