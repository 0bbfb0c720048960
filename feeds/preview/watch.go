package preview

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"
	"time"

	"github.com/fsnotify/fsnotify"
)

// Watcher reports changes to the files under some folders, all the way
// down, folders created later included.
type Watcher struct {
	fs   *fsnotify.Watcher
	skip func(path string) bool
}

// NewWatcher watches dirs and every folder under them that skip does not
// exclude (skip sees each folder's and each changed file's path). Changes
// made once it returns are seen.
func NewWatcher(dirs []string, skip func(path string) bool) (*Watcher, error) {
	fw, err := fsnotify.NewWatcher()
	if err != nil {
		return nil, fmt.Errorf("watching the site: %w", err)
	}
	w := &Watcher{fs: fw, skip: skip}
	for _, d := range dirs {
		if err := w.add(d); err != nil {
			fw.Close()
			return nil, err
		}
	}
	return w, nil
}

// add watches dir and the folders under it.
func (w *Watcher) add(dir string) error {
	return filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		switch {
		case err != nil && p == dir:
			return fmt.Errorf("watching %s: %w", p, err)
		case err != nil:
			return nil // gone or unreadable since the walk began: nothing to watch
		case !d.IsDir():
			return nil
		case p != dir && w.skip(p):
			return filepath.SkipDir
		}
		if err := w.fs.Add(p); err != nil {
			return fmt.Errorf("watching %s: %w", p, err)
		}
		return nil
	})
}

// Run calls changed once per burst of changes, when nothing has changed for
// quiet, until ctx ends; then it stops watching. Changes made while changed
// runs start the next burst.
func (w *Watcher) Run(ctx context.Context, quiet time.Duration, changed func()) {
	defer w.fs.Close()
	timer := time.NewTimer(quiet)
	timer.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case ev, ok := <-w.fs.Events:
			if !ok {
				return
			}
			// A permission or time change alone changes no content.
			if ev.Op == fsnotify.Chmod || w.skip(ev.Name) {
				continue
			}
			if ev.Has(fsnotify.Create) {
				_ = w.add(ev.Name) // a new folder; a plain file walks as nothing
			}
			timer.Reset(quiet)
		case err, ok := <-w.fs.Errors:
			if !ok {
				return
			}
			// An overflowed event queue lost changes: rebuild to be safe.
			if errors.Is(err, fsnotify.ErrEventOverflow) {
				timer.Reset(quiet)
			}
		case <-timer.C:
			changed()
		}
	}
}
