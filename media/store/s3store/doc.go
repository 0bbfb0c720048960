// Package s3store implements store.Store over an S3-compatible object store
// (AWS S3, versitygw, MinIO, Cloudflare R2, ...) with aws-sdk-go-v2.
//
// Credentials come from the SDK's standard chain: environment variables,
// the shared config and credentials files (Config.Profile), SSO, web
// identity and instance roles. Config.Credentials overrides the chain.
//
// Put sends bodies below Config.MultipartThreshold in one PutObject with a
// SHA-256 checksum that the server verifies; larger bodies go through the
// transfer manager as a multipart upload with per-part SHA-256 checksums,
// holding at most MultipartThreshold + (Concurrency+1) × PartSize bytes in
// memory, never the whole body. Put stores the body's SHA-256 in the user
// metadata "sha256", which Stat and Get return. For a multipart upload the
// metadata is written before the body is read, so it is set only when the
// caller passes PutOptions.SHA256 (Put still returns the SHA-256 it
// computed, and fails, leaving the old object, if it differs from the one
// given).
//
// List uses ListObjectsV2, which returns no metadata: its Objects have
// SHA256, ContentType and CacheControl "". Callers that need the hash of a
// listed object Stat it (one HEAD request), which is what feedpub's plan
// does only for objects whose size matches.
//
// Conditional writes map to If-None-Match: * and If-Match. Before its first
// conditional Put a Store probes, once, whether the server honours the
// header (some S3-compatible servers ignore it and overwrite): it writes a
// probe object under the prefix, tries to overwrite it conditionally and
// deletes it. A server that ignores the header or answers 501 gives
// store.ErrConditionalUnsupported.
//
// Timeouts: opening a connection is bounded by Config.ConnectTimeout, and
// every connection fails a request once no byte has moved on it, either
// way, for Config.IdleTimeout (60 s by default), with a *StallError that is
// not retried: a frozen server fails the Put in about that time, in one
// line naming the key and the server. Cancelling the context (Ctrl-C)
// stops the transfer manager and the HTTP requests at once. A multipart
// upload that fails or is cancelled is aborted on a fresh context bounded
// by 5 s; when even that fails the error says so, and CleanStale
// (store.Cleaner) aborts such uploads later.
//
// Errors are translated at this boundary into one line that says what to
// fix, such as
//
//	s3store: put media/x.mp3: access denied to bucket "b" (check the credentials' permissions)
//
// and wrap both the store sentinel (store.ErrNotExist, store.ErrPrecondition,
// store.ErrConditionalUnsupported) and the SDK's error, so errors.Is and
// errors.As work. No error, log line or String() contains the secret key or
// session token.
package s3store
