package publish

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/credentials"

	"github.com/feedpub/feedpub/media/store"
	"github.com/feedpub/feedpub/media/store/localstore"
	"github.com/feedpub/feedpub/media/store/s3store"
	"github.com/feedpub/feedpub/media/store/s3store/s3test"
)

func TestMain(m *testing.M) {
	code := m.Run()
	s3test.StopShared()
	os.Exit(code)
}

// lockStores are the backends every lock test runs on: a folder, and the
// real S3 server of s3test (mandatory with FEEDPUB_TEST_REQUIRE_S3=1).
var lockStores = []struct {
	name string
	open func(t *testing.T) store.Store
}{
	{"local", func(t *testing.T) store.Store {
		st, err := localstore.New(t.TempDir())
		if err != nil {
			t.Fatal(err)
		}
		return st
	}},
	{"s3", func(t *testing.T) store.Store {
		srv := s3test.StartShared(t)
		st, err := s3store.New(t.Context(), s3store.Config{
			Bucket: srv.Bucket, Prefix: srv.NewPrefix(t), Region: srv.Region, Endpoint: srv.Endpoint, PathStyle: true,
			Credentials: credentials.NewStaticCredentialsProvider(srv.AccessKey, srv.SecretKey, ""),
		})
		if err != nil {
			t.Fatal(err)
		}
		return st
	}},
}

func lockOptions(owner string, ttl time.Duration) Options {
	return Options{Owner: owner, LockTTL: ttl, Now: time.Now}
}

// plantLock writes a lock as a publish that died would have left it.
func plantLock(t *testing.T, st store.Store, owner string, expires time.Time) store.Object {
	t.Helper()
	body, _ := json.Marshal(lockBody{Owner: owner, Started: expires.Add(-2 * time.Hour), Expires: expires, Token: "dead"})
	obj, err := st.Put(t.Context(), LockKey, bytes.NewReader(body), store.PutOptions{Size: int64(len(body))})
	if err != nil {
		t.Fatal(err)
	}
	return obj
}

// releaseGone releases l and wants no lock left.
func releaseGone(t *testing.T, st store.Store, l *heldLock) {
	t.Helper()
	if err := l.Release(); err != nil {
		t.Errorf("release: %v", err)
	}
	if _, ok := currentLock(t, st); ok {
		t.Error("the lock is still there after release")
	}
}

func currentLock(t *testing.T, st store.Store) (lockBody, bool) {
	t.Helper()
	rc, _, err := st.Get(context.Background(), LockKey)
	if errors.Is(err, store.ErrNotExist) {
		return lockBody{}, false
	}
	if err != nil {
		t.Fatal(err)
	}
	defer rc.Close()
	var lb lockBody
	if err := json.NewDecoder(rc).Decode(&lb); err != nil {
		t.Fatal(err)
	}
	return lb, true
}

// gated is one racer's view of a shared store: its first Get of the lock
// waits until every racer has read it (so all of them see the same
// expired lock), and its writes of the lock after that wait for release
// (so that the writes of another racer come first).
type gated struct {
	store.Store
	read     *sync.WaitGroup
	readOnce sync.Once
	haveRead atomic.Bool
	release  <-chan struct{}
}

func (g *gated) Get(ctx context.Context, key string) (io.ReadCloser, store.Object, error) {
	rc, obj, err := g.Store.Get(ctx, key)
	if key == LockKey {
		g.readOnce.Do(func() {
			g.read.Done()
			g.read.Wait()
			g.haveRead.Store(true)
		})
	}
	return rc, obj, err
}

func (g *gated) wait(key string) {
	if key == LockKey && g.release != nil && g.haveRead.Load() {
		<-g.release
	}
}

func (g *gated) Put(ctx context.Context, key string, r io.Reader, o store.PutOptions) (store.Object, error) {
	g.wait(key)
	return g.Store.Put(ctx, key, r, o)
}

func (g *gated) Delete(ctx context.Context, key string) error {
	g.wait(key)
	return g.Store.Delete(ctx, key)
}

func (g *gated) DeleteIf(ctx context.Context, key, etag string) error {
	g.wait(key)
	return g.Store.DeleteIf(ctx, key, etag)
}

