// Package storetest is the conformance suite that every store.Store
// implementation passes. A backend's test calls Run with a function that
// returns a fresh, empty store for each subtest:
//
//	func TestConformance(t *testing.T) {
//		storetest.Run(t, func(t testing.TB) store.Store {
//			s, err := localstore.New(t.TempDir())
//			if err != nil {
//				t.Fatal(err)
//			}
//			return s
//		}, storetest.Capabilities{})
//	}
package storetest

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/feedpub/feedpub/media/store"
)

// Capabilities tells Run what a backend keeps, so that it checks exactly
// that.
type Capabilities struct {
	// Metadata means Stat and Get return the ContentType and CacheControl
	// given to Put.
	Metadata bool
	// SHA256 means Stat and Get return the SHA256 given to Put.
	SHA256 bool
	// LargeSize is the size of the large-body test; 0 means 20 MiB. Set the
	// backend's multipart threshold below it to test multipart uploads.
	LargeSize int64
	// Racers is how many goroutines race to create one key with
	// IfNoneMatch; 0 means 8.
	Racers int
}

// Run runs the conformance suite. newStore must return an empty store that
// is independent of every other it returned; it may register cleanups on t.
// The subtests run in parallel.
func Run(t *testing.T, newStore func(t testing.TB) store.Store, caps Capabilities) {
	if caps.LargeSize == 0 {
		caps.LargeSize = 20 << 20
	}
	if caps.Racers == 0 {
		caps.Racers = 8
	}
	tests := []struct {
		name string
		fn   func(t *testing.T, s store.Store, caps Capabilities)
	}{
		{"RoundTrip", testRoundTrip},
		{"UnknownSizeAndHash", testUnknownSizeAndHash},
		{"WrongSHA256", testWrongSHA256},
		{"WrongSize", testWrongSize},
		{"EmptyBody", testEmptyBody},
		{"List", testList},
		{"Overwrite", testOverwrite},
		{"OverwriteAtomic", testOverwriteAtomic},
		{"Delete", testDelete},
		{"Missing", testMissing},
		{"IfNoneMatch", testIfNoneMatch},
		{"IfNoneMatchRace", testIfNoneMatchRace},
		{"IfMatch", testIfMatch},
		{"DeleteIf", testDeleteIf},
		{"Canceled", testCanceled},
		{"CanceledDuringBody", testCanceledDuringBody},
		{"Large", testLarge},
		{"OddKeys", testOddKeys},
		{"InvalidKeys", testInvalidKeys},
		{"String", testString},
		{"SetMeta", testSetMeta},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			tc.fn(t, newStore(t), caps)
		})
	}
}

func sum(b []byte) string {
	h := sha256.Sum256(b)
	return hex.EncodeToString(h[:])
}

// put stores body under key with a known size and hash and fails the test
// on error.
func put(t testing.TB, s store.Store, key string, body []byte, o store.PutOptions) store.Object {
	t.Helper()
	o.Size = int64(len(body))
	if o.SHA256 == "" {
		o.SHA256 = sum(body)
	}
	obj, err := s.Put(t.Context(), key, bytes.NewReader(body), o)
	if err != nil {
		t.Fatalf("Put %q: %v", key, err)
	}
	return obj
}

// get reads the object at key and fails the test on error.
func get(t testing.TB, s store.Store, key string) ([]byte, store.Object) {
	t.Helper()
	rc, obj, err := s.Get(t.Context(), key)
	if err != nil {
		t.Fatalf("Get %q: %v", key, err)
	}
	defer rc.Close()
	b, err := io.ReadAll(rc)
	if err != nil {
		t.Fatalf("Get %q: read: %v", key, err)
	}
	return b, obj
}

// checkContent fails unless key holds exactly want.
func checkContent(t testing.TB, s store.Store, key string, want []byte) {
	t.Helper()
	got, _ := get(t, s, key)
	if !bytes.Equal(got, want) {
		t.Fatalf("Get %q: got %d bytes (sha256 %s), want %d bytes (sha256 %s)",
			key, len(got), sum(got), len(want), sum(want))
	}
}

// checkAbsent fails unless Stat of key reports ErrNotExist.
func checkAbsent(t testing.TB, s store.Store, key string) {
	t.Helper()
	_, err := s.Stat(t.Context(), key)
	if !errors.Is(err, store.ErrNotExist) {
		t.Fatalf("Stat %q: got error %v, want ErrNotExist", key, err)
	}
}

