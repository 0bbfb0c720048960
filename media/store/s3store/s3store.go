package s3store

import (
	"bytes"
	"cmp"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"time"

	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/smithy-go/logging"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/feature/s3/transfermanager"
	tmtypes "github.com/aws/aws-sdk-go-v2/feature/s3/transfermanager/types"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/smithy-go"

	"github.com/feedpub/feedpub/media/store"
)

// Defaults for the zero values of Config.
const (
	DefaultConcurrency        = 4
	DefaultPartSize           = 8 << 20
	DefaultMultipartThreshold = 16 << 20
	minPartSize               = 5 << 20 // S3's minimum for all parts but the last
)

// metaSHA256 is the user metadata key (x-amz-meta-sha256) holding the
// lower-case hex SHA-256 of the body.
const metaSHA256 = "sha256"

// Config selects the bucket, the server and how to talk to it.
type Config struct {
	Bucket string
	// Prefix is prepended to every key; "" or "x/y/" (New adds the slash).
	Prefix string
	// Region; "" uses the SDK's (AWS_REGION, the profile), else us-east-1.
	Region string
	// Endpoint is the server's URL for S3-compatible services, such as
	// "http://127.0.0.1:7070"; "" means AWS.
	Endpoint string
	// Profile selects a profile of the shared config files.
	Profile string
	// PathStyle addresses buckets as ENDPOINT/BUCKET instead of
	// BUCKET.ENDPOINT, as most S3-compatible servers need.
	PathStyle bool
	// ACL is the canned ACL for every Put without PutOptions.ACL, such as
	// "public-read"; "" sends none.
	ACL string
	// Concurrency is the number of parts of one multipart upload in flight;
	// 0 means DefaultConcurrency.
	Concurrency int
	// PartSize of multipart uploads; 0 means DefaultPartSize. At least 5 MiB.
	PartSize int64
	// MultipartThreshold is the body size from which Put uses a multipart
	// upload; 0 means DefaultMultipartThreshold.
	MultipartThreshold int64
	// MaxRetries is how often a request failing with a throttling, 5xx or
	// connection error is retried, with exponential backoff; 0 means the
	// SDK's default (2 retries), negative means none.
	MaxRetries int
	// HTTPClient replaces the SDK's HTTP client, e.g. for tests through a
	// fault proxy.
	HTTPClient *http.Client
	// Credentials replaces the SDK's standard credential chain.
	Credentials aws.CredentialsProvider
	// ResponseTimeout bounds the wait for the server to start answering a
	// request; 0 means DefaultResponseTimeout. Ignored with HTTPClient.
	ResponseTimeout time.Duration
	// IdleTimeout fails a request when no byte moved on its connection, in
	// either direction, for this long: a frozen server fails the publish
	// instead of hanging it. 0 means DefaultIdleTimeout. Ignored with
	// HTTPClient.
	IdleTimeout time.Duration
	// OnSilence, when set, is told every few seconds that a request has
	// had no answer for silent of the limit (IdleTimeout), so a frozen
	// server is reported while it is frozen. It must be safe for
	// concurrent use. Ignored with HTTPClient.
	OnSilence func(silent, limit time.Duration)
	// ConnectTimeout bounds opening a connection; 0 means
	// DefaultConnectTimeout. Ignored with HTTPClient.
	ConnectTimeout time.Duration
}

// Store is a store.Store over an S3 bucket. Create it with New.
type Store struct {
	cfg    Config
	client *s3.Client
	tm     *transfermanager.Client
	aborts *abortRecorder // the transfer manager's client

	condMu     sync.Mutex
	condNone   error // result of the If-None-Match probe, when probed
	condMatch  error // result of the If-Match probe, when probed
	condDelete error // result of the DeleteObject If-Match probe, when probed
	probed     bool
}

var (
	_ store.Store   = (*Store)(nil)
	_ store.Cleaner = (*Store)(nil)
)

// DefaultResponseTimeout is how long a request may wait for the server to
// start answering once the request is sent.
const DefaultResponseTimeout = 2 * time.Minute