// TestLockTakeoverRace: two publishes that meet one expired lock must
// never both proceed. The reported failure: both read the expired lock,
// the first replaced it with its own, and the second deleted that one and
// created its own.
func TestLockTakeoverRace(t *testing.T) {
	for _, bk := range lockStores {
		t.Run(bk.name, func(t *testing.T) {
			st := bk.open(t)
			plantLock(t, st, "a publish that died", time.Now().Add(-time.Minute))
			var read sync.WaitGroup
			read.Add(2)
			firstDone := make(chan struct{})
			first := &gated{Store: st, read: &read}
			second := &gated{Store: st, read: &read, release: firstDone}
			var (
				wg   sync.WaitGroup
				errs [2]error
				held [2]*heldLock
			)
			for i, g := range []*gated{first, second} {
				wg.Go(func() {
					held[i], _, errs[i] = takeLock(t.Context(), g, lockOptions(fmt.Sprintf("racer %d", i), time.Hour))
					if i == 0 {
						close(firstDone)
					}
				})
			}
			wg.Wait()
			for _, l := range held {
				if l != nil {
					defer l.Release()
				}
			}
			if errs[0] != nil {
				t.Fatalf("the first racer did not take over the expired lock: %v", errs[0])
			}
			if errs[1] == nil {
				t.Fatal("both racers hold the lock")
			}
			if !errors.Is(errs[1], ErrLocked) {
				t.Errorf("the second racer: %v, want ErrLocked", errs[1])
			}
			if lb, ok := currentLock(t, st); !ok || lb.Owner != "racer 0" {
				t.Errorf("the lock is %+v (present %v), want racer 0's", lb, ok)
			}
		})
	}
}

// TestLockTakeoverFreeForAll: many publishes at once, no ordering imposed.
func TestLockTakeoverFreeForAll(t *testing.T) {
	for _, bk := range lockStores {
		t.Run(bk.name, func(t *testing.T) {
			st := bk.open(t)
			plantLock(t, st, "a publish that died", time.Now().Add(-time.Minute))
			const n = 8
			var (
				wg      sync.WaitGroup
				mu      sync.Mutex
				winners []*heldLock
			)
			for i := range n {
				wg.Go(func() {
					l, _, err := takeLock(t.Context(), st, lockOptions(fmt.Sprintf("racer %d", i), time.Hour))
					if err != nil && !errors.Is(err, ErrLocked) {
						t.Errorf("racer %d: %v", i, err)
					}
					if err == nil {
						mu.Lock()
						winners = append(winners, l)
						mu.Unlock()
					}
				})
			}
			wg.Wait()
			if len(winners) != 1 {
				t.Fatalf("%d of %d racers hold the lock, want exactly 1", len(winners), n)
			}
			releaseGone(t, st, winners[0])
		})
	}
}

// TestLockReleaseOnlyOurs: a publish whose lock was taken over (it ran past
// the expiry) must not delete the new holder's lock when it finishes.
func TestLockReleaseOnlyOurs(t *testing.T) {
	for _, bk := range lockStores {
		t.Run(bk.name, func(t *testing.T) {
			st := bk.open(t)
			// A's clock says its lock expired long ago, and it never
			// refreshes (the TTL is long), so B takes it over.
			past := time.Now().Add(-3 * time.Hour)
			optA := lockOptions("A", time.Hour)
			optA.Now = func() time.Time { return past }
			a, _, err := takeLock(t.Context(), st, optA)
			if err != nil {
				t.Fatal(err)
			}
			b, _, err := takeLock(t.Context(), st, lockOptions("B", time.Hour))
			if err != nil {
				t.Fatalf("B could not take over A's expired lock: %v", err)
			}
			defer b.Release()
			err = a.Release()
			if !errors.Is(err, ErrLockLost) {
				t.Errorf("A's release: %v, want ErrLockLost", err)
			}
			if lb, ok := currentLock(t, st); !ok || lb.Owner != "B" {
				t.Fatalf("after A's release the lock is %+v (present %v), want B's", lb, ok)
			}
		})
	}
}