func keys(objs []store.Object) []string {
	ks := make([]string, len(objs))
	for i, o := range objs {
		ks[i] = o.Key
	}
	return ks
}

func list(t testing.TB, s store.Store, prefix string) []store.Object {
	t.Helper()
	objs, err := s.List(t.Context(), prefix)
	if err != nil {
		t.Fatalf("List %q: %v", prefix, err)
	}
	return objs
}

// checkObject compares the metadata that every backend must keep, and the
// optional metadata that caps promise.
func checkObject(t testing.TB, op string, got store.Object, key string, body []byte, o store.PutOptions, caps Capabilities) {
	t.Helper()
	if got.Key != key {
		t.Errorf("%s: Key = %q, want %q", op, got.Key, key)
	}
	if got.Size != int64(len(body)) {
		t.Errorf("%s: Size = %d, want %d", op, got.Size, len(body))
	}
	if got.ETag == "" {
		t.Errorf("%s: empty ETag", op)
	}
	if got.ModTime.IsZero() {
		t.Errorf("%s: zero ModTime", op)
	}
	if want := sum(body); got.SHA256 != "" && got.SHA256 != want {
		t.Errorf("%s: SHA256 = %s, want %s", op, got.SHA256, want)
	} else if caps.SHA256 && got.SHA256 == "" && o.SHA256 != "" {
		t.Errorf("%s: SHA256 is empty, want %s", op, want)
	}
	if caps.Metadata {
		if got.ContentType != o.ContentType {
			t.Errorf("%s: ContentType = %q, want %q", op, got.ContentType, o.ContentType)
		}
		if got.CacheControl != o.CacheControl {
			t.Errorf("%s: CacheControl = %q, want %q", op, got.CacheControl, o.CacheControl)
		}
	}
}

func testRoundTrip(t *testing.T, s store.Store, caps Capabilities) {
	body := []byte("<rss version=\"2.0\"><channel/></rss>\n")
	key := "feeds/podcast.xml"
	o := store.PutOptions{
		ContentType:  "application/rss+xml; charset=utf-8",
		CacheControl: "max-age=300",
		SHA256:       sum(body),
	}
	pobj := put(t, s, key, body, o)
	checkObject(t, "Put", pobj, key, body, o, caps)
	if pobj.SHA256 != sum(body) {
		t.Errorf("Put: SHA256 = %q, want %s", pobj.SHA256, sum(body))
	}

	sobj, err := s.Stat(t.Context(), key)
	if err != nil {
		t.Fatalf("Stat: %v", err)
	}
	checkObject(t, "Stat", sobj, key, body, o, caps)
	if sobj.ETag != pobj.ETag {
		t.Errorf("Stat: ETag = %q, Put returned %q", sobj.ETag, pobj.ETag)
	}

	got, gobj := get(t, s, key)
	if !bytes.Equal(got, body) {
		t.Errorf("Get: body = %q, want %q", got, body)
	}
	checkObject(t, "Get", gobj, key, body, o, caps)
	if gobj.ETag != pobj.ETag {
		t.Errorf("Get: ETag = %q, Put returned %q", gobj.ETag, pobj.ETag)
	}

	objs := list(t, s, "")
	if len(objs) != 1 {
		t.Fatalf("List: got %q, want [%q]", keys(objs), key)
	}
	checkObject(t, "List", objs[0], key, body, o, Capabilities{})
	if objs[0].ETag != pobj.ETag {
		t.Errorf("List: ETag = %q, Put returned %q", objs[0].ETag, pobj.ETag)
	}
}

// onlyReader hides every method but Read, such as io.Seeker.
type onlyReader struct{ r io.Reader }

func (o onlyReader) Read(p []byte) (int, error) { return o.r.Read(p) }

func testUnknownSizeAndHash(t *testing.T, s store.Store, caps Capabilities) {
	body := bytes.Repeat([]byte("streamed "), 1000)
	obj, err := s.Put(t.Context(), "stream.txt", onlyReader{bytes.NewReader(body)}, store.PutOptions{Size: -1})
	if err != nil {
		t.Fatalf("Put: %v", err)
	}
	checkObject(t, "Put", obj, "stream.txt", body, store.PutOptions{}, Capabilities{})
	checkContent(t, s, "stream.txt", body)
	sobj, err := s.Stat(t.Context(), "stream.txt")
	if err != nil {
		t.Fatalf("Stat: %v", err)
	}
	checkObject(t, "Stat", sobj, "stream.txt", body, store.PutOptions{}, Capabilities{})
}

