package sitefs

import (
	"errors"
	"io/fs"
	"net"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

func TestOpen(t *testing.T) {
	root := t.TempDir()
	outside := t.TempDir()
	write := func(p, body string) {
		t.Helper()
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write(filepath.Join(root, "media", "a.mp3"), "audio")
	write(filepath.Join(root, "big.md"), strings.Repeat("x", 100))
	write(filepath.Join(outside, "secret.mp3"), "secret")
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(os.Symlink(filepath.Join(root, "media", "a.mp3"), filepath.Join(root, "inside.mp3")))
	must(os.Symlink("../media/a.mp3", filepath.Join(root, "media", "rel.mp3")))
	must(os.Symlink(filepath.Join(outside, "secret.mp3"), filepath.Join(root, "out.mp3")))
	must(os.Symlink(outside, filepath.Join(root, "outdir")))
	must(os.Symlink(filepath.Join(root, "nope"), filepath.Join(root, "dangling.mp3")))
	must(syscall.Mkfifo(filepath.Join(root, "fifo.mp3"), 0o644))
	l, err := net.Listen("unix", filepath.Join(root, "sock"))
	must(err)
	defer l.Close()

	// The same cases through Open, and through one Root twice: its
	// resolved folders, kept from the first round, must not let anything
	// through the second.
	shared, err := NewRoot(root)
	must(err)
	opens := []struct {
		how  string
		open func(name string, limit int64) (*os.File, error)
	}{
		{"Open", func(name string, limit int64) (*os.File, error) { return Open(root, name, limit) }},
		{"Root.Open", shared.Open},
		{"Root.Open again", shared.Open},
		// Stat refuses what Open refuses, without opening: a FIFO must
		// not block it either.
		{"Root.Stat", func(name string, limit int64) (*os.File, error) {
			real, st, err := shared.Stat(name, limit)
			if err == nil && (!st.Mode().IsRegular() || !Within(shared.Real(), real)) {
				t.Errorf("Stat(%s) = %s, %v", name, real, st.Mode())
			}
			return nil, err
		}},
	}
	for _, o := range opens {
		for _, tc := range []struct {
			name  string
			limit int64
			want  string // "" for success
			is    error
		}{
			{name: "media/a.mp3"},
			{name: "inside.mp3"},
			{name: "media/rel.mp3"},
			{name: filepath.Join(root, "media", "a.mp3")},
			{name: "big.md", limit: 100},
			{name: "big.md", limit: 99, want: "file is 100 bytes; the limit is 99 bytes"},
			{name: "out.mp3", want: "outside the site folder", is: ErrOutside},
			{name: "outdir/secret.mp3", want: "outside the site folder", is: ErrOutside},
			{name: "../" + filepath.Base(outside) + "/secret.mp3", want: "outside the site folder", is: ErrOutside},
			{name: filepath.Join(outside, "secret.mp3"), want: "outside the site folder", is: ErrOutside},
			{name: "dangling.mp3", want: "no such file", is: fs.ErrNotExist},
			{name: "missing.mp3", want: "no such file", is: fs.ErrNotExist},
			{name: "fifo.mp3", want: "is a named pipe (FIFO), not a regular file"},
			{name: "sock", want: "is a socket, not a regular file"},
			{name: "media", want: "is a folder, want a file"},
		} {
			f, err := o.open(tc.name, tc.limit)
			if f != nil {
				f.Close()
			}
			switch {
			case tc.want == "" && err != nil:
				t.Errorf("%s(%s): %v", o.how, tc.name, err)
			case tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)):
				t.Errorf("%s(%s) = %v, want %q", o.how, tc.name, err, tc.want)
			case tc.is != nil && !errors.Is(err, tc.is):
				t.Errorf("%s(%s) = %v, want errors.Is %v", o.how, tc.name, err, tc.is)
			case err != nil && strings.Contains(err.Error(), root):
				t.Errorf("%s(%s) = %v: the error repeats the path", o.how, tc.name, err)
			}
		}
	}
	if _, err := Open("/dev", "/dev/zero", 0); err == nil || err.Error() != "is a device, not a regular file" {
		t.Errorf("Open(/dev/zero) = %v", err)
	}
}

func TestReadFile(t *testing.T) {
	root := t.TempDir()
	p := filepath.Join(root, "a.txt")
	if err := os.WriteFile(p, []byte("hello"), 0o644); err != nil {
		t.Fatal(err)
	}
	if b, err := ReadFile(root, "a.txt", 5); err != nil || string(b) != "hello" {
		t.Errorf("ReadFile = %q, %v", b, err)
	}
	var tl *TooLargeError
	if _, err := ReadFile(root, "a.txt", 4); !errors.As(err, &tl) || tl.Size != 5 {
		t.Errorf("ReadFile over the limit = %v", err)
	}
}

func TestHuman(t *testing.T) {
	for n, want := range map[int64]string{0: "0 bytes", 12: "12 bytes", 2048: "2 KB", 10 << 20: "10 MB", 5<<19 + 1: "2.5 MB", 2<<20 + 3: "2 MB",
		4 << 30: "4 GB", 5<<29 + 1: "2.5 GB", 1023 << 20: "1023 MB"} {
		if got := Human(n); got != want {
			t.Errorf("Human(%d) = %q, want %q", n, got, want)
		}
	}
}
