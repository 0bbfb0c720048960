package s3store

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
)

// StallError is the error of a request on whose connection no byte moved,
// either way, for Idle: the server stopped answering (a frozen process, a
// dead route) without closing the connection.
type StallError struct {
	Idle time.Duration
	Err  error // os.ErrDeadlineExceeded
}

func (e *StallError) Error() string {
	return fmt.Sprintf("no data for %s", e.Idle)
}

// Unwrap returns the deadline error.
func (e *StallError) Unwrap() error { return e.Err }

// Timeout reports true, as every net.Error of a deadline does.
func (e *StallError) Timeout() bool { return true }

// Temporary is required by net.Error.
func (e *StallError) Temporary() bool { return false }

// idleDialer wraps dial so that every connection fails a Read or Write
// once no byte has moved on it for idle. Each Read and each Write pushes
// the deadline of both directions forward: while a body is being sent the
// pending read of the response must not expire, and a connection idle in
// the pool expires harmlessly (the transport drops it).
func idleDialer(dial func(ctx context.Context, network, addr string) (net.Conn, error), idle time.Duration) func(ctx context.Context, network, addr string) (net.Conn, error) {
	return func(ctx context.Context, network, addr string) (net.Conn, error) {
		c, err := dial(ctx, network, addr)
		if err != nil {
			return nil, err
		}
		return &idleConn{Conn: c, idle: idle}, nil
	}
}

type idleConn struct {
	net.Conn
	idle time.Duration
}

func (c *idleConn) Read(p []byte) (int, error) {
	c.Conn.SetDeadline(time.Now().Add(c.idle))
	n, err := c.Conn.Read(p)
	return n, c.stalled(err)
}

func (c *idleConn) Write(p []byte) (int, error) {
	c.Conn.SetDeadline(time.Now().Add(c.idle))
	n, err := c.Conn.Write(p)
	return n, c.stalled(err)
}

func (c *idleConn) stalled(err error) error {
	if err != nil && errors.Is(err, os.ErrDeadlineExceeded) {
		return &StallError{Idle: c.idle, Err: err}
	}
	return err
}

// abortRecorder is the S3 client the transfer manager uses. The manager
// aborts a failed multipart upload itself (on a fresh context bounded by
// abortTimeout), but when the abort fails too it folds both errors into
// one string, losing the cause that explain needs. So this client reports
// every abort as done and records the failures, which Put then mentions.
type abortRecorder struct {
	*s3.Client
	mu     sync.Mutex
	failed map[string]error // object key → abort error
}

func (a *abortRecorder) AbortMultipartUpload(ctx context.Context, in *s3.AbortMultipartUploadInput, opts ...func(*s3.Options)) (*s3.AbortMultipartUploadOutput, error) {
	out, err := a.Client.AbortMultipartUpload(ctx, in, opts...)
	if err != nil {
		a.mu.Lock()
		a.failed[aws.ToString(in.Key)] = err
		a.mu.Unlock()
		return &s3.AbortMultipartUploadOutput{}, nil
	}
	return out, nil
}

// abortFailed returns, and forgets, the failure to abort the upload of
// the object key.
func (a *abortRecorder) abortFailed(key string) error {
	a.mu.Lock()
	defer a.mu.Unlock()
	err := a.failed[key]
	delete(a.failed, key)
	return err
}