// DefaultIdleTimeout is how long a connection may carry no byte, either
// way, during a request.
const DefaultIdleTimeout = 60 * time.Second

// DefaultConnectTimeout bounds opening a connection.
const DefaultConnectTimeout = 15 * time.Second

// abortTimeout bounds aborting a failed or cancelled multipart upload,
// which runs on a fresh context because the caller's may be cancelled.
const abortTimeout = 5 * time.Second

// New returns a Store for cfg. It loads the credentials' configuration but
// makes no request: a missing bucket or a wrong key shows at first use.
func New(ctx context.Context, cfg Config) (*Store, error) {
	if cfg.Bucket == "" {
		return nil, errors.New("s3store: no bucket")
	}
	cfg.Prefix = normalisePrefix(cfg.Prefix)
	if cfg.Concurrency <= 0 {
		cfg.Concurrency = DefaultConcurrency
	}
	if cfg.PartSize == 0 {
		cfg.PartSize = DefaultPartSize
	}
	if cfg.PartSize < minPartSize {
		return nil, fmt.Errorf("s3store: part size %d is below S3's minimum of 5 MiB", cfg.PartSize)
	}
	if cfg.MultipartThreshold <= 0 {
		cfg.MultipartThreshold = DefaultMultipartThreshold
	}
	if cfg.Endpoint != "" {
		if u, err := url.Parse(cfg.Endpoint); err != nil || u.Scheme == "" || u.Host == "" {
			return nil, fmt.Errorf("s3store: endpoint %q is not a URL such as https://host:port", redactURL(cfg.Endpoint))
		}
	}
	awsCfg, err := config.LoadDefaultConfig(ctx, loadOptions(cfg)...)
	if err != nil {
		return nil, explainConfig(cfg, err)
	}
	if awsCfg.Region == "" {
		awsCfg.Region = "us-east-1"
	}
	if awsCfg.Credentials != nil {
		awsCfg.Credentials = credentialGuard{awsCfg.Credentials}
	}
	client := s3.NewFromConfig(awsCfg, func(o *s3.Options) {
		if cfg.Endpoint != "" {
			o.BaseEndpoint = aws.String(cfg.Endpoint)
		}
		o.UsePathStyle = cfg.PathStyle
		// Composite (multipart) checksums cannot be checked on download;
		// that is expected, not worth a warning on every Get.
		o.DisableLogOutputChecksumValidationSkipped = true
	})
	aborts := &abortRecorder{Client: client, failed: map[string]error{}}
	tm := transfermanager.New(aborts, func(o *transfermanager.Options) {
		o.PartSizeBytes = cfg.PartSize
		o.Concurrency = cfg.Concurrency
		o.MultipartUploadThreshold = cfg.MultipartThreshold
		o.ChecksumAlgorithm = tmtypes.ChecksumAlgorithmSha256
		// Abort a failed upload on a fresh context, also after Ctrl-C,
		// but not for long: a frozen server would hold the exit.
		o.FailTimeout = abortTimeout
	})
	return &Store{cfg: cfg, client: client, tm: tm, aborts: aborts}, nil
}

