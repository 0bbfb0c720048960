package publish

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"sync"
	"time"

	"github.com/feedpub/feedpub/media/store"
)

// ErrLockLost is the cause (context.Cause) of a held lock's context, and
// the error of its Release, when another publish took the lock over or
// broke it while this one ran: this publish's writes may have mixed with
// the other's.
var ErrLockLost = errors.New("the publish lock was lost")

// releaseTimeout bounds removing the lock at the end, which runs even
// after Ctrl-C; a frozen server must not hold the exit for long.
const releaseTimeout = 10 * time.Second

type lockBody struct {
	Owner   string    `json:"owner"`
	Started time.Time `json:"started"`
	Expires time.Time `json:"expires"`
	// Token is random per attempt to take the lock, so that a publish
	// recognises its own lock when the answer to its create was lost and
	// the retried create found it.
	Token string `json:"token,omitempty"`
	// The holding process, to take over at once the lock of one that died
	// on this machine.
	holder
}

// heldLock is the publish lock while this publish holds it. Every change
// to the lock object is conditional on the ETag this publish last wrote or
// read, so of several publishes that meet one expired lock exactly one
// replaces it, and a publish releases only a lock that is still its own.
// A goroutine rewrites the expiry every TTL/4 while the publish runs.
type heldLock struct {
	st   store.Store
	opt  Options
	body lockBody
	ctx  context.Context
	// cancel ends ctx with ErrLockLost when the lock is lost, and with
	// context.Canceled on Release.
	cancel context.CancelCauseFunc
	// noop: the store cannot write conditionally, so there is no lock to
	// refresh or release.
	noop bool

	mu      sync.Mutex
	etag    string // of the lock object as this publish last wrote it
	lostErr error  // set once, before lost is closed

	lost     chan struct{}
	stop     chan struct{}
	done     chan struct{} // closed when the refresh goroutine has ended
	stopOnce sync.Once
}

// takeLock takes the publish lock with a create-only write (If-None-Match).
// A lock past its expiry (a crashed publish elsewhere), one whose holder ran
// on this machine and is gone (lockBody.dead), or any with opt.BreakLock,
// is taken over by replacing exactly the object read (If-Match on its
// ETag), never by deleting it first: between a delete and a create another
// publish could do the same, and both would proceed. The returned lock
// refreshes itself until Release.
func takeLock(ctx context.Context, st store.Store, opt Options) (*heldLock, string, error) {
	now := opt.Now().UTC()
	var token [16]byte
	rand.Read(token[:])
	l := &heldLock{
		st:   st,
		opt:  opt,
		body: lockBody{Owner: opt.Owner, Started: now, Expires: now.Add(opt.LockTTL), Token: hex.EncodeToString(token[:]), holder: thisHolder()},
		lost: make(chan struct{}),
		stop: make(chan struct{}),
		done: make(chan struct{}),
	}
	l.ctx, l.cancel = context.WithCancelCause(ctx)
	// Registered before the first write, so that another publish in this
	// process never sees the lock without its holder running.
	heldTokens.Store(l.body.Token, true)
	data, _ := json.Marshal(l.body)
	put := func(o store.PutOptions) (store.Object, error) {
		o.ContentType, o.CacheControl, o.Size = "application/json", "no-store", int64(len(data))
		return st.Put(ctx, LockKey, bytes.NewReader(data), o)
	}
	fail := func(err error) (*heldLock, string, error) {
		heldTokens.Delete(l.body.Token)
		l.cancel(err)
		return nil, "", err
	}
	warning := ""
	for attempt := 0; attempt < 4; attempt++ {
		obj, err := put(store.PutOptions{IfNoneMatch: true})
		switch {
		case err == nil:
			return l.start(obj.ETag), warning, nil
		case errors.Is(err, store.ErrConditionalUnsupported):
			l.noop = true
			close(l.done)
			return l, fmt.Sprintf("%s does not support conditional writes: two publishes at once cannot be prevented", st), nil
		case !errors.Is(err, store.ErrPrecondition):
			return fail(fmt.Errorf("take publish lock: %w", err))
		}
		held, cur, err := readLock(ctx, st)
		if err != nil {
			return fail(fmt.Errorf("take publish lock: %w", err))
		}
		switch {
		case cur.ETag == "":
			continue // released meanwhile: create it
		case held.Token == l.body.Token:
			// Ours: the create succeeded, its answer was lost, and the
			// retried create found the lock.
			return l.start(cur.ETag), warning, nil
		}
		dead, why := held.dead()
		if now.Before(held.Expires) && !opt.BreakLock && !dead {
			return fail(fmt.Errorf("%w: %s has held %s since %s (expires %s); wait for it, or run publish --break-lock if that publish is dead",
				ErrLocked, held.Owner, LockKey, held.Started.Format(time.RFC3339), held.Expires.Format(time.RFC3339)))
		}
		obj, err = put(store.PutOptions{IfMatch: cur.ETag})
		switch {
		case err == nil:
			switch {
			case now.Before(held.Expires) && dead:
				warning = fmt.Sprintf("took over the publish lock held by %s since %s: %s", held.Owner, held.Started.Format(time.RFC3339), why)
			case now.Before(held.Expires):
				warning = fmt.Sprintf("removed the publish lock held by %s since %s (--break-lock)", held.Owner, held.Started.Format(time.RFC3339))
			}
			return l.start(obj.ETag), warning, nil
		case errors.Is(err, store.ErrPrecondition), errors.Is(err, store.ErrNotExist):
			// Changed since read: another publish took it over or
			// released it (or ours did, its answer lost). Look again.
			continue
		case errors.Is(err, store.ErrConditionalUnsupported) && opt.BreakLock:
			// No safe takeover on this server: the user asserts that no
			// other publish runs, so remove and create as before.
			if err := st.Delete(ctx, LockKey); err != nil {
				return fail(fmt.Errorf("remove publish lock: %w", err))
			}
			continue
		case errors.Is(err, store.ErrConditionalUnsupported):
			return fail(fmt.Errorf("%w: the lock of %s expired at %s, but %s cannot replace it conditionally; if no publish is running, run publish --break-lock",
				ErrLocked, held.Owner, held.Expires.Format(time.RFC3339), st))
		default:
			return fail(fmt.Errorf("take over publish lock: %w", err))
		}
	}
	return fail(fmt.Errorf("%w: could not take %s: it kept changing", ErrLocked, LockKey))
}

