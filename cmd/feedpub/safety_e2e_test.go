package main

// End-to-end tests of the guards on local output folders and of strict
// target parsing: each case here once destroyed or misplaced files.

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/feedpub/feedpub/media/store/s3store/s3test"
)

// snapshot maps every file and link under root (links not followed) to a
// hash of its content or target, so a test can assert nothing changed. The
// site's own state folder (the probe cache) is left out.
func snapshot(t testing.TB, root string) map[string]string {
	t.Helper()
	m := map[string]string{}
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, p)
		switch {
		case rel == ".feedpub" && d.IsDir():
			return filepath.SkipDir
		case d.Type()&fs.ModeSymlink != 0:
			l, _ := os.Readlink(p)
			m[rel] = "link " + l
		case d.IsDir():
			m[rel+"/"] = "dir"
		default:
			b, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			h := sha256.Sum256(b)
			m[rel] = hex.EncodeToString(h[:])
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func sameSnapshot(t testing.TB, what string, got, want map[string]string) {
	t.Helper()
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s: %s changed or vanished", what, k)
		}
	}
	for k := range got {
		if _, ok := want[k]; !ok {
			t.Errorf("%s: %s appeared", what, k)
		}
	}
}

// TestBuildOutGuard: build --out may not be a folder that holds inputs.
// The first case is the report: --out . built into the site folder, and
// after an entry was removed the next build deleted its source mp3.
func TestBuildOutGuard(t *testing.T) {
	home := t.TempDir()
	t.Setenv("HOME", home)
	for _, tc := range []struct {
		name, out string
		want      string // part of the one-line error
	}{
		{"dot", ".", "is the site folder"},
		{"empty", "", "empty"},
		{"root", "/", "root folder"},
		{"home", "~", "home folder"},
		{"content", "reviews", "content.dir"},
		{"media", "media", "input file"},
		{"nested", "media/public", "inside the site folder"},
		{"state", ".feedpub", ".feedpub"},
		{"parent", "..", "holds the site folder"},
		{"file-url", "file:///", "root folder"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := copyExample(t)
			cfg := filepath.Join(dir, "feedpub.yaml")
			before := snapshot(t, dir)
			for _, run := range []int{1, 2} {
				r := feedpub(t, "build", "--config", cfg, "--out", tc.out)
				if r.code == 0 {
					t.Fatalf("build --out %q succeeded:\n%s", tc.out, r.stdout)
				}
				msg := strings.TrimSpace(r.stderr)
				if !strings.Contains(msg, tc.want) || strings.Count(msg, "\n") > 0 {
					t.Errorf("build --out %q: want one line containing %q, got:\n%s", tc.out, tc.want, msg)
				}
				sameSnapshot(t, "site after a refused build", snapshot(t, dir), before)
				if run == 1 {
					// The report's second step: an entry goes, build again.
					os.Remove(filepath.Join(dir, "reviews", "season-3-trailer.md"))
					delete(before, filepath.Join("reviews", "season-3-trailer.md"))
				}
			}
			if _, err := os.Stat(filepath.Join(dir, "media", "season-3-trailer.mp3")); err != nil {
				t.Errorf("the removed entry's source mp3 is gone: %v", err)
			}
		})
	}
	// The same guard for a local publish target.
	t.Run("publish-target", func(t *testing.T) {
		dir := copyExample(t)
		cfg := filepath.Join(dir, "feedpub.yaml")
		before := snapshot(t, dir)
		t.Setenv("FEEDPUB_PUBLISH_TARGET", "media")
		r := feedpub(t, "publish", "--config", cfg, "--prune")
		if r.code == 0 || !strings.Contains(r.stderr, "publish.target") || !strings.Contains(r.stderr, "input file") {
			t.Errorf("publish into media/: exit %d\n%s", r.code, r.stderr)
		}
		sameSnapshot(t, "site after a refused publish", snapshot(t, dir), before)
	})
}

// TestBuildOutOutsideSite: a folder outside the site, or a top-level folder
// of its own, is a fine output.
func TestBuildOutOutsideSite(t *testing.T) {
	dir := copyExample(t)
	cfg := filepath.Join(dir, "feedpub.yaml")
	out := filepath.Join(t.TempDir(), "www")
	mustRun(t, "build", "--config", cfg, "--out", out)
	if _, err := os.Stat(filepath.Join(out, "podcast.xml")); err != nil {
		t.Error(err)
	}
	mustRun(t, "build", "--config", cfg, "--out", "dist")
	if _, err := os.Stat(filepath.Join(dir, "dist", "podcast.xml")); err != nil {
		t.Error(err)
	}
	// The feeds are rendered into the temporary folder first; those files
	// are not inputs, so the folder that holds them is a fine output too.
	tmp := filepath.Join(t.TempDir(), "tmp")
	if err := os.MkdirAll(tmp, 0o755); err != nil {
		t.Fatal(err)
	}
	t.Setenv("TMPDIR", tmp)
	mustRun(t, "build", "--config", cfg, "--out", tmp)
	if _, err := os.Stat(filepath.Join(tmp, "podcast.xml")); err != nil {
		t.Error(err)
	}
}