func testWrongSHA256(t *testing.T, s store.Store, caps Capabilities) {
	old := []byte("old")
	put(t, s, "k", old, store.PutOptions{})
	body := []byte("the body")
	_, err := s.Put(t.Context(), "k", bytes.NewReader(body), store.PutOptions{Size: int64(len(body)), SHA256: sum([]byte("other"))})
	if err == nil {
		t.Fatal("Put with a wrong SHA256 succeeded")
	}
	checkContent(t, s, "k", old)
	_, err = s.Put(t.Context(), "new", onlyReader{bytes.NewReader(body)}, store.PutOptions{Size: -1, SHA256: sum([]byte("other"))})
	if err == nil {
		t.Fatal("Put of an unseekable body with a wrong SHA256 succeeded")
	}
	checkAbsent(t, s, "new")
}

func testWrongSize(t *testing.T, s store.Store, caps Capabilities) {
	body := []byte("twelve bytes")
	_, err := s.Put(t.Context(), "k", onlyReader{bytes.NewReader(body)}, store.PutOptions{Size: 13})
	if err == nil {
		t.Fatal("Put with a wrong Size succeeded")
	}
	checkAbsent(t, s, "k")
}

func testEmptyBody(t *testing.T, s store.Store, caps Capabilities) {
	o := store.PutOptions{ContentType: "text/plain", CacheControl: "no-cache"}
	obj := put(t, s, "empty", nil, o)
	checkObject(t, "Put", obj, "empty", nil, o, caps)
	sobj, err := s.Stat(t.Context(), "empty")
	if err != nil {
		t.Fatalf("Stat: %v", err)
	}
	checkObject(t, "Stat", sobj, "empty", nil, o, caps)
	checkContent(t, s, "empty", nil)
	obj, err = s.Put(t.Context(), "empty-stream", onlyReader{bytes.NewReader(nil)}, store.PutOptions{Size: -1})
	if err != nil {
		t.Fatalf("Put of an empty stream: %v", err)
	}
	checkObject(t, "Put", obj, "empty-stream", nil, store.PutOptions{}, Capabilities{})
	checkContent(t, s, "empty-stream", nil)
}

func testList(t *testing.T, s store.Store, caps Capabilities) {
	if objs := list(t, s, ""); len(objs) != 0 {
		t.Fatalf("List of a new store: got %q, want none", keys(objs))
	}
	// No key is also a folder of other keys ("a" and "a/b"): a file system
	// cannot hold that.
	all := []string{"ab", "a.txt", "a/b", "b/c/d", "a/c/e", "b/c-d", "media/ep1.mp3", "a-"}
	for i, k := range all {
		put(t, s, k, []byte(strings.Repeat("x", i)), store.PutOptions{})
	}
	sorted := slices.Sorted(slices.Values(all))
	for _, tc := range []struct {
		prefix string
		want   []string
	}{
		{"", sorted},
		{"a", []string{"a-", "a.txt", "a/b", "a/c/e", "ab"}},
		{"a/", []string{"a/b", "a/c/e"}},
		{"a/c", []string{"a/c/e"}},
		{"b/c", []string{"b/c-d", "b/c/d"}},
		{"b/c/", []string{"b/c/d"}},
		{"media/ep", []string{"media/ep1.mp3"}},
		{"media/ep1.mp3", []string{"media/ep1.mp3"}},
		{"missing/", nil},
		{"missing/deeper/", nil},
		{"a/b/", nil},
		{"z", nil},
	} {
		objs := list(t, s, tc.prefix)
		if got := keys(objs); !slices.Equal(got, tc.want) && (len(got) != 0 || len(tc.want) != 0) {
			t.Errorf("List %q: got %q, want %q", tc.prefix, got, tc.want)
		}
		for _, o := range objs {
			if want := int64(slices.Index(all, o.Key)); o.Size != want {
				t.Errorf("List %q: %s has size %d, want %d", tc.prefix, o.Key, o.Size, want)
			}
		}
	}
}