// loadOptions gives the SDK's config options for cfg: retries (none after a
// stall), region, profile, credentials and an HTTP client with deadlines.
func loadOptions(cfg Config) []func(*config.LoadOptions) error {
	attempts := 0 // the SDK's default
	switch {
	case cfg.MaxRetries < 0:
		attempts = 1
	case cfg.MaxRetries > 0:
		attempts = cfg.MaxRetries + 1
	}
	opts := []func(*config.LoadOptions) error{
		// The SDK's own warnings (an IMDS fallback, a skipped checksum) are
		// noise next to feedpub's one-line errors.
		config.WithLogger(logging.Nop{}),
		config.WithRetryer(func() aws.Retryer {
			return retry.NewStandard(func(o *retry.StandardOptions) {
				if attempts > 0 {
					o.MaxAttempts = attempts
				}
				// A server that went silent stays silent: a retry would
				// only wait another idle period.
				o.Retryables = append([]retry.IsErrorRetryable{retry.IsErrorRetryableFunc(func(err error) aws.Ternary {
					var stall *StallError
					if errors.As(err, &stall) {
						return aws.FalseTernary
					}
					return aws.UnknownTernary
				})}, o.Retryables...)
			})
		}),
	}
	if cfg.Region != "" {
		opts = append(opts, config.WithRegion(cfg.Region))
	}
	if cfg.Profile != "" {
		opts = append(opts, config.WithSharedConfigProfile(cfg.Profile))
	}
	if cfg.HTTPClient != nil {
		opts = append(opts, config.WithHTTPClient(cfg.HTTPClient))
	} else {
		timeout := cmp.Or(cfg.ResponseTimeout, DefaultResponseTimeout)
		idle := cmp.Or(cfg.IdleTimeout, DefaultIdleTimeout)
		connect := cmp.Or(cfg.ConnectTimeout, DefaultConnectTimeout)
		// The SDK's own client (so AWS_CA_BUNDLE still applies) with
		// deadlines: a server that accepts a connection and then says
		// nothing, or stops mid-request, must not hang a publish.
		opts = append(opts, config.WithHTTPClient(awshttp.NewBuildableClient().
			WithDialerOptions(func(d *net.Dialer) { d.Timeout = connect }).
			WithTransportOptions(func(t *http.Transport) {
				t.ResponseHeaderTimeout = timeout
				t.DialContext = idleDialer(t.DialContext, &stallWatch{idle: idle, onSilence: cfg.OnSilence})
			})))
	}
	if cfg.Credentials != nil {
		opts = append(opts, config.WithCredentialsProvider(cfg.Credentials))
	}
	return opts
}

// normalisePrefix drops empty path elements and ends a non-empty prefix
// with a slash: "/a//b" → "a/b/".
func normalisePrefix(p string) string {
	var els []string
	for el := range strings.SplitSeq(p, "/") {
		if el != "" {
			els = append(els, el)
		}
	}
	if len(els) == 0 {
		return ""
	}
	return strings.Join(els, "/") + "/"
}

// String returns "s3://bucket/prefix", and the endpoint's host when set.
func (s *Store) String() string {
	str := "s3://" + s.cfg.Bucket + "/" + s.cfg.Prefix
	if s.cfg.Endpoint != "" {
		str += " at " + endpointHost(s.cfg.Endpoint)
	}
	return str
}

func endpointHost(endpoint string) string {
	if u, err := url.Parse(endpoint); err == nil && u.Host != "" {
		return u.Host
	}
	return redactURL(endpoint)
}

// redactURL removes a password from a URL given by the user.
func redactURL(s string) string {
	if u, err := url.Parse(s); err == nil {
		return u.Redacted()
	}
	if i := strings.LastIndex(s, "@"); i >= 0 {
		return "…" + s[i:]
	}
	return s
}

func (s *Store) objectKey(key string) *string { return aws.String(s.cfg.Prefix + key) }

// Stat implements store.Store with HeadObject. A missing bucket also gives
// store.ErrNotExist: a HEAD response has no body to tell them apart.
func (s *Store) Stat(ctx context.Context, key string) (store.Object, error) {
	if err := store.CheckKey(key); err != nil {
		return store.Object{}, s.fail("stat", key, err)
	}
	out, err := s.client.HeadObject(ctx, &s3.HeadObjectInput{Bucket: &s.cfg.Bucket, Key: s.objectKey(key)})
	if err != nil {
		return store.Object{}, s.fail("stat", key, err)
	}
	return store.Object{
		Key:          key,
		Size:         aws.ToInt64(out.ContentLength),
		SHA256:       metaHash(out.Metadata),
		ContentType:  aws.ToString(out.ContentType),
		CacheControl: aws.ToString(out.CacheControl),
		ETag:         aws.ToString(out.ETag),
		ModTime:      aws.ToTime(out.LastModified),
	}, nil
}

