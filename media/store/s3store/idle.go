package s3store

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"sync"
	"sync/atomic"
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

// silenceStep is how often a request waiting for an answer is reported
// (Config.OnSilence) while the server says nothing.
const silenceStep = 5 * time.Second

// stallWatch is what the connections of one Store share: the idle limit,
// whom to tell of a silence, and the latch of a server found frozen.
type stallWatch struct {
	idle      time.Duration
	onSilence func(silent, limit time.Duration)
	// frozen is set by the first request that waited idle for an answer:
	// a frozen server stays frozen, so every later request of the run
	// (the abort, the lock's release) fails at once with the same error
	// rather than wait another idle period each.
	frozen atomic.Pointer[StallError]
}

// idleDialer wraps dial so that every connection fails a Read or Write
// once no byte has moved on it, either way, for the idle limit: while a
// body is being sent the pending read of its answer does not expire, and a
// connection idle in the pool expires harmlessly (the transport drops it).
func idleDialer(dial func(ctx context.Context, network, addr string) (net.Conn, error), w *stallWatch) func(ctx context.Context, network, addr string) (net.Conn, error) {
	return func(ctx context.Context, network, addr string) (net.Conn, error) {
		if e := w.frozen.Load(); e != nil {
			return nil, e
		}
		c, err := dial(ctx, network, addr)
		if err != nil {
			return nil, err
		}
		return &idleConn{Conn: c, w: w}, nil
	}
}

type idleConn struct {
	net.Conn
	w *stallWatch
	// When bytes last went each way (UnixNano): a request is waiting for
	// its answer while the last write is newer than the last read.
	wrote, read atomic.Int64
}

func (c *idleConn) Read(p []byte) (int, error) {
	if e := c.w.frozen.Load(); e != nil {
		return 0, e
	}
	start := time.Now().UnixNano()
	for {
		// Silent since the last byte either way: a body being sent keeps
		// the pending read of its answer alive.
		last := max(start, c.wrote.Load(), c.read.Load())
		silent := time.Duration(time.Now().UnixNano() - last)
		step := c.w.idle - silent
		final := true // this wait, timed out, reaches the limit
		if c.w.onSilence != nil && step > silenceStep {
			step, final = silenceStep, false
		}
		c.Conn.SetReadDeadline(time.Now().Add(step))
		n, err := c.Conn.Read(p)
		if n > 0 {
			c.read.Store(time.Now().UnixNano())
		}
		if err == nil || n > 0 || !errors.Is(err, os.ErrDeadlineExceeded) {
			return n, err
		}
		waiting := c.wrote.Load() > c.read.Load()
		// Bytes sent since the deadline was set (a body going up) push
		// the limit on; the slack absorbs the clock between the two.
		silent = time.Duration(time.Now().UnixNano() - max(start, c.wrote.Load(), c.read.Load()))
		if !final || silent+50*time.Millisecond < c.w.idle {
			if waiting && c.w.onSilence != nil && silent >= silenceStep {
				c.w.onSilence(silent.Round(time.Second), c.w.idle)
			}
			continue // a timed-out read leaves a TCP connection usable
		}
		return n, c.stalled(err, waiting)
	}
}

func (c *idleConn) Write(p []byte) (int, error) {
	if e := c.w.frozen.Load(); e != nil {
		return 0, e
	}
	c.Conn.SetWriteDeadline(time.Now().Add(c.w.idle))
	n, err := c.Conn.Write(p)
	if n > 0 {
		c.wrote.Store(time.Now().UnixNano())
	}
	if err != nil && errors.Is(err, os.ErrDeadlineExceeded) {
		return n, c.stalled(err, true)
	}
	return n, err
}

// stalled makes the error of a connection silent for the idle limit, and
// latches the store as frozen when a request was waiting on it (not when
// a connection merely sat idle in the pool).
func (c *idleConn) stalled(err error, waiting bool) error {
	se := &StallError{Idle: c.w.idle, Err: err}
	if waiting {
		c.w.frozen.CompareAndSwap(nil, se)
	}
	return se
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