func testOverwrite(t *testing.T, s store.Store, caps Capabilities) {
	first := put(t, s, "k", []byte("first version"), store.PutOptions{ContentType: "text/plain"})
	o := store.PutOptions{ContentType: "text/html", CacheControl: "max-age=60"}
	body := []byte("second")
	second := put(t, s, "k", body, o)
	if second.ETag == first.ETag {
		t.Errorf("ETag %q did not change on overwrite", first.ETag)
	}
	checkContent(t, s, "k", body)
	sobj, err := s.Stat(t.Context(), "k")
	if err != nil {
		t.Fatalf("Stat: %v", err)
	}
	checkObject(t, "Stat", sobj, "k", body, o, caps)
	if objs := list(t, s, ""); !slices.Equal(keys(objs), []string{"k"}) {
		t.Errorf("List: got %q, want [k]", keys(objs))
	}
}

// testOverwriteAtomic overwrites one key with uniform bodies while readers
// check that they never see a mix or a part.
func testOverwriteAtomic(t *testing.T, s store.Store, caps Capabilities) {
	const size = 256 << 10
	put(t, s, "k", bytes.Repeat([]byte{'a'}, size), store.PutOptions{})
	ctx := t.Context()
	done := make(chan struct{})
	var wg sync.WaitGroup
	for range 2 {
		wg.Go(func() {
			for {
				select {
				case <-done:
					return
				default:
				}
				rc, _, err := s.Get(ctx, "k")
				if err != nil {
					t.Errorf("Get during overwrites: %v", err)
					return
				}
				b, err := io.ReadAll(rc)
				rc.Close()
				if err != nil {
					t.Errorf("read during overwrites: %v", err)
					return
				}
				if len(b) != size || bytes.Count(b, b[:1]) != size {
					t.Errorf("Get during overwrites: %d bytes, not one uniform version", len(b))
					return
				}
			}
		})
	}
	for i := range 10 {
		put(t, s, "k", bytes.Repeat([]byte{'a' + byte(i%2)}, size), store.PutOptions{})
	}
	close(done)
	wg.Wait()
}

func testDelete(t *testing.T, s store.Store, caps Capabilities) {
	put(t, s, "dir/sub/k", []byte("x"), store.PutOptions{})
	put(t, s, "dir/other", []byte("y"), store.PutOptions{})
	if err := s.Delete(t.Context(), "dir/sub/k"); err != nil {
		t.Fatalf("Delete: %v", err)
	}
	checkAbsent(t, s, "dir/sub/k")
	if got := keys(list(t, s, "")); !slices.Equal(got, []string{"dir/other"}) {
		t.Errorf("List after Delete: got %q, want [dir/other]", got)
	}
	if err := s.Delete(t.Context(), "dir/sub/k"); err != nil {
		t.Errorf("Delete of a deleted key: %v", err)
	}
	if err := s.Delete(t.Context(), "never/was"); err != nil {
		t.Errorf("Delete of a missing key: %v", err)
	}
	if err := s.Delete(t.Context(), "dir/other"); err != nil {
		t.Fatalf("Delete: %v", err)
	}
	if got := list(t, s, ""); len(got) != 0 {
		t.Errorf("List after deleting everything: got %q", keys(got))
	}
	// The key can be written again, also where a folder was removed.
	put(t, s, "dir/sub/k", []byte("again"), store.PutOptions{})
	checkContent(t, s, "dir/sub/k", []byte("again"))
}

func testMissing(t *testing.T, s store.Store, caps Capabilities) {
	put(t, s, "present/file", []byte("x"), store.PutOptions{})
	for _, key := range []string{"missing", "present/missing", "present/file/below", "present"} {
		checkAbsent(t, s, key)
		rc, _, err := s.Get(t.Context(), key)
		if !errors.Is(err, store.ErrNotExist) {
			if rc != nil {
				rc.Close()
			}
			t.Errorf("Get %q: got error %v, want ErrNotExist", key, err)
		}
	}
}

// skipUnsupported skips the test when the backend says it cannot do
// conditional writes.
func skipUnsupported(t *testing.T, err error) {
	t.Helper()
	if errors.Is(err, store.ErrConditionalUnsupported) {
		t.Skipf("backend has no conditional writes: %v", err)
	}
}