// TestPruneNeverFollowsSymlink is the report: a manifest naming
// lnk/victim.txt and a symlinked folder lnk in a local target made publish
// --prune delete a file outside the target.
func TestPruneNeverFollowsSymlink(t *testing.T) {
	dir := copyExample(t)
	cfg := filepath.Join(dir, "feedpub.yaml")
	mustRun(t, "publish", "--config", cfg)
	public := filepath.Join(dir, "public")
	outside := t.TempDir()
	victim := filepath.Join(outside, "victim.txt")
	writeFile(t, victim, "precious")
	if err := os.Symlink(outside, filepath.Join(public, "lnk")); err != nil {
		t.Fatal(err)
	}
	mpath := filepath.Join(public, ".feedpub", "manifest.json")
	var m map[string]any
	data, err := os.ReadFile(mpath)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(data, &m); err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256([]byte("precious"))
	m["objects"].(map[string]any)["lnk/victim.txt"] = map[string]any{"size": 8, "sha256": hex.EncodeToString(sum[:])}
	data, _ = json.Marshal(m)
	writeFile(t, mpath, string(data))

	r := feedpub(t, "publish", "--config", cfg, "--prune")
	if b, err := os.ReadFile(victim); err != nil || string(b) != "precious" {
		t.Fatalf("publish --prune (exit %d) deleted or changed a file outside the target: %q %v\n%s", r.code, b, err, r.stderr)
	}
	if fi, err := os.Lstat(filepath.Join(public, "lnk")); err != nil || fi.Mode()&fs.ModeSymlink == 0 {
		t.Errorf("the link was removed: %v", err)
	}
	if r.code != 0 && !strings.Contains(r.stderr, "symbolic link") {
		t.Errorf("publish failed without saying why:\n%s", r.stderr)
	}
}

// TestTargetForms: publish.target is parsed strictly; the reported cases
// were file://localhost/x and ~/t9 becoming folders named "localhost" and
// "~" in the site, s3://bucket/../x reaching the server, and --dry-run
// creating the target folder.
func TestTargetForms(t *testing.T) {
	home := t.TempDir()
	t.Setenv("HOME", home)
	elsewhere := t.TempDir()
	for _, tc := range []struct {
		name, target string
		wantDir      string // where the feeds must land; "" when refused
		wantErr      string
	}{
		{"file-localhost", "file://localhost" + elsewhere + "/a", elsewhere + "/a", ""},
		{"file-triple", "file://" + elsewhere + "/b%20c", elsewhere + "/b c", ""},
		{"tilde", "~/t9", filepath.Join(home, "t9"), ""},
		{"file-host", "file://example.com" + elsewhere, "", `host "example.com"`},
		{"s3-dotdot", "s3://bucket/../x", "", `"../x"`},
		{"s3-bucket", "s3://Bad_Bucket/x", "", "lowercase"},
		{"scheme", "ftp://host/x", "", "want a folder"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := copyExample(t)
			cfg := filepath.Join(dir, "feedpub.yaml")
			// An S3 endpoint nobody answers at: a request would fail
			// differently, and slowly.
			t.Setenv("FEEDPUB_PUBLISH_S3_ENDPOINT", "http://127.0.0.1:9")
			t.Setenv("FEEDPUB_PUBLISH_TARGET", tc.target)
			before := snapshot(t, dir)
			dry := feedpub(t, "publish", "--config", cfg, "--dry-run")
			sameSnapshot(t, "site after --dry-run", snapshot(t, dir), before)
			if tc.wantDir != "" {
				if _, err := os.Lstat(tc.wantDir); err == nil {
					t.Errorf("--dry-run created %s", tc.wantDir)
				}
			}
			r := feedpub(t, "publish", "--config", cfg)
			if tc.wantErr != "" {
				for _, r := range []cliResult{dry, r} {
					if r.code == 0 || !strings.Contains(r.stderr, tc.wantErr) || strings.Contains(r.stderr, "Bad Request") {
						t.Errorf("publish to %s: exit %d, want an error containing %q:\n%s", tc.target, r.code, tc.wantErr, r.stderr)
					}
				}
				sameSnapshot(t, "site after a refused publish", snapshot(t, dir), before)
				return
			}
			if dry.code != 0 || r.code != 0 {
				t.Fatalf("publish to %s: exit %d, %d\n%s%s", tc.target, dry.code, r.code, dry.stderr, r.stderr)
			}
			if _, err := os.Stat(filepath.Join(tc.wantDir, "podcast.xml")); err != nil {
				t.Errorf("publish to %s did not write %s: %v", tc.target, tc.wantDir, err)
			}
			for _, literal := range []string{"localhost", "~", "file:"} {
				if _, err := os.Lstat(filepath.Join(dir, literal)); err == nil {
					t.Errorf("publish to %s made a folder %q in the site", tc.target, literal)
				}
			}
		})
	}
	t.Run("dry-run-creates-nothing", func(t *testing.T) {
		dir := copyExample(t)
		cfg := filepath.Join(dir, "feedpub.yaml")
		mustRun(t, "publish", "--config", cfg, "--dry-run")
		if _, err := os.Lstat(filepath.Join(dir, "public")); err == nil {
			t.Error("--dry-run created the target folder public")
		}
	})
}

