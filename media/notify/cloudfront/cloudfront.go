// Package cloudfront invalidates the changed feeds in an Amazon CloudFront
// distribution after a publish, so readers and the apps told about the new
// feeds do not get the cached old ones. Like s3store, it takes credentials
// from the AWS SDK's standard chain only (environment, shared files,
// profile, SSO, roles), so they are never in feedpub.yaml or its output.
package cloudfront

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	cf "github.com/aws/aws-sdk-go-v2/service/cloudfront"
	"github.com/aws/aws-sdk-go-v2/service/cloudfront/types"
	"github.com/aws/smithy-go"
	"github.com/aws/smithy-go/logging"
	smithyhttp "github.com/aws/smithy-go/transport/http"
)

// Config says which distribution to invalidate and how to reach the API.
type Config struct {
	Distribution string
	// Profile is the shared-config profile (publish.s3.profile: one AWS
	// identity for the bucket and its distribution); "" for the default.
	Profile string
	// Endpoint replaces the API's address (tests). AWS_ENDPOINT_URL_CLOUDFRONT
	// does the same through the SDK's own configuration.
	Endpoint   string
	HTTPClient *http.Client
}

// Invalidator creates invalidations in one distribution.
type Invalidator struct {
	client *cf.Client
	dist   string
}

// New loads the AWS configuration; it makes no request.
func New(ctx context.Context, cfg Config) (*Invalidator, error) {
	if cfg.Distribution == "" {
		return nil, errors.New("cloudfront: no distribution ID")
	}
	opts := []func(*config.LoadOptions) error{
		config.WithLogger(logging.Nop{}),
		// CloudFront is global; its API is signed for us-east-1 whatever
		// the bucket's region.
		config.WithRegion("us-east-1"),
	}
	if cfg.Profile != "" {
		opts = append(opts, config.WithSharedConfigProfile(cfg.Profile))
	}
	if cfg.HTTPClient != nil {
		opts = append(opts, config.WithHTTPClient(cfg.HTTPClient))
	}
	awsCfg, err := config.LoadDefaultConfig(ctx, opts...)
	if err != nil {
		return nil, fmt.Errorf("cloudfront: load AWS configuration: %w", err)
	}
	client := cf.NewFromConfig(awsCfg, func(o *cf.Options) {
		if cfg.Endpoint != "" {
			o.BaseEndpoint = aws.String(cfg.Endpoint)
		}
	})
	return &Invalidator{client: client, dist: cfg.Distribution}, nil
}

// Paths returns the invalidation path of each object key under the
// target's prefix ("" or "a/b/"): "/" + prefix + key, each segment escaped
// as in the feeds' URLs, sorted.
func Paths(prefix string, keys []string) []string {
	out := make([]string, 0, len(keys))
	for _, k := range keys {
		segs := strings.Split(prefix+k, "/")
		for i, s := range segs {
			segs[i] = url.PathEscape(s)
		}
		out = append(out, "/"+strings.Join(segs, "/"))
	}
	sort.Strings(out)
	return out
}

// CallerReference names one publish's invalidation: a hash of the paths,
// the SHA-256 of each changed feed as published, and the publish's clock.
// CloudFront treats a repeated reference as the same request, so the SDK's
// retries of one publish never invalidate twice, while a later publish that
// happens to bring a feed back to an earlier state still gets its own.
func CallerReference(paths, sums []string, now time.Time) string {
	h := sha256.New()
	for _, p := range paths {
		fmt.Fprintf(h, "path %s\n", p)
	}
	for _, s := range sums {
		fmt.Fprintf(h, "sha256 %s\n", s)
	}
	fmt.Fprintf(h, "at %s\n", now.UTC().Format(time.RFC3339Nano))
	return "feedpub-" + hex.EncodeToString(h.Sum(nil))[:32]
}

// Invalidate asks CloudFront to drop paths from its caches and returns the
// invalidation's ID. The SDK retries throttling and 5xx answers; ctx
// bounds the whole.
func (i *Invalidator) Invalidate(ctx context.Context, paths []string, ref string) (string, error) {
	out, err := i.client.CreateInvalidation(ctx, &cf.CreateInvalidationInput{
		DistributionId: aws.String(i.dist),
		InvalidationBatch: &types.InvalidationBatch{
			CallerReference: aws.String(ref),
			Paths:           &types.Paths{Quantity: aws.Int32(int32(len(paths))), Items: paths},
		},
	})
	if err != nil {
		return "", fmt.Errorf("cloudfront: invalidate %s in distribution %s: %s", strings.Join(paths, " "), i.dist, explain(err))
	}
	if out.Invalidation == nil || out.Invalidation.Id == nil {
		return "", nil
	}
	return *out.Invalidation.Id, nil
}

// explain keeps an error to the HTTP status and the API's code and
// message: the SDK's full error also repeats the operation's details.
func explain(err error) string {
	if errors.Is(err, context.DeadlineExceeded) {
		return "no answer in time"
	}
	var parts []string
	var re *smithyhttp.ResponseError
	if errors.As(err, &re) {
		parts = append(parts, fmt.Sprintf("HTTP %d", re.HTTPStatusCode()))
	}
	var ae smithy.APIError
	if errors.As(err, &ae) {
		if c := ae.ErrorCode(); c != "UnknownError" {
			parts = append(parts, c)
		}
		if m := ae.ErrorMessage(); m != "" && m != ae.ErrorCode() {
			parts = append(parts, m)
		}
	}
	if len(parts) == 0 {
		return err.Error()
	}
	return strings.Join(parts, ": ")
}