// TestLockRefresh: a publish that runs longer than the lock's TTL keeps
// it, because it rewrites the expiry every TTL/4.
func TestLockRefresh(t *testing.T) {
	for _, bk := range lockStores {
		t.Run(bk.name, func(t *testing.T) {
			st := bk.open(t)
			const ttl = 400 * time.Millisecond
			ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
			defer cancel()
			l, _, err := takeLock(ctx, st, lockOptions("long publish", ttl))
			if err != nil {
				t.Fatal(err)
			}
			first, _ := currentLock(t, st)
			deadline := first.Expires.Add(2 * ttl)
			for time.Now().Before(deadline) {
				select {
				case <-ctx.Done():
					t.Fatal(ctx.Err())
				case <-l.Lost():
					t.Fatalf("lost the lock: %v", l.Err())
				case <-time.After(ttl / 8):
				}
			}
			// Well past the first expiry: another publish must still be
			// refused.
			other, _, err := takeLock(ctx, st, lockOptions("other", ttl))
			if err == nil {
				other.Release()
				t.Fatal("another publish took the lock of a running publish past its first expiry")
			}
			if !errors.Is(err, ErrLocked) {
				t.Errorf("other: %v, want ErrLocked", err)
			}
			now, _ := currentLock(t, st)
			if !now.Expires.After(first.Expires) || now.Token != first.Token || !now.Started.Equal(first.Started) {
				t.Errorf("lock not refreshed: first %+v, now %+v", first, now)
			}
			releaseGone(t, st, l)
		})
	}
}

// TestLockLost: when another publish breaks the lock (--break-lock) while
// this one runs, the refresh notices, tells the publish through Lost and
// the context, and the release leaves the other's lock alone.
func TestLockLost(t *testing.T) {
	for _, bk := range lockStores {
		t.Run(bk.name, func(t *testing.T) {
			st := bk.open(t)
			const ttl = 400 * time.Millisecond
			ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
			defer cancel()
			a, _, err := takeLock(ctx, st, lockOptions("A", ttl))
			if err != nil {
				t.Fatal(err)
			}
			optB := lockOptions("B", time.Hour)
			optB.BreakLock = true
			b, warn, err := takeLock(ctx, st, optB)
			if err != nil {
				t.Fatalf("--break-lock: %v", err)
			}
			defer b.Release()
			if warn == "" {
				t.Error("breaking a live lock gave no warning")
			}
			select {
			case <-a.Lost():
			case <-ctx.Done():
				t.Fatal("A was never told that its lock was lost")
			}
			if !errors.Is(a.Err(), ErrLockLost) || !errors.Is(context.Cause(a.Context()), ErrLockLost) {
				t.Errorf("A: Err %v, context cause %v; want ErrLockLost", a.Err(), context.Cause(a.Context()))
			}
			if err := a.Release(); !errors.Is(err, ErrLockLost) {
				t.Errorf("A's release: %v, want ErrLockLost", err)
			}
			if lb, ok := currentLock(t, st); !ok || lb.Owner != "B" {
				t.Errorf("the lock is %+v (present %v), want B's", lb, ok)
			}
		})
	}
}

// TestLockStillHeldRefused: an unexpired lock is honoured, and says who
// holds it.
func TestLockStillHeldRefused(t *testing.T) {
	st := lockStores[0].open(t)
	plantLock(t, st, "feedpub on studio (pid 7)", time.Now().Add(time.Hour))
	_, _, err := takeLock(t.Context(), st, lockOptions("me", time.Hour))
	if !errors.Is(err, ErrLocked) || !bytes.Contains([]byte(err.Error()), []byte("studio (pid 7)")) {
		t.Errorf("got %v, want ErrLocked naming the holder", err)
	}
	// --break-lock takes it anyway.
	l, _, err := takeLock(t.Context(), st, Options{Owner: "me", LockTTL: time.Hour, Now: time.Now, BreakLock: true})
	if err != nil {
		t.Fatal(err)
	}
	if err := l.Release(); err != nil {
		t.Error(err)
	}
}

// plantHeld writes an unexpired lock naming process h, as a publish that
// was killed (kill -9, a crash) leaves it.
func plantHeld(t *testing.T, st store.Store, h holder) {
	t.Helper()
	now := time.Now().UTC()
	body, _ := json.Marshal(lockBody{Owner: fmt.Sprintf("feedpub on %s (pid %d)", h.Host, h.PID), Started: now, Expires: now.Add(time.Hour), Token: "killed", holder: h})
	if _, err := st.Put(t.Context(), LockKey, bytes.NewReader(body), store.PutOptions{Size: int64(len(body))}); err != nil {
		t.Fatal(err)
	}
}