// metaHash returns the sha256 user metadata if it is well-formed.
func metaHash(meta map[string]string) string {
	v := strings.ToLower(meta[metaSHA256])
	if len(v) != sha256.Size*2 {
		return ""
	}
	if _, err := hex.DecodeString(v); err != nil {
		return ""
	}
	return v
}

// Get implements store.Store with GetObject.
func (s *Store) Get(ctx context.Context, key string) (io.ReadCloser, store.Object, error) {
	if err := store.CheckKey(key); err != nil {
		return nil, store.Object{}, s.fail("get", key, err)
	}
	out, err := s.client.GetObject(ctx, &s3.GetObjectInput{Bucket: &s.cfg.Bucket, Key: s.objectKey(key)})
	if err != nil {
		return nil, store.Object{}, s.fail("get", key, err)
	}
	return out.Body, store.Object{
		Key:          key,
		Size:         aws.ToInt64(out.ContentLength),
		SHA256:       metaHash(out.Metadata),
		ContentType:  aws.ToString(out.ContentType),
		CacheControl: aws.ToString(out.CacheControl),
		ETag:         aws.ToString(out.ETag),
		ModTime:      aws.ToTime(out.LastModified),
	}, nil
}

// List implements store.Store with ListObjectsV2. The Objects have no
// SHA256, ContentType or CacheControl: Stat a key for them. Keys ending in a
// slash (folder markers made by consoles) are skipped.
func (s *Store) List(ctx context.Context, prefix string) ([]store.Object, error) {
	p := s3.NewListObjectsV2Paginator(s.client, &s3.ListObjectsV2Input{
		Bucket: &s.cfg.Bucket,
		Prefix: aws.String(s.cfg.Prefix + prefix),
	})
	var objs []store.Object
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, s.fail("list", fmt.Sprintf("%q", prefix), err)
		}
		for _, o := range page.Contents {
			key, ok := strings.CutPrefix(aws.ToString(o.Key), s.cfg.Prefix)
			if !ok || key == "" || strings.HasSuffix(key, "/") {
				continue
			}
			objs = append(objs, store.Object{
				Key:     key,
				Size:    aws.ToInt64(o.Size),
				ETag:    aws.ToString(o.ETag),
				ModTime: aws.ToTime(o.LastModified),
			})
		}
	}
	slices.SortFunc(objs, func(a, b store.Object) int { return strings.Compare(a.Key, b.Key) })
	return objs, nil
}

// Delete implements store.Store with DeleteObject.
func (s *Store) Delete(ctx context.Context, key string) error {
	if err := store.CheckKey(key); err != nil {
		return s.fail("delete", key, err)
	}
	_, err := s.client.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: &s.cfg.Bucket, Key: s.objectKey(key)})
	if err != nil {
		if err := s.fail("delete", key, err); !errors.Is(err, store.ErrNotExist) {
			return err
		}
	}
	return nil
}

// DeleteIf implements store.Store with DeleteObject and If-Match. On a
// server that ignores If-Match on DeleteObject (found by the probe, see
// checkConditional) it compares the ETag with HeadObject and then deletes:
// a write between the two requests would be lost, a window of one round
// trip that the lock's use of DeleteIf (releasing a lock only its holder
// refreshes) makes harmless in practice.
func (s *Store) DeleteIf(ctx context.Context, key, etag string) error {
	if err := store.CheckKey(key); err != nil {
		return s.fail("delete", key, err)
	}
	if err := ctx.Err(); err != nil {
		return s.fail("delete", key, err)
	}
	if err := s.checkDeleteIf(ctx); err != nil {
		if !errors.Is(err, store.ErrConditionalUnsupported) {
			return s.fail("delete", key, err)
		}
		cur, err := s.client.HeadObject(ctx, &s3.HeadObjectInput{Bucket: &s.cfg.Bucket, Key: s.objectKey(key)})
		if err != nil {
			return s.fail("delete", key, err)
		}
		if aws.ToString(cur.ETag) != etag {
			return s.fail("delete", key, &smithy.GenericAPIError{Code: "PreconditionFailed", Message: "the ETag differs"})
		}
		return s.Delete(ctx, key)
	}
	_, err := s.client.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: &s.cfg.Bucket, Key: s.objectKey(key), IfMatch: aws.String(etag)})
	if err != nil {
		return s.fail("delete", key, err)
	}
	return nil
}

