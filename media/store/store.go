// Package store defines the object storage that feedpub publishes to: a
// small interface with one implementation per backend (localstore for a
// folder, s3store for S3-compatible services) and a shared conformance suite
// (storetest) that every implementation must pass.
package store

import (
	"context"
	"errors"
	"io"
	"time"
)

// ErrNotExist is returned (wrapped) by Stat, Get and Put with IfMatch when the
// key does not exist.
var ErrNotExist = errors.New("object does not exist")

// ErrPrecondition is returned (wrapped) by Put when IfNoneMatch or IfMatch is
// set and the condition does not hold: the object already exists, or its
// ETag differs. The object is left as it was.
var ErrPrecondition = errors.New("precondition failed")

// ErrConditionalUnsupported is returned (wrapped) by Put when the backend
// cannot honour IfNoneMatch or IfMatch. Callers may retry unconditionally
// after telling the user once.
var ErrConditionalUnsupported = errors.New("conditional writes not supported by this server")

// Object describes one stored object.
type Object struct {
	Key          string // slash-separated, relative to the store's prefix
	Size         int64
	SHA256       string // lower-case hex of the content; "" when the backend does not know it
	ContentType  string
	CacheControl string
	// ETag identifies this version of the object for IfMatch. Opaque: only
	// compare it for equality.
	ETag    string
	ModTime time.Time
}

// PutOptions are the per-object settings of Put.
type PutOptions struct {
	ContentType  string
	CacheControl string
	// Size is the exact length of the body; -1 when unknown.
	Size int64
	// SHA256 is the lower-case hex SHA-256 of the body when the caller knows
	// it. Backends store it (S3: object metadata) so that a later List or Stat
	// can compare content without reading it, and S3 sends it for the server
	// to verify.
	SHA256 string
	// IfNoneMatch makes Put create the object only if the key does not exist
	// (S3 If-None-Match: *). Used for the publish lock.
	IfNoneMatch bool
	// IfMatch makes Put replace the object only if its current ETag equals
	// this value. Used to replace the manifest without losing an update.
	IfMatch string
	// ACL is an optional canned ACL such as "public-read"; ignored by
	// backends without ACLs.
	ACL string
}

// Cleaner is implemented by stores in which an interrupted write can leave
// debris that no List shows: temporary files (localstore) or incomplete
// multipart uploads (s3store), which cost space and, on S3, money.
type Cleaner interface {
	// CleanStale removes the debris of writes that started more than
	// olderThan ago and returns how many it removed. It never touches a
	// published object. With a small olderThan it may remove the debris of
	// a write under way: call it only while holding the publish lock, or
	// with olderThan of at least the lock's expiry.
	CleanStale(ctx context.Context, olderThan time.Duration) (removed int, err error)
}

// Store is a flat namespace of objects under one prefix.
//
// Every method is safe for concurrent use. Keys are slash-separated paths
// without a leading slash, such as "media/heroine.mp3".
type Store interface {
	// List returns every object whose key starts with prefix, sorted by key.
	// An empty prefix lists everything. A missing prefix gives an empty list.
	List(ctx context.Context, prefix string) ([]Object, error)
	// Stat returns the object's metadata, or an error wrapping ErrNotExist.
	Stat(ctx context.Context, key string) (Object, error)
	// Get opens the object for reading; the caller closes it. A missing key
	// gives an error wrapping ErrNotExist.
	Get(ctx context.Context, key string) (io.ReadCloser, Object, error)
	// Put stores the body under key, replacing any previous object
	// atomically: readers see the old object or the new one, never a part.
	// r is read to EOF; pass an io.ReadSeeker (a file, a bytes.Reader) where
	// possible, so the body can be retried. It returns the stored object's
	// metadata, including its new ETag.
	Put(ctx context.Context, key string, r io.Reader, o PutOptions) (Object, error)
	// Delete removes the object. Deleting a missing key is not an error.
	Delete(ctx context.Context, key string) error
	// DeleteIf removes the object only if its current ETag equals etag, so
	// that a lock is released only by its holder. It returns an error
	// wrapping ErrPrecondition, and leaves the object, if the ETag differs;
	// for a missing key it returns nil or an error wrapping ErrNotExist or
	// ErrPrecondition (S3 servers differ). A backend that cannot delete conditionally in one step
	// checks the ETag and then deletes, and documents that window.
	DeleteIf(ctx context.Context, key, etag string) error
	// SetMeta replaces the settings of the object at key (o.ContentType,
	// o.CacheControl and o.ACL; the other fields are ignored) without
	// sending its bytes again, keeping its content and the SHA-256 it was
	// stored with, so that a changed setting reaches objects already
	// published. A missing key gives an error wrapping ErrNotExist. A
	// backend that keeps no settings (a folder) checks only that the object
	// exists.
	SetMeta(ctx context.Context, key string, o PutOptions) error
	// String describes the target for messages (never with credentials).
	String() string
}
