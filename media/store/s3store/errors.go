package s3store

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"syscall"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/smithy-go"
	smithyhttp "github.com/aws/smithy-go/transport/http"

	"github.com/feedpub/feedpub/media/store"
)

// Error is the error of every Store method: one line for people, naming the
// operation, the key and what to do, that wraps the store sentinel (if any)
// and the underlying error for errors.Is and errors.As.
type Error struct {
	Op  string // "put", "get", "stat", "list", "delete"
	Key string // the key, or the quoted prefix of a list
	// Msg explains the failure, such as `bucket "b" does not exist`.
	Msg  string
	Err  error // the cause, such as an SDK error; may be nil
	Kind error // store.ErrNotExist, store.ErrPrecondition, store.ErrConditionalUnsupported or nil
}

func (e *Error) Error() string {
	return "s3store: " + e.Op + " " + e.Key + ": " + e.Msg
}

// Unwrap returns the sentinel and the cause.
func (e *Error) Unwrap() []error {
	var errs []error
	if e.Kind != nil {
		errs = append(errs, e.Kind)
	}
	if e.Err != nil {
		errs = append(errs, e.Err)
	}
	return errs
}

// fail translates err, returned by an operation on key, into an *Error.
func (s *Store) fail(op, key string, err error) error {
	kind, msg := s.explain(err)
	return &Error{Op: op, Key: key, Msg: msg, Err: err, Kind: kind}
}

// credentialError marks a failure to get credentials from the chain.
type credentialError struct{ err error }

func (e *credentialError) Error() string { return "get credentials: " + e.err.Error() }
func (e *credentialError) Unwrap() error { return e.err }

// credentialGuard marks the errors of a credentials provider, so that they
// can be told from other errors without matching strings.
type credentialGuard struct{ p aws.CredentialsProvider }

func (g credentialGuard) Retrieve(ctx context.Context) (aws.Credentials, error) {
	c, err := g.p.Retrieve(ctx)
	if err != nil && ctx.Err() == nil {
		return c, &credentialError{err}
	}
	return c, err
}

// explain returns the store sentinel for err, if any, and one line saying
// what went wrong and what to check. It never includes credentials: only
// error codes, HTTP statuses, the server's short message and host names.
//
//lint:ignore ST1008 kind is the sentinel callers wrap, msg only words
func (s *Store) explain(err error) (kind error, msg string) {
	if err == nil {
		return nil, ""
	}
	bucket := fmt.Sprintf("bucket %q", s.cfg.Bucket)
	endpoint := "the S3 endpoint"
	if s.cfg.Endpoint != "" {
		endpoint = "endpoint " + redactURL(s.cfg.Endpoint)
	}
	var (
		apiErr  smithy.APIError
		respErr *smithyhttp.ResponseError
		credErr *credentialError
		opErr   *net.OpError
		dnsErr  *net.DNSError
	)
	status := 0
	if errors.As(err, &respErr) {
		status = respErr.HTTPStatusCode()
	}
	code := ""
	if errors.As(err, &apiErr) {
		code = apiErr.ErrorCode()
	}
	var stall *StallError
	if errors.As(err, &stall) {
		return nil, fmt.Sprintf("%s stopped answering (no data for %s)", s.server(), stall.Idle)
	}
	// No HTTP status and a network timeout: the server never answered
	// (net/http's header timeout also counts as a deadline, so test first).
	var netErr net.Error
	isDial := errors.As(err, &opErr) && opErr.Op == "dial"
	if status == 0 && !isDial && errors.As(err, &netErr) && netErr.Timeout() {
		return nil, fmt.Sprintf("%s did not answer in time; run publish again", endpoint)
	}
	switch {
	case errors.Is(err, context.Canceled):
		return nil, "interrupted before it finished"
	case errors.Is(err, context.DeadlineExceeded):
		return nil, fmt.Sprintf("%s did not finish in time", endpoint)
	case errors.As(err, &credErr):
		return nil, "no usable AWS credentials (set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, choose a profile, or log in with aws sso login)"
	case errors.As(err, &dnsErr):
		return nil, fmt.Sprintf("cannot resolve %q (check the endpoint and the network)", dnsErr.Name)
	case errors.As(err, &opErr) && opErr.Op == "dial":
		reason := "no connection"
		var sysErr interface{ Timeout() bool }
		if errors.As(opErr.Err, &sysErr) && sysErr.Timeout() {
			reason = "timed out"
		} else if opErr.Err != nil {
			reason = opErr.Err.Error() // such as "connect: connection refused"
		}
		return nil, fmt.Sprintf("cannot reach %s (%s)", endpoint, reason)
	}
	if status == 0 && (errors.As(err, &opErr) && (opErr.Op == "read" || opErr.Op == "write") ||
		errors.Is(err, net.ErrClosed) || errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) ||
		errors.Is(err, syscall.ECONNRESET) || errors.Is(err, syscall.EPIPE)) {
		return nil, fmt.Sprintf("the connection to %s broke during the request (network trouble or a server restart); run publish again", endpoint)
	}
	if kind, msg, ok := s.explainResponse(code, status, apiErr, respErr, bucket, endpoint); ok {
		return kind, msg
	}
	if apiErr != nil {
		if status != 0 {
			return nil, fmt.Sprintf("%s: %s (HTTP %d)", code, apiErr.ErrorMessage(), status)
		}
		return nil, fmt.Sprintf("%s: %s", code, apiErr.ErrorMessage())
	}
	if status != 0 {
		return nil, fmt.Sprintf("HTTP %d from %s", status, endpoint)
	}
	return nil, err.Error()
}