// start records the lock's ETag and starts refreshing it.
func (l *heldLock) start(etag string) *heldLock {
	l.etag = etag
	go l.refreshLoop()
	return l
}

// Context is the publish's context, cancelled with cause ErrLockLost
// (context.Cause) as soon as the lock is found lost. Run the publish's
// writes under it, so that they stop when another publish took over.
func (l *heldLock) Context() context.Context { return l.ctx }

// Lost is closed when the lock was found lost; Err then says how.
func (l *heldLock) Lost() <-chan struct{} { return l.lost }

// Err is nil while the lock is held, and an error wrapping ErrLockLost
// once it was lost.
func (l *heldLock) Err() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.lostErr
}

// markLost records why the lock was lost, cancels the context and closes
// Lost.
func (l *heldLock) markLost(err error) {
	l.mu.Lock()
	if l.lostErr != nil {
		l.mu.Unlock()
		return
	}
	l.lostErr = err
	l.mu.Unlock()
	l.cancel(err) // before Lost closes, so its watchers see the cause
	close(l.lost)
}

// refreshLoop rewrites the lock's expiry every TTL/4 until Release, so that
// a publish running longer than the TTL keeps it; a crashed one stops
// refreshing and its lock expires as before.
func (l *heldLock) refreshLoop() {
	defer close(l.done)
	t := time.NewTicker(max(l.opt.LockTTL/4, time.Millisecond))
	defer t.Stop()
	for {
		select {
		case <-l.stop:
			return
		case <-l.ctx.Done():
			return
		case <-t.C:
		}
		if !l.refresh() {
			return
		}
	}
}