// CleanStale implements store.Cleaner: it aborts the incomplete multipart
// uploads under the prefix that were started more than olderThan ago (by
// the server's clock, as Initiated says), freeing the parts that a killed
// or cut-off publish left and that S3 would otherwise store, and bill,
// forever. Give at least the publish lock's expiry as olderThan unless the
// caller holds the lock.
func (s *Store) CleanStale(ctx context.Context, olderThan time.Duration) (int, error) {
	cutoff := time.Now().Add(-olderThan)
	in := &s3.ListMultipartUploadsInput{Bucket: &s.cfg.Bucket, Prefix: aws.String(s.cfg.Prefix)}
	n := 0
	for {
		page, err := s.client.ListMultipartUploads(ctx, in)
		if err != nil {
			return n, s.fail("list uploads", fmt.Sprintf("%q", s.cfg.Prefix), err)
		}
		for _, u := range page.Uploads {
			if u.Initiated != nil && !u.Initiated.Before(cutoff) {
				continue
			}
			_, err := s.client.AbortMultipartUpload(ctx, &s3.AbortMultipartUploadInput{Bucket: &s.cfg.Bucket, Key: u.Key, UploadId: u.UploadId})
			if err != nil {
				if kind, _ := s.explain(err); kind != store.ErrNotExist { // NoSuchUpload: gone meanwhile
					key, _ := strings.CutPrefix(aws.ToString(u.Key), s.cfg.Prefix)
					return n, s.fail("abort upload of", key, err)
				}
			}
			n++
		}
		if !aws.ToBool(page.IsTruncated) {
			return n, nil
		}
		in.KeyMarker, in.UploadIdMarker = page.NextKeyMarker, page.NextUploadIdMarker
	}
}

// Put implements store.Store. See the package documentation for how bodies
// are sent. The returned Object has the SHA-256 that Put computed, and
// ModTime is this computer's clock at the end of the upload.
func (s *Store) Put(ctx context.Context, key string, r io.Reader, o store.PutOptions) (store.Object, error) {
	if err := store.CheckKey(key); err != nil {
		return store.Object{}, s.fail("put", key, err)
	}
	if o.IfNoneMatch && o.IfMatch != "" {
		return store.Object{}, s.fail("put", key, errors.New("IfNoneMatch and IfMatch together"))
	}
	if o.SHA256 != "" {
		if b, err := hex.DecodeString(o.SHA256); err != nil || len(b) != sha256.Size {
			return store.Object{}, s.fail("put", key, fmt.Errorf("SHA256 %q is not a hex SHA-256", o.SHA256))
		}
		o.SHA256 = strings.ToLower(o.SHA256)
	}
	if err := ctx.Err(); err != nil {
		return store.Object{}, s.fail("put", key, err)
	}
	if err := s.checkConditional(ctx, o); err != nil {
		return store.Object{}, s.fail("put", key, err)
	}
	size := o.Size
	if size < 0 {
		size = remaining(r)
	}
	body := &bodyReader{ctx: ctx, r: r, h: sha256.New(), size: o.Size, want: o.SHA256}
	var (
		etag string
		err  error
	)
	if size >= s.cfg.MultipartThreshold {
		etag, err = s.putLarge(ctx, key, body, size, o)
	} else {
		// Read up to the threshold: if the body ends before, it is sent
		// in one request; otherwise the buffer starts a multipart upload.
		var buf []byte
		buf, err = io.ReadAll(io.LimitReader(body, s.cfg.MultipartThreshold))
		switch {
		case err != nil:
		case int64(len(buf)) < s.cfg.MultipartThreshold:
			etag, err = s.putSmall(ctx, key, buf, body.sum, o)
		default:
			etag, err = s.putLarge(ctx, key, io.MultiReader(bytes.NewReader(buf), body), -1, o)
		}
	}
	if err != nil {
		if berr := body.err; berr != nil && !errors.Is(err, context.Canceled) {
			err = berr // the body's own fault explains best
		}
		ferr := s.fail("put", key, err)
		if s.aborts.abortFailed(aws.ToString(s.objectKey(key))) != nil {
			var e *Error
			if errors.As(ferr, &e) {
				e.Msg += "; its incomplete upload could not be aborted and stays on the server until publish --prune removes it"
			}
		}
		return store.Object{}, ferr
	}
	return store.Object{
		Key:          key,
		Size:         body.n,
		SHA256:       hex.EncodeToString(body.sum),
		ContentType:  o.ContentType,
		CacheControl: o.CacheControl,
		ETag:         etag,
		ModTime:      time.Now(),
	}, nil
}

