package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/feedpub/feedpub/media/publish"
)

// TestMain lets a test run the CLI as a real child process (the test binary
// re-executed with FEEDPUB_TEST_AS_CLI=1), to kill it with SIGKILL.
func TestMain(m *testing.M) {
	if os.Getenv("FEEDPUB_TEST_AS_CLI") == "1" {
		os.Exit(run(os.Args[1:], newEnv()))
	}
	os.Exit(m.Run())
}

// TestKilledHolderTakenOver: a build or publish killed with kill -9 while
// it holds the lock leaves the lock behind; the next run on this machine
// takes it over at once, with no flag, and says so.
func TestKilledHolderTakenOver(t *testing.T) {
	for _, command := range []string{"build", "publish"} {
		t.Run(command, func(t *testing.T) {
			dir := copyExample(t)
			cfg := filepath.Join(dir, "feedpub.yaml")
			out := filepath.Join(dir, "public") // build's default --out, and the example's target
			mustRun(t, command, "--config", cfg)

			// A FIFO in the manifest's place holds the next run in its
			// manifest read, right after it took the lock.
			manifest := filepath.Join(out, filepath.FromSlash(publish.ManifestKey))
			saved, err := os.ReadFile(manifest)
			if err != nil {
				t.Fatal(err)
			}
			if err := os.Remove(manifest); err != nil {
				t.Fatal(err)
			}
			if err := syscall.Mkfifo(manifest, 0o600); err != nil {
				t.Skipf("no FIFOs here: %v", err)
			}
			edit(t, filepath.Join(dir, "reviews", "heroine.md"), func(s string) string { return s + "\nA note.\n" })
			exe, err := os.Executable()
			if err != nil {
				t.Fatal(err)
			}
			child := exec.Command(exe, command, "--config", cfg)
			child.Env = append(os.Environ(), "FEEDPUB_TEST_AS_CLI=1")
			var stderr bytes.Buffer
			child.Stderr = &stderr
			if err := child.Start(); err != nil {
				t.Fatal(err)
			}
			lock := filepath.Join(out, filepath.FromSlash(publish.LockKey))
			deadline := time.Now().Add(30 * time.Second)
			for {
				if _, err := os.Stat(lock); err == nil {
					break
				}
				if time.Now().After(deadline) {
					_ = child.Process.Kill()
					_ = child.Wait()
					t.Fatalf("the child never took the lock: %s", stderr.String())
				}
				time.Sleep(5 * time.Millisecond)
			}
			pid := child.Process.Pid
			if err := child.Process.Signal(syscall.SIGKILL); err != nil {
				t.Fatal(err)
			}
			_ = child.Wait()
			body, err := os.ReadFile(lock)
			if err != nil || !strings.Contains(string(body), `"pid":`+strconv.Itoa(pid)) {
				t.Fatalf("the killed %s left no lock naming it (%v): %s", command, err, body)
			}
			if err := os.Remove(manifest); err != nil {
				t.Fatal(err)
			}
			writeFile(t, manifest, string(saved))

			r := mustRun(t, command, "--config", cfg)
			want := "process " + strconv.Itoa(pid) + " on "
			if !strings.Contains(r.stderr, "took over the publish lock held by") || !strings.Contains(r.stderr, want) || !strings.Contains(r.stderr, "is no longer running") {
				t.Errorf("want a word that the dead %s's lock (pid %d) was taken over:\n%s", command, pid, r.stderr)
			}
			if _, err := os.Stat(lock); err == nil {
				t.Error("the lock is still there after the run that took it over")
			}
		})
	}
}