// refresh writes a new expiry if the lock is still the one this publish
// wrote. It returns false when refreshing should end.
func (l *heldLock) refresh() bool {
	now := l.opt.Now().UTC()
	body := l.body
	body.Expires = now.Add(l.opt.LockTTL)
	data, _ := json.Marshal(body)
	l.mu.Lock()
	etag := l.etag
	l.mu.Unlock()
	ctx, cancel := context.WithTimeout(l.ctx, max(l.opt.LockTTL/4, time.Second))
	defer cancel()
	obj, err := l.st.Put(ctx, LockKey, bytes.NewReader(data), store.PutOptions{
		ContentType: "application/json", CacheControl: "no-store", Size: int64(len(data)), IfMatch: etag,
	})
	switch {
	case err == nil:
		l.mu.Lock()
		l.etag, l.body.Expires = obj.ETag, body.Expires
		l.mu.Unlock()
		return true
	case errors.Is(err, store.ErrPrecondition), errors.Is(err, store.ErrNotExist):
		held, cur, rerr := readLock(ctx, l.st)
		switch {
		case rerr != nil:
		case held.Token == l.body.Token:
			// Ours: the refresh was written and its answer lost.
			l.mu.Lock()
			l.etag, l.body.Expires = cur.ETag, held.Expires
			l.mu.Unlock()
			return true
		case cur.ETag == "":
			l.markLost(fmt.Errorf("%w: %s was removed while this publish ran (publish --break-lock?)", ErrLockLost, LockKey))
			return false
		default:
			l.markLost(fmt.Errorf("%w: %s took over %s at %s while this publish ran", ErrLockLost, held.Owner, LockKey, held.Started.Format(time.RFC3339)))
			return false
		}
	case errors.Is(err, store.ErrConditionalUnsupported):
		return false // cannot refresh safely; the lock expires as before
	case l.ctx.Err() != nil:
		return false
	}
	// A transient failure: try again at the next tick, unless the lock
	// has expired meanwhile, after which another publish may take it.
	l.mu.Lock()
	expired := !now.Before(l.body.Expires)
	l.mu.Unlock()
	if expired {
		l.markLost(fmt.Errorf("%w: could not renew %s before it expired: %v", ErrLockLost, LockKey, err))
		return false
	}
	return true
}

// Release stops refreshing and removes the lock if it is still this
// publish's (DeleteIf on its ETag). It runs even when the publish's context
// was cancelled (Ctrl-C), bounded by releaseTimeout. It returns an error
// wrapping ErrLockLost when the lock was lost: it then leaves the lock,
// which is another publish's, in place.
func (l *heldLock) Release() error {
	l.stopOnce.Do(func() { close(l.stop) })
	<-l.done
	defer l.cancel(context.Canceled)
	defer heldTokens.Delete(l.body.Token)
	if l.noop {
		return nil
	}
	if err := l.Err(); err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(context.WithoutCancel(l.ctx), releaseTimeout)
	defer cancel()
	l.mu.Lock()
	etag := l.etag
	l.mu.Unlock()
	for attempt := 0; ; attempt++ {
		err := l.st.DeleteIf(ctx, LockKey, etag)
		switch {
		case err == nil, errors.Is(err, store.ErrNotExist):
			return nil
		case !errors.Is(err, store.ErrPrecondition):
			return err
		}
		held, cur, rerr := readLock(ctx, l.st)
		switch {
		case rerr != nil:
			return rerr
		case cur.ETag == "":
			return nil
		case held.Token == l.body.Token && attempt == 0:
			etag = cur.ETag // ours, rewritten by a refresh whose answer was lost
			continue
		}
		err = fmt.Errorf("%w: %s holds %s now; it was left in place", ErrLockLost, held.Owner, LockKey)
		l.markLost(err)
		return err
	}
}

// readLock returns the lock and the object it was read from; a missing
// lock gives a zero Object (ETag "") and no error.
func readLock(ctx context.Context, st store.Store) (lockBody, store.Object, error) {
	var lb lockBody
	rc, obj, err := st.Get(ctx, LockKey)
	if errors.Is(err, store.ErrNotExist) {
		return lb, store.Object{}, nil
	}
	if err != nil {
		return lb, store.Object{}, err
	}
	defer rc.Close()
	data, err := io.ReadAll(io.LimitReader(rc, 64<<10))
	if err != nil {
		return lb, store.Object{}, err
	}
	if json.Unmarshal(data, &lb) != nil {
		// An unreadable lock has no expiry to honour: treat it as expired.
		lb = lockBody{Owner: "an unknown process"}
	}
	return lb, obj, nil
}