// remaining returns the bytes left in r if it is an io.Seeker, else -1.
func remaining(r io.Reader) int64 {
	sk, ok := r.(io.Seeker)
	if !ok {
		return -1
	}
	cur, err := sk.Seek(0, io.SeekCurrent)
	if err != nil {
		return -1
	}
	end, err := sk.Seek(0, io.SeekEnd)
	if err != nil {
		return -1
	}
	if _, err := sk.Seek(cur, io.SeekStart); err != nil {
		return -1
	}
	return end - cur
}

// SetMeta implements store.Store with CopyObject of the object onto itself
// (MetadataDirective REPLACE): the server copies the bytes, nothing is
// sent. The SHA-256 metadata is carried over (from o.SHA256 when the caller
// knows it, otherwise read with a HEAD first), and the canned ACL set
// again, since a copy does not keep the source's. CopyObject takes objects
// of up to 5 GiB; a bigger one is refused by the server.
func (s *Store) SetMeta(ctx context.Context, key string, o store.PutOptions) error {
	if err := store.CheckKey(key); err != nil {
		return s.fail("set metadata of", key, err)
	}
	sha := o.SHA256
	if sha == "" {
		cur, err := s.Stat(ctx, key)
		if err != nil {
			return err
		}
		sha = cur.SHA256
	}
	in := &s3.CopyObjectInput{
		Bucket:            &s.cfg.Bucket,
		Key:               s.objectKey(key),
		CopySource:        aws.String(copySource(s.cfg.Bucket, s.cfg.Prefix+key)),
		MetadataDirective: types.MetadataDirectiveReplace,
		ContentType:       nz(o.ContentType),
		CacheControl:      nz(o.CacheControl),
		ACL:               types.ObjectCannedACL(s.acl(o)),
	}
	if sha != "" {
		in.Metadata = map[string]string{metaSHA256: sha}
	}
	if _, err := s.client.CopyObject(ctx, in); err != nil {
		return s.fail("set metadata of", key, err)
	}
	return nil
}

// copySource is the x-amz-copy-source of key in bucket: each path segment
// URL-escaped, the slashes kept.
func copySource(bucket, key string) string {
	segs := strings.Split(key, "/")
	for i, seg := range segs {
		segs[i] = url.PathEscape(seg)
	}
	return bucket + "/" + strings.Join(segs, "/")
}

func (s *Store) acl(o store.PutOptions) string {
	if o.ACL != "" {
		return o.ACL
	}
	return s.cfg.ACL
}

func nz(s string) *string {
	if s == "" {
		return nil
	}
	return aws.String(s)
}

// putSmall sends a body held in memory with PutObject and a SHA-256
// checksum that the server verifies.
func (s *Store) putSmall(ctx context.Context, key string, buf, sum []byte, o store.PutOptions) (string, error) {
	in := &s3.PutObjectInput{
		Bucket:            &s.cfg.Bucket,
		Key:               s.objectKey(key),
		Body:              bytes.NewReader(buf),
		ContentLength:     aws.Int64(int64(len(buf))),
		ContentType:       nz(o.ContentType),
		CacheControl:      nz(o.CacheControl),
		ACL:               types.ObjectCannedACL(s.acl(o)),
		Metadata:          map[string]string{metaSHA256: hex.EncodeToString(sum)},
		ChecksumAlgorithm: types.ChecksumAlgorithmSha256,
		ChecksumSHA256:    aws.String(base64.StdEncoding.EncodeToString(sum)),
	}
	if o.IfNoneMatch {
		in.IfNoneMatch = aws.String("*")
	}
	in.IfMatch = nz(o.IfMatch)
	out, err := s.client.PutObject(ctx, in)
	if err != nil {
		return "", err
	}
	return aws.ToString(out.ETag), nil
}