func testIfNoneMatch(t *testing.T, s store.Store, caps Capabilities) {
	first := []byte("first")
	_, err := s.Put(t.Context(), "lock", bytes.NewReader(first), store.PutOptions{Size: -1, IfNoneMatch: true})
	skipUnsupported(t, err)
	if err != nil {
		t.Fatalf("Put IfNoneMatch of a new key: %v", err)
	}
	_, err = s.Put(t.Context(), "lock", bytes.NewReader([]byte("second")), store.PutOptions{Size: -1, IfNoneMatch: true})
	if !errors.Is(err, store.ErrPrecondition) {
		t.Fatalf("Put IfNoneMatch of an existing key: got error %v, want ErrPrecondition", err)
	}
	checkContent(t, s, "lock", first)
	if err := s.Delete(t.Context(), "lock"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Put(t.Context(), "lock", bytes.NewReader(first), store.PutOptions{Size: -1, IfNoneMatch: true}); err != nil {
		t.Fatalf("Put IfNoneMatch after Delete: %v", err)
	}
}

func testIfNoneMatchRace(t *testing.T, s store.Store, caps Capabilities) {
	var (
		wg      sync.WaitGroup
		mu      sync.Mutex
		winners []int
		errs    []error
	)
	start := make(chan struct{})
	for i := range caps.Racers {
		wg.Go(func() {
			body := []byte(fmt.Sprintf("racer %d", i))
			<-start
			_, err := s.Put(t.Context(), "lock", bytes.NewReader(body), store.PutOptions{Size: int64(len(body)), IfNoneMatch: true})
			mu.Lock()
			defer mu.Unlock()
			if err == nil {
				winners = append(winners, i)
			} else {
				errs = append(errs, err)
			}
		})
	}
	close(start)
	wg.Wait()
	for _, err := range errs {
		skipUnsupported(t, err)
		if !errors.Is(err, store.ErrPrecondition) {
			t.Errorf("losing racer: got error %v, want ErrPrecondition", err)
		}
	}
	if len(winners) != 1 {
		t.Fatalf("%d of %d racers created the key, want exactly 1", len(winners), caps.Racers)
	}
	checkContent(t, s, "lock", []byte(fmt.Sprintf("racer %d", winners[0])))
}

func testIfMatch(t *testing.T, s store.Store, caps Capabilities) {
	v1 := put(t, s, "manifest.json", []byte(`{"v":1}`), store.PutOptions{})
	v2body := []byte(`{"v":2}`)
	v2, err := s.Put(t.Context(), "manifest.json", bytes.NewReader(v2body), store.PutOptions{Size: -1, IfMatch: v1.ETag})
	skipUnsupported(t, err)
	if err != nil {
		t.Fatalf("Put IfMatch with the current ETag: %v", err)
	}
	if v2.ETag == "" || v2.ETag == v1.ETag {
		t.Errorf("Put IfMatch: ETag %q, want a new one (old %q)", v2.ETag, v1.ETag)
	}
	_, err = s.Put(t.Context(), "manifest.json", bytes.NewReader([]byte(`{"v":"lost"}`)), store.PutOptions{Size: -1, IfMatch: v1.ETag})
	if !errors.Is(err, store.ErrPrecondition) {
		t.Fatalf("Put IfMatch with a stale ETag: got error %v, want ErrPrecondition", err)
	}
	checkContent(t, s, "manifest.json", v2body)
	_, err = s.Put(t.Context(), "missing.json", bytes.NewReader(v2body), store.PutOptions{Size: -1, IfMatch: v1.ETag})
	if !errors.Is(err, store.ErrNotExist) && !errors.Is(err, store.ErrPrecondition) {
		t.Fatalf("Put IfMatch of a missing key: got error %v, want ErrNotExist or ErrPrecondition", err)
	}
	checkAbsent(t, s, "missing.json")
}

func testDeleteIf(t *testing.T, s store.Store, caps Capabilities) {
	v1 := put(t, s, "dir/lock", []byte(`{"token":1}`), store.PutOptions{})
	v2 := put(t, s, "dir/lock", []byte(`{"token":2}`), store.PutOptions{})
	for _, etag := range []string{v1.ETag, `"no-such-etag"`} {
		err := s.DeleteIf(t.Context(), "dir/lock", etag)
		if !errors.Is(err, store.ErrPrecondition) {
			t.Fatalf("DeleteIf with a stale ETag %s: got error %v, want ErrPrecondition", etag, err)
		}
		checkContent(t, s, "dir/lock", []byte(`{"token":2}`))
	}
	if err := s.DeleteIf(t.Context(), "dir/lock", v2.ETag); err != nil {
		t.Fatalf("DeleteIf with the current ETag: %v", err)
	}
	checkAbsent(t, s, "dir/lock")
	// S3 servers differ here (404, 412, or 204 as for any delete).
	err := s.DeleteIf(t.Context(), "dir/lock", v2.ETag)
	if err != nil && !errors.Is(err, store.ErrNotExist) && !errors.Is(err, store.ErrPrecondition) {
		t.Fatalf("DeleteIf of a missing key: got error %v, want none, ErrNotExist or ErrPrecondition", err)
	}
	checkAbsent(t, s, "dir/lock")
	// The key can be written again where its folder was removed.
	put(t, s, "dir/lock", []byte("again"), store.PutOptions{})
	checkContent(t, s, "dir/lock", []byte("again"))
}

func testCanceled(t *testing.T, s store.Store, caps Capabilities) {
	put(t, s, "k", []byte("x"), store.PutOptions{})
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	if _, err := s.Put(ctx, "new", bytes.NewReader([]byte("y")), store.PutOptions{Size: 1}); err == nil {
		t.Error("Put with a canceled context succeeded")
	}
	checkAbsent(t, s, "new")
	if _, err := s.Stat(ctx, "k"); err == nil {
		t.Error("Stat with a canceled context succeeded")
	}
	if rc, _, err := s.Get(ctx, "k"); err == nil {
		rc.Close()
		t.Error("Get with a canceled context succeeded")
	}
	if _, err := s.List(ctx, ""); err == nil {
		t.Error("List with a canceled context succeeded")
	}
	if err := s.Delete(ctx, "k"); err == nil {
		t.Error("Delete with a canceled context succeeded")
	}
	if err := s.DeleteIf(ctx, "k", "any"); err == nil {
		t.Error("DeleteIf with a canceled context succeeded")
	}
	checkContent(t, s, "k", []byte("x"))
}

// cancelingReader cancels its context once it has given n bytes, then goes
// on giving data.
type cancelingReader struct {
	r      io.Reader
	n      int
	cancel context.CancelFunc
}

func (c *cancelingReader) Read(p []byte) (int, error) {
	if c.n <= 0 {
		c.cancel()
	}
	if len(p) > c.n && c.n > 0 {
		p = p[:c.n]
	}
	n, err := c.r.Read(p)
	c.n -= n
	return n, err
}

func testCanceledDuringBody(t *testing.T, s store.Store, caps Capabilities) {
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	body := make([]byte, 4<<20)
	r := &cancelingReader{r: bytes.NewReader(body), n: 1 << 20, cancel: cancel}
	if _, err := s.Put(ctx, "k", onlyReader{r}, store.PutOptions{Size: int64(len(body))}); err == nil {
		t.Error("Put whose context was canceled during the body succeeded")
	}
	checkAbsent(t, s, "k")
}

// randomBody returns n reproducible pseudo-random bytes.
func randomBody(n int64) []byte {
	b := make([]byte, n)
	r := rand.NewChaCha8([32]byte{'f', 'e', 'e', 'd', 'p', 'u', 'b'})
	r.Read(b)
	return b
}

func testLarge(t *testing.T, s store.Store, caps Capabilities) {
	body := randomBody(caps.LargeSize)
	want := sum(body)
	o := store.PutOptions{ContentType: "audio/mpeg", SHA256: want, Size: int64(len(body))}
	obj, err := s.Put(t.Context(), "media/large.mp3", onlyReader{bytes.NewReader(body)}, o)
	if err != nil {
		t.Fatalf("Put: %v", err)
	}
	checkObject(t, "Put", obj, "media/large.mp3", body, o, caps)
	rc, gobj, err := s.Get(t.Context(), "media/large.mp3")
	if err != nil {
		t.Fatalf("Get: %v", err)
	}
	defer rc.Close()
	h := sha256.New()
	n, err := io.Copy(h, rc)
	if err != nil {
		t.Fatalf("Get: read: %v", err)
	}
	if got := hex.EncodeToString(h.Sum(nil)); n != int64(len(body)) || got != want {
		t.Fatalf("Get: %d bytes with SHA-256 %s, want %d bytes with %s", n, got, len(body), want)
	}
	checkObject(t, "Get", gobj, "media/large.mp3", body, o, caps)

	// Without a known hash or size, from an unseekable stream.
	obj, err = s.Put(t.Context(), "media/large-stream.mp3", onlyReader{bytes.NewReader(body)}, store.PutOptions{Size: -1})
	if err != nil {
		t.Fatalf("Put of a stream: %v", err)
	}
	if obj.Size != int64(len(body)) || (obj.SHA256 != "" && obj.SHA256 != want) {
		t.Errorf("Put of a stream: size %d, SHA-256 %q; want %d, %s", obj.Size, obj.SHA256, len(body), want)
	}
}

func testOddKeys(t *testing.T, s store.Store, caps Capabilities) {
	odd := []string{
		"a b/c d.txt",
		"media/The Heroine (2024) — épisode 1.mp3",
		"日本語/ファイル.txt",
		"percent%20sign+plus&amp=eq?q#hash.txt",
		"emoji/🎬.json",
	}
	for i, k := range odd {
		body := []byte(fmt.Sprintf("body %d", i))
		put(t, s, k, body, store.PutOptions{})
		checkContent(t, s, k, body)
		if _, err := s.Stat(t.Context(), k); err != nil {
			t.Errorf("Stat %q: %v", k, err)
		}
	}
	if got, want := keys(list(t, s, "")), slices.Sorted(slices.Values(odd)); !slices.Equal(got, want) {
		t.Errorf("List: got %q, want %q", got, want)
	}
	for _, k := range odd {
		if err := s.Delete(t.Context(), k); err != nil {
			t.Errorf("Delete %q: %v", k, err)
		}
		checkAbsent(t, s, k)
	}
}

func testInvalidKeys(t *testing.T, s store.Store, caps Capabilities) {
	for _, k := range []string{"", "/abs", "../escape", "a/../../escape", "a//b", "a/", "./a"} {
		if _, err := s.Put(t.Context(), k, bytes.NewReader([]byte("x")), store.PutOptions{Size: 1}); err == nil {
			t.Errorf("Put %q succeeded, want an error", k)
		}
	}
	if got := list(t, s, ""); len(got) != 0 {
		t.Errorf("List after refused Puts: %q", keys(got))
	}
}

func testString(t *testing.T, s store.Store, caps Capabilities) {
	if s.String() == "" {
		t.Error("String is empty")
	}
}

// testSetMeta changes an object's settings in place: the bytes and the
// SHA-256 stay, the new content type and cache control are what Stat then
// reports (where the backend keeps them), and a missing key is
// ErrNotExist.
func testSetMeta(t *testing.T, s store.Store, caps Capabilities) {
	for _, key := range []string{"feeds/podcast.xml", "media/The Heroine (2024) — épisode 1.mp3"} {
		body := []byte("<rss>" + key + "</rss>")
		put(t, s, key, body, store.PutOptions{ContentType: "text/xml", CacheControl: "max-age=60", Size: int64(len(body)), SHA256: sum(body)})
		// Without SHA256 in the options: the backend keeps the one stored.
		o := store.PutOptions{ContentType: "application/rss+xml", CacheControl: "public, max-age=300"}
		if err := s.SetMeta(t.Context(), key, o); err != nil {
			t.Fatalf("SetMeta %q: %v", key, err)
		}
		checkContent(t, s, key, body)
		got, err := s.Stat(t.Context(), key)
		if err != nil {
			t.Fatal(err)
		}
		o.SHA256 = sum(body)
		checkObject(t, "Stat after SetMeta", got, key, body, o, caps)
	}
	if err := s.SetMeta(t.Context(), "missing.xml", store.PutOptions{ContentType: "text/xml"}); !errors.Is(err, store.ErrNotExist) {
		t.Errorf("SetMeta of a missing key: %v, want ErrNotExist", err)
	}
	if got := keys(list(t, s, "")); len(got) != 2 {
		t.Errorf("SetMeta added or removed objects: %q", got)
	}
}