// TestS3FrozenServerCLI is the report at the CLI: a server frozen (SIGSTOP)
// during the first media upload left publish silent for over 4 minutes.
// With publish.s3.timeout 1s it fails in seconds, in one line naming the
// object, and the next publish (--break-lock, as the line says when the
// lock could not be removed) completes.
func TestS3FrozenServerCLI(t *testing.T) {
	srv := s3test.Start(t)
	hook := newS3Hook(t, srv.Endpoint)
	fp := s3test.NewFaultProxy(t, hook.URL())
	tg := newS3Target(t, srv, fp.Endpoint())
	t.Setenv("FEEDPUB_PUBLISH_S3_TIMEOUT", "1s")
	hook.setArm("put media", 1, fp.Freeze)
	done := make(chan cliOutcome, 1)
	start := time.Now()
	go func() { done <- runFeedpub(t, false, "publish", "--config", tg.cfg, "--no-verify") }()
	var r cliOutcome
	select {
	case r = <-done:
	case <-time.After(2 * time.Minute):
		t.Fatal("publish still running 2 minutes after the server froze")
	}
	elapsed := time.Since(start)
	t.Logf("publish failed after %v: %s", elapsed.Round(time.Millisecond), strings.TrimSpace(r.stderr))
	line := strings.TrimSpace(r.stderr)
	if r.code != 1 || strings.Contains(line, "\n") || !strings.Contains(line, "s3store: put ") ||
		!strings.Contains(line, "stopped answering (no data for 1s)") || strings.Contains(line, srv.SecretKey) {
		t.Errorf("want exit 1 and one line naming the object and the silence: %s", r)
	}
	// The stalled upload, the abort and the lock release each wait one
	// idle period at most; nothing waits for minutes.
	if elapsed > 20*time.Second {
		t.Errorf("took %v with publish.s3.timeout 1s", elapsed)
	}
	fp.DropAll()
	fp.Thaw()
	if r := runFeedpub(t, false, "publish", "--config", tg.cfg, "--break-lock", "--no-verify"); r.code != 0 {
		t.Fatalf("publish after the thaw: %s", r)
	}
	tg.checkLive()
}

// A frozen server is said while it is frozen: the wait is reported every
// few seconds, naming the target and the limit, and the publish fails at
// the limit with the one stall line.
func TestS3FrozenServerIsReportedWhileFrozen(t *testing.T) {
	srv := s3test.Start(t)
	hook := newS3Hook(t, srv.Endpoint)
	fp := s3test.NewFaultProxy(t, hook.URL())
	tg := newS3Target(t, srv, fp.Endpoint())
	t.Setenv("FEEDPUB_PUBLISH_S3_TIMEOUT", "6s")
	hook.setArm("put media", 1, fp.Freeze)
	r := runFeedpub(t, false, "publish", "--config", tg.cfg, "--no-verify")
	fp.DropAll()
	fp.Thaw()
	if r.code != 1 || !strings.Contains(r.stderr, "waiting for S3 (") || !strings.Contains(r.stderr, "no answer for 5s; giving up at 6s (publish.s3.timeout)") ||
		!strings.Contains(r.stderr, "stopped answering (no data for 6s)") {
		t.Errorf("want the wait reported, then the stall: %s", r)
	}
}