// putLarge streams body as a multipart upload. size is -1 when unknown.
//
// The server checks a condition only when the upload completes, so a
// condition that already fails is found first with a HEAD, rather than
// after sending the whole body.
func (s *Store) putLarge(ctx context.Context, key string, body io.Reader, size int64, o store.PutOptions) (string, error) {
	if o.IfNoneMatch || o.IfMatch != "" {
		cur, err := s.client.HeadObject(ctx, &s3.HeadObjectInput{Bucket: &s.cfg.Bucket, Key: s.objectKey(key)})
		kind, _ := s.explain(err)
		switch {
		case err == nil && o.IfNoneMatch:
			return "", &smithy.GenericAPIError{Code: "PreconditionFailed", Message: "the object exists (found before uploading)"}
		case err == nil && aws.ToString(cur.ETag) != o.IfMatch:
			return "", &smithy.GenericAPIError{Code: "PreconditionFailed", Message: "the ETag differs (found before uploading)"}
		case err != nil && kind != store.ErrNotExist:
			return "", err
		case err != nil && o.IfMatch != "":
			return "", err // If-Match on a missing key
		}
	}
	in := &transfermanager.UploadObjectInput{
		Bucket:            &s.cfg.Bucket,
		Key:               s.objectKey(key),
		Body:              body,
		ContentType:       nz(o.ContentType),
		CacheControl:      nz(o.CacheControl),
		ACL:               tmtypes.ObjectCannedACL(s.acl(o)),
		ChecksumAlgorithm: tmtypes.ChecksumAlgorithmSha256,
		IfMatch:           nz(o.IfMatch),
	}
	if size > 0 {
		in.ContentLength = aws.Int64(size)
	}
	if o.SHA256 != "" {
		in.Metadata = map[string]string{metaSHA256: o.SHA256}
	}
	if o.IfNoneMatch {
		in.IfNoneMatch = aws.String("*")
	}
	out, err := s.tm.UploadObject(ctx, in)
	if err != nil {
		return "", err
	}
	return aws.ToString(out.ETag), nil
}

// bodyReader hashes and counts the body as it is read, stops when ctx is
// done, and fails at the end of the body, before the upload completes, if
// the body does not have the expected size or SHA-256.
type bodyReader struct {
	ctx  context.Context
	r    io.Reader
	h    hash.Hash
	n    int64
	size int64  // expected size; -1 when unknown
	want string // expected hex SHA-256; "" when unknown
	sum  []byte // set at EOF
	err  error  // sticky
}

func (b *bodyReader) Read(p []byte) (int, error) {
	if b.err != nil {
		return 0, b.err
	}
	if b.sum != nil {
		return 0, io.EOF
	}
	if err := b.ctx.Err(); err != nil {
		b.err = err
		return 0, err
	}
	n, err := b.r.Read(p)
	b.h.Write(p[:n])
	b.n += int64(n)
	switch {
	case b.size >= 0 && b.n > b.size:
		b.err = fmt.Errorf("body is longer than its size %d", b.size)
	case err == io.EOF && b.size >= 0 && b.n != b.size:
		b.err = fmt.Errorf("body has %d bytes, want %d", b.n, b.size)
	case err == io.EOF:
		sum := b.h.Sum(nil)
		if got := hex.EncodeToString(sum); b.want != "" && got != b.want {
			b.err = fmt.Errorf("body has SHA-256 %s, want %s", got, b.want)
		} else {
			b.sum = sum
		}
	case err != nil:
		b.err = err
	}
	if b.err != nil {
		return n, b.err
	}
	return n, err
}

