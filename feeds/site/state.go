package site

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/feedpub/feedpub/config"
	"github.com/feedpub/feedpub/config/state"
	"github.com/feedpub/feedpub/feeds/content"
)

// maxStateFile bounds the state read: a few hundred bytes per target.
const maxStateFile = 1 << 20

// State is what the site folder remembers of its publishes.
type State struct {
	Targets map[string]TargetState `json:"targets"`
}

// TargetState is the last complete publish to one target.
type TargetState struct {
	// Inputs is the Fingerprint of the site that publish was built from.
	Inputs string `json:"inputs"`
	// Manifest is the ETag of the manifest it left on the target: if the
	// target's manifest still has it, nobody published there since.
	Manifest string `json:"manifest_etag"`
	// Due is when the earliest scheduled entry becomes due (RFC 3339): from
	// then on the same inputs make different feeds.
	Due string `json:"due,omitempty"`
	// Next is that entry, so that a publish with nothing to do still says
	// what goes out next.
	Next *Scheduled `json:"next,omitempty"`
	// Files is the size of the published tree; Orphans how many objects
	// it left for --prune.
	Files   int `json:"files"`
	Orphans int `json:"orphans"`
}

// LoadState reads the site's state (state.SiteFile in the state store); a
// missing or unreadable file, or one another feedpub build wrote, is an
// empty state (it only ever saves work). The store reads as sitefs does: a
// FIFO or a link out of the site planted here must not hang or feed a
// publish.
func LoadState(cfg *config.Config) *State {
	s := &State{Targets: map[string]TargetState{}}
	data, ok := state.Open(cfg.Dir, state.Options{}).Read(state.SiteFile, maxStateFile)
	if ok && json.Unmarshal(data, s) == nil && s.Targets != nil {
		return s
	}
	return &State{Targets: map[string]TargetState{}}
}

// Save writes the state atomically, through the state store (nothing when
// the running feedpub's build ID cannot be had: then no state is trusted).
func (s *State) Save(cfg *config.Config) error {
	data, err := json.MarshalIndent(s, "", " ")
	if err != nil {
		return err
	}
	return state.Open(cfg.Dir, state.Options{}).Write(state.SiteFile, data)
}

// Unchanged reports whether a publish to target, now, would be built from
// exactly the inputs of the last complete one (and so make the same tree),
// given the site's current fingerprint.
func (t TargetState) Unchanged(inputs string, now time.Time) bool {
	if t.Inputs == "" || t.Inputs != inputs {
		return false
	}
	if due, err := time.Parse(time.RFC3339, t.Due); err == nil && !now.Before(due) {
		return false // a scheduled entry is due now
	}
	return true
}

// Fingerprint sums what a build reads: every file under the site folder
// (its path, size and modification time: editors, copies and encoders all
// set the time, so content is not hashed), the FEEDPUB_* environment,
// feedpub's version and the running binary's build ID (a development build
// is always the same version, but never the same build once its code
// changed).
// Hidden files and folders (.feedpub, .git) and folders holding a
// published tree (build's output, a local target: they have a manifest)
// are left out, as are the skip paths. Reading metadata only, it costs a
// few milliseconds for thousands of entries.
func Fingerprint(cfg *config.Config, version string, environ []string, skip ...string) (string, error) {
	h := sha256.New()
	fmt.Fprintf(h, "feedpub %s\nbuild %s\n", version, state.RunningBuildID())
	var env []string
	for _, kv := range environ {
		if strings.HasPrefix(kv, config.EnvPrefix+"_") {
			env = append(env, kv)
		}
	}
	sort.Strings(env)
	for _, kv := range env {
		fmt.Fprintf(h, "env %q\n", kv)
	}
	skipped := map[string]bool{}
	for _, p := range skip {
		if p != "" {
			skipped[filepath.Clean(p)] = true
		}
	}
	err := filepath.WalkDir(cfg.Dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if p != cfg.Dir && (strings.HasPrefix(d.Name(), ".") || skipped[p]) {
			if d.IsDir() {
				return filepath.SkipDir
			}
			return nil
		}
		if d.IsDir() {
			if _, err := os.Lstat(filepath.Join(p, StateDir, "manifest.json")); err == nil && p != cfg.Dir {
				return filepath.SkipDir // a published tree, not an input
			}
			return nil
		}
		fi, err := os.Stat(p) // through a symlink: the file read is what counts
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(cfg.Dir, p)
		fmt.Fprintf(h, "%q %d %d\n", filepath.ToSlash(rel), fi.Size(), fi.ModTime().UnixNano())
		return nil
	})
	if err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// NextDue returns when the earliest scheduled entry of res becomes due,
// as TargetState.Due keeps it ("" when none is scheduled).
func NextDue(res *Result, now time.Time) string {
	if n := NextScheduled(res, now); n != nil {
		return n.Date
	}
	return ""
}

// Scheduled is the entry that goes out next: left out of every feed until
// its date, and only then by a publish run after it.
type Scheduled struct {
	File  string `json:"file"`
	Title string `json:"title"`
	Date  string `json:"date"` // RFC 3339, UTC
}

// NextScheduled returns the earliest entry of res dated after now that is
// not a draft (of two at one time, the first by file), or nil.
func NextScheduled(res *Result, now time.Time) *Scheduled {
	if res == nil {
		return nil
	}
	var next *content.Entry
	for _, e := range res.Entries {
		if e.Draft || !e.Date.After(now) {
			continue
		}
		if next == nil || e.Date.Before(next.Date) || (e.Date.Equal(next.Date) && e.File < next.File) {
			next = e
		}
	}
	if next == nil {
		return nil
	}
	return &Scheduled{File: next.File, Title: next.Title, Date: next.Date.UTC().Format(time.RFC3339)}
}