// explainResponse explains a server's answer by its error code, else by its
// HTTP status; ok is false for an answer it has no words for.
//
//lint:ignore ST1008 as explain: kind is the sentinel callers wrap, msg only words
func (s *Store) explainResponse(code string, status int, apiErr smithy.APIError, respErr *smithyhttp.ResponseError, bucket, endpoint string) (kind error, msg string, ok bool) {
	switch code {
	case "NoSuchKey", "NotFound", "NoSuchUpload":
		return store.ErrNotExist, "object does not exist", true
	case "NoSuchBucket":
		return nil, fmt.Sprintf("%s does not exist (create it, or check the bucket name and the endpoint)", bucket), true
	case "PreconditionFailed", "ConditionalRequestConflict":
		return store.ErrPrecondition, "precondition failed: the object exists or has changed", true
	case "NotImplemented":
		return store.ErrConditionalUnsupported, fmt.Sprintf("%s does not implement this request (%s)", endpoint, apiErr.ErrorMessage()), true
	case "InvalidAccessKeyId", "XAdminUserNotFound": // versitygw: 404 XAdminUserNotFound
		return nil, fmt.Sprintf("the access key ID is not known to %s (check the credentials)", endpoint), true
	case "SignatureDoesNotMatch":
		return nil, "signature mismatch: the secret access key is wrong (check the credentials)", true
	case "RequestTimeTooSkewed":
		return nil, "this computer's clock is too far from the server's (set the system time)", true
	case "ExpiredToken", "TokenRefreshRequired", "InvalidToken":
		return nil, "the session token is invalid or has expired (log in again, e.g. aws sso login)", true
	case "PermanentRedirect", "AuthorizationHeaderMalformed", "IllegalLocationConstraintException":
		return nil, s.wrongRegion(respErr), true
	case "AccessDenied", "AllAccessDisabled", "AccountProblem":
		return nil, fmt.Sprintf("access denied to %s (check the credentials' permissions)", bucket), true
	case "SlowDown":
		return nil, "the server is throttling requests (SlowDown; lower the upload concurrency)", true
	case "BadDigest", "InvalidDigest", "XAmzContentSHA256Mismatch", "InvalidChecksum":
		return nil, fmt.Sprintf("the server received different bytes than were sent (%s); the object was not changed", code), true
	}
	// Responses without a body (HEAD) have only a status, and the SDK makes
	// a code of its text, such as "NotFound"; other codes are specific.
	byStatus := status
	if code != "" && code != "UnknownError" && code != strings.ReplaceAll(http.StatusText(status), " ", "") {
		byStatus = 0
	}
	switch byStatus {
	case http.StatusNotFound:
		return store.ErrNotExist, "object does not exist", true
	case http.StatusPreconditionFailed:
		return store.ErrPrecondition, "precondition failed: the object exists or has changed", true
	case http.StatusNotImplemented:
		return store.ErrConditionalUnsupported, fmt.Sprintf("%s does not implement this request", endpoint), true
	case http.StatusMovedPermanently, http.StatusTemporaryRedirect:
		return nil, s.wrongRegion(respErr), true
	case http.StatusForbidden:
		return nil, fmt.Sprintf("access denied to %s (check the credentials and their permissions)", bucket), true
	}
	return nil, "", false
}

// server names the server for messages: "the server at URL", or S3.
func (s *Store) server() string {
	if s.cfg.Endpoint == "" {
		return "S3"
	}
	return "the server at " + redactURL(s.cfg.Endpoint)
}

// wrongRegion says which region the bucket is in, when the server said.
func (s *Store) wrongRegion(respErr *smithyhttp.ResponseError) string {
	region := ""
	if respErr != nil && respErr.Response != nil {
		region = respErr.Response.Header.Get("X-Amz-Bucket-Region")
	}
	if region != "" {
		return fmt.Sprintf("bucket %q is in region %s, not %s (set the region)", s.cfg.Bucket, region, s.region())
	}
	return fmt.Sprintf("bucket %q is in another region than %s, or the endpoint is wrong (set the region)", s.cfg.Bucket, s.region())
}

func (s *Store) region() string {
	if s.client != nil {
		return s.client.Options().Region
	}
	return s.cfg.Region
}

// explainConfig translates an error of loading the SDK configuration.
func explainConfig(cfg Config, err error) error {
	var noProfile config.SharedConfigProfileNotExistError
	if errors.As(err, &noProfile) {
		return fmt.Errorf("s3store: profile %q is not in the AWS config files: %w", cfg.Profile, err)
	}
	return fmt.Errorf("s3store: load AWS configuration: %w", err)
}