// checkConditional probes once whether the server honours the conditional
// headers that o uses, and returns store.ErrConditionalUnsupported if not.
func (s *Store) checkConditional(ctx context.Context, o store.PutOptions) error {
	if !o.IfNoneMatch && o.IfMatch == "" {
		return nil
	}
	if s.cfg.Endpoint == "" {
		return nil // AWS S3 honours both headers; no probe requests needed
	}
	if err := s.probeOnce(ctx); err != nil {
		return err
	}
	if o.IfNoneMatch {
		return s.condNone
	}
	return s.condMatch
}

// checkDeleteIf returns store.ErrConditionalUnsupported when the server
// ignores If-Match on DeleteObject.
func (s *Store) checkDeleteIf(ctx context.Context) error {
	if s.cfg.Endpoint == "" {
		return nil // AWS S3 honours If-Match on DeleteObject since 2024
	}
	if err := s.probeOnce(ctx); err != nil {
		return err
	}
	return s.condDelete
}

// probeOnce runs the probe unless an earlier call did.
func (s *Store) probeOnce(ctx context.Context) error {
	s.condMu.Lock()
	defer s.condMu.Unlock()
	if s.probed {
		return nil
	}
	none, match, del, err := s.probe(ctx)
	if err != nil {
		return err // not cached: try again next time
	}
	s.condNone, s.condMatch, s.condDelete, s.probed = none, match, del, true
	return nil
}

var (
	errIgnored        = fmt.Errorf("%w: the server ignored the condition and overwrote the object", store.ErrConditionalUnsupported)
	errDeleteIgnored  = fmt.Errorf("%w: the server ignored If-Match on DeleteObject", store.ErrConditionalUnsupported)
	errNotImplemented = fmt.Errorf("%w: the server answered 501 Not Implemented", store.ErrConditionalUnsupported)
)

// probe writes a probe object, tries to overwrite it with If-None-Match: *
// and with a wrong If-Match, tries to delete it with a wrong If-Match, and
// deletes it. Each result is nil when the server refused as it should.
func (s *Store) probe(ctx context.Context) (none, match, del, err error) {
	var rnd [8]byte
	rand.Read(rnd[:])
	key := s.objectKey(".feedpub-probe-" + hex.EncodeToString(rnd[:]))
	put := func(mod func(*s3.PutObjectInput)) error {
		in := &s3.PutObjectInput{Bucket: &s.cfg.Bucket, Key: key, Body: bytes.NewReader(nil), ContentLength: aws.Int64(0)}
		if mod != nil {
			mod(in)
		}
		_, err := s.client.PutObject(ctx, in)
		return err
	}
	if err := put(nil); err != nil {
		return nil, nil, nil, err
	}
	defer s.client.DeleteObject(context.WithoutCancel(ctx), &s3.DeleteObjectInput{Bucket: &s.cfg.Bucket, Key: key})
	verdict := func(err error) (error, error) {
		if err == nil {
			return errIgnored, nil
		}
		switch kind, _ := s.explain(err); kind {
		case store.ErrPrecondition:
			return nil, nil
		case store.ErrConditionalUnsupported:
			return errNotImplemented, nil
		}
		return nil, err
	}
	none, err = verdict(put(func(in *s3.PutObjectInput) { in.IfNoneMatch = aws.String("*") }))
	if err != nil {
		return nil, nil, nil, err
	}
	match, err = verdict(put(func(in *s3.PutObjectInput) { in.IfMatch = aws.String(`"feedpub-probe-no-such-etag"`) }))
	if err != nil {
		return nil, nil, nil, err
	}
	_, derr := s.client.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: &s.cfg.Bucket, Key: key, IfMatch: aws.String(`"feedpub-probe-no-such-etag"`)})
	if derr == nil {
		// Deleted despite the wrong ETag (or kept it without saying so):
		// DeleteIf must check the ETag itself.
		return none, match, errDeleteIgnored, nil
	}
	del, err = verdict(derr)
	if err != nil {
		return nil, nil, nil, err
	}
	return none, match, del, nil
}
