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
	"time"

	"github.com/feedpub/feedpub/media/store"
)

type lockBody struct {
	Owner   string    `json:"owner"`
	Started time.Time `json:"started"`
	Expires time.Time `json:"expires"`
	// Token is random per attempt to take the lock, so that a publish
	// recognises its own lock when the answer to its create was lost and
	// the retried create found it.
	Token string `json:"token,omitempty"`
}

// acquireLock takes the publish lock with a create-only write. A lock past
// its expiry (a crashed publish) is taken over.
func acquireLock(ctx context.Context, st store.Store, opt Options) (unlock func() error, warning string, err error) {
	now := opt.Now().UTC()
	var token [16]byte
	rand.Read(token[:])
	body, _ := json.Marshal(lockBody{Owner: opt.Owner, Started: now, Expires: now.Add(opt.LockTTL), Token: hex.EncodeToString(token[:])})
	putLock := func() error {
		_, err := st.Put(ctx, LockKey, bytes.NewReader(body), store.PutOptions{
			ContentType: "application/json", CacheControl: "no-store", Size: int64(len(body)), IfNoneMatch: true,
		})
		return err
	}
	release := func() error {
		// The lock must go even when ctx was cancelled (Ctrl-C).
		c, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
		defer cancel()
		return st.Delete(c, LockKey)
	}
	for attempt := 0; attempt < 2; attempt++ {
		err := putLock()
		switch {
		case err == nil:
			return release, warning, nil
		case errors.Is(err, store.ErrConditionalUnsupported):
			return func() error { return nil }, fmt.Sprintf("%s does not support conditional writes: two publishes at once cannot be prevented", st), nil
		case !errors.Is(err, store.ErrPrecondition):
			return nil, "", fmt.Errorf("take publish lock: %w", err)
		}
		held, herr := readLock(ctx, st)
		if herr != nil {
			return nil, "", fmt.Errorf("take publish lock: %w", herr)
		}
		if held.Token == hex.EncodeToString(token[:]) {
			// Ours: the create succeeded, its answer was lost, and the
			// retried create found the lock.
			return release, "", nil
		}
		if now.Before(held.Expires) && !opt.BreakLock {
			return nil, "", fmt.Errorf("%w: %s has held %s since %s (expires %s); wait for it, or run publish --break-lock if that publish is dead",
				ErrLocked, held.Owner, LockKey, held.Started.Format(time.RFC3339), held.Expires.Format(time.RFC3339))
		}
		if err := st.Delete(ctx, LockKey); err != nil {
			return nil, "", fmt.Errorf("remove publish lock: %w", err)
		}
		if now.Before(held.Expires) {
			warning = fmt.Sprintf("removed the publish lock held by %s since %s (--break-lock)", held.Owner, held.Started.Format(time.RFC3339))
		}
	}
	return nil, "", fmt.Errorf("%w: could not take %s", ErrLocked, LockKey)
}

func readLock(ctx context.Context, st store.Store) (lockBody, error) {
	var lb lockBody
	rc, _, err := st.Get(ctx, LockKey)
	if errors.Is(err, store.ErrNotExist) {
		return lb, nil // released meanwhile: expired zero value lets us retry
	}
	if err != nil {
		return lb, err
	}
	defer rc.Close()
	data, err := io.ReadAll(io.LimitReader(rc, 64<<10))
	if err != nil {
		return lb, err
	}
	if json.Unmarshal(data, &lb) != nil {
		// An unreadable lock has no expiry to honour: treat it as expired.
		lb.Owner = "an unknown process"
	}
	return lb, nil
}