// childHolder starts a process and returns it as a lock holder on this
// machine; the process is killed when the test ends.
func childHolder(t *testing.T) (holder, *exec.Cmd) {
	t.Helper()
	cmd := exec.Command("sleep", "60")
	if err := cmd.Start(); err != nil {
		t.Skipf("cannot start a child process: %v", err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	h := thisHolder()
	h.PID, h.PIDStart = cmd.Process.Pid, procStart(cmd.Process.Pid)
	return h, cmd
}

// TestLockDeadHolderTakenOver: an unexpired lock whose holder ran on this
// machine and is gone is taken over at once, saying so; one whose holder
// runs, or ran on another machine, is refused.
func TestLockDeadHolderTakenOver(t *testing.T) {
	for _, bs := range lockStores {
		t.Run(bs.name, func(t *testing.T) {
			st := bs.open(t)
			h, cmd := childHolder(t)
			plantHeld(t, st, h)
			if _, _, err := takeLock(t.Context(), st, lockOptions("me", time.Hour)); !errors.Is(err, ErrLocked) {
				t.Fatalf("lock of a running process on this machine: got %v, want ErrLocked", err)
			}

			other := h
			other.Host = "elsewhere.example"
			plantHeld(t, st, other)
			if _, _, err := takeLock(t.Context(), st, lockOptions("me", time.Hour)); !errors.Is(err, ErrLocked) || !strings.Contains(err.Error(), "elsewhere.example") {
				t.Fatalf("lock of a process on another machine: got %v, want ErrLocked naming it", err)
			}

			_ = cmd.Process.Kill()
			_ = cmd.Wait() // reaped: the pid is gone
			if procReadable() {
				// Same host name, another boot or container: its pids
				// are not ours to judge.
				container := h
				container.Boot = "another-boot " + h.Boot
				plantHeld(t, st, container)
				if _, _, err := takeLock(t.Context(), st, lockOptions("me", time.Hour)); !errors.Is(err, ErrLocked) {
					t.Fatalf("lock of a process in another container of the same name: got %v, want ErrLocked", err)
				}
			}
			plantHeld(t, st, h)
			l, warn, err := takeLock(t.Context(), st, lockOptions("me", time.Hour))
			if err != nil {
				t.Fatalf("lock of a killed process on this machine: %v", err)
			}
			want := fmt.Sprintf("process %d on %s is no longer running", h.PID, h.Host)
			if !strings.Contains(warn, "took over the publish lock held by") || !strings.Contains(warn, want) {
				t.Errorf("warning %q, want it to say the lock was taken over because %s", warn, want)
			}
			releaseGone(t, st, l)
		})
	}
}

// TestLockReusedPIDTakenOver: a holder's pid now used by another process
// (another start time) is not the holder.
func TestLockReusedPIDTakenOver(t *testing.T) {
	if !procReadable() {
		t.Skip("no /proc: process start times are unknown here")
	}
	st := lockStores[0].open(t)
	h, _ := childHolder(t)
	h.PIDStart += "0" // the pid runs, but started at another time
	plantHeld(t, st, h)
	l, warn, err := takeLock(t.Context(), st, lockOptions("me", time.Hour))
	if err != nil {
		t.Fatalf("lock of a reused pid: %v", err)
	}
	if !strings.Contains(warn, "is no longer running") {
		t.Errorf("warning %q", warn)
	}
	releaseGone(t, st, l)
}

// TestLockOwnEndedPublishTakenOver: a lock this process left (its
// publish ended without removing it) is taken over; one it holds is not.
func TestLockOwnEndedPublishTakenOver(t *testing.T) {
	st := lockStores[0].open(t)
	held, _, err := takeLock(t.Context(), st, lockOptions("first", time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := takeLock(t.Context(), st, lockOptions("second", time.Hour)); !errors.Is(err, ErrLocked) {
		t.Fatalf("a lock this process holds: got %v, want ErrLocked", err)
	}
	// The publish ends without removing its lock (the server was gone).
	held.stopOnce.Do(func() { close(held.stop) })
	<-held.done
	heldTokens.Delete(held.body.Token)
	l, warn, err := takeLock(t.Context(), st, lockOptions("second", time.Hour))
	if err != nil {
		t.Fatalf("the lock of an ended publish: %v", err)
	}
	if !strings.Contains(warn, "has ended") {
		t.Errorf("warning %q", warn)
	}
	releaseGone(t, st, l)
}
