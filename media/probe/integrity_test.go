package probe

import (
	"bytes"
	"errors"
	"math/rand/v2"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// missingRE finds the byte count in a truncation message: "(12628 bytes
// missing)", "(about 900 bytes missing)" or "(at least 3 bytes missing)".
var missingRE = regexp.MustCompile(`\((about |at least )?(\d+) bytes? missing\)`)

// missingBytes returns the byte count a truncation error reports, failing
// the test when the message has none.
func missingBytes(t *testing.T, err error) int64 {
	t.Helper()
	m := missingRE.FindStringSubmatch(err.Error())
	if m == nil {
		t.Fatalf("error does not say how many bytes are missing: %v", err)
	}
	n, perr := strconv.ParseInt(m[2], 10, 64)
	if perr != nil {
		t.Fatal(perr)
	}
	return n
}

// probeMem probes b in memory under boundedProbe, named name.
func probeMem(t *testing.T, name string, b []byte) (Info, error) {
	t.Helper()
	return boundedProbe(t, name, func() (Info, error) { return Probe(bytes.NewReader(b), int64(len(b)), name) })
}

// wantIntegrityError fails unless err wraps sentinel, starts "probe: KIND
// NAME:" and names the file.
func wantIntegrityError(t *testing.T, err error, sentinel error, name string) {
	t.Helper()
	if err == nil {
		t.Fatalf("%s: accepted, want an error wrapping %v", name, sentinel)
	}
	if !errors.Is(err, sentinel) {
		t.Fatalf("%s: err = %v, want it to wrap %v", name, err, sentinel)
	}
	if !strings.HasPrefix(err.Error(), "probe: ") || !strings.Contains(err.Error(), " "+name+": ") {
		t.Fatalf("%s: error does not name the file: %v", name, err)
	}
}

func cut(b []byte, n int) []byte { return append([]byte{}, b[:n]...) }

func pad(b []byte, tail []byte) []byte { return append(append([]byte{}, b...), tail...) }

func randomBytes(seed uint64, n int) []byte {
	rng := rand.New(rand.NewPCG(seed, seed))
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(rng.Uint32())
	}
	return b
}

// TestMP3Truncated cuts MP3 fixtures short. With a Xing/Info header the
// byte count it declares says exactly how much is gone: every byte cut off.
// Without one, the walk finds the frame that runs past the end, and cutting
// the original where that frame ends must give a valid file.
func TestMP3Truncated(t *testing.T) {
	tests := []struct {
		fixture string
		at      func(n int) int
		xing    bool
	}{
		{"mp3_cbr.mp3", func(int) int { return 1000 }, true},
		{"mp3_cbr.mp3", func(n int) int { return n / 2 }, true},
		{"mp3_cbr.mp3", func(n int) int { return n - 1 }, true},
		{"mp3_vbr.mp3", func(n int) int { return n - 300 }, true},
		{"mp3_mpeg25.mp3", func(n int) int { return n / 3 }, true},
		{"mp3_cbr_noxing.mp3", func(int) int { return 1000 }, false},
		{"mp3_cbr_noxing.mp3", func(n int) int { return n - 1 }, false},
		{"mp3_vbr_noxing.mp3", func(n int) int { return n - 50 }, false},
	}
	for _, tt := range tests {
		orig := readFixture(t, tt.fixture)
		n := tt.at(len(orig))
		name := "cut-" + strconv.Itoa(n) + "-" + tt.fixture
		_, err := probeMem(t, name, cut(orig, n))
		wantIntegrityError(t, err, ErrTruncated, name)
		got := missingBytes(t, err)
		if tt.xing {
			if !strings.Contains(err.Error(), "header declares") {
				t.Errorf("%s: want the Xing byte count in %v", name, err)
			}
			if want := int64(len(orig) - n); got != want {
				t.Errorf("%s: %d bytes missing, want %d: %v", name, got, want, err)
			}
			continue
		}
		if got <= 0 || got > 2881 {
			t.Errorf("%s: %d bytes missing, want part of one frame: %v", name, got, err)
			continue
		}
		whole := cut(orig, n+int(got))
		if _, err := probeMem(t, name+"+missing", whole); err != nil {
			t.Errorf("%s: restoring the %d missing bytes still fails: %v", name, got, err)
		}
	}
}

// TestMP3Padded appends data that is not audio. A few bytes are tolerated;
// a megabyte of zeros or random bytes is not.
func TestMP3Padded(t *testing.T) {
	tests := []struct {
		fixture string
		tail    []byte
		want    string // substring of the error; "" for no error
	}{
		{"mp3_cbr.mp3", make([]byte, 1<<20), "1048576 bytes"},
		{"mp3_cbr_noxing.mp3", make([]byte, 1<<20), "1048576 bytes"},
		{"mp3_vbr.mp3", randomBytes(1, 100_000), "100000 bytes"},
		{"mp3_vbr_noxing.mp3", randomBytes(2, 3000), "3000 bytes"},
		{"mp3_cbr.mp3", make([]byte, 100), ""},
		{"mp3_cbr_noxing.mp3", make([]byte, junkTolerance), ""},
		{"mp3_mono.mp3", randomBytes(3, 7), ""},
	}
	for _, tt := range tests {
		name := "padded-" + strconv.Itoa(len(tt.tail)) + "-" + tt.fixture
		b := pad(readFixture(t, tt.fixture), tt.tail)
		_, err := probeMem(t, name, b)
		if tt.want == "" {
			if err != nil {
				t.Errorf("%s: %v", name, err)
			}
			continue
		}
		wantIntegrityError(t, err, ErrPadded, name)
		if !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: error %q does not say %q", name, err, tt.want)
		}
	}
}

// TestMP3HeaderDisagrees checks that a Xing or VBRI byte count that does
// not match the file is not trusted blindly: the frames decide. A stale
// count (a retagged file) with every frame present is fine; a count far
// beyond the file is truncation.
func TestMP3HeaderDisagrees(t *testing.T) {
	orig := readFixture(t, "mp3_cbr.mp3")
	want, err := probeMem(t, "orig.mp3", orig)
	if err != nil {
		t.Fatal(err)
	}
	i := bytes.Index(orig, []byte("Info"))
	if i < 0 {
		t.Fatal("no Info header in fixture")
	}
	declared := int(orig[i+12])<<24 | int(orig[i+13])<<16 | int(orig[i+14])<<8 | int(orig[i+15])
	setBytes := func(v int) []byte {
		b := append([]byte{}, orig...)
		b[i+12], b[i+13], b[i+14], b[i+15] = byte(v>>24), byte(v>>16), byte(v>>8), byte(v)
		return b
	}
	for _, delta := range []int{+45, -45, +500} {
		got, err := probeMem(t, "stale.mp3", setBytes(declared+delta))
		if err != nil {
			t.Errorf("Info count off by %+d, every frame present: %v", delta, err)
			continue
		}
		if got.Duration != want.Duration {
			t.Errorf("Info count off by %+d: %v, want %v", delta, got.Duration, want.Duration)
		}
	}
	// A count that disagrees and frames that are gone as well: truncated,
	// by the declared count (1000 more than the original, 500 cut off).
	b := cut(setBytes(declared+1000), len(orig)-500)
	_, err = probeMem(t, "short.mp3", b)
	wantIntegrityError(t, err, ErrTruncated, "short.mp3")
	if got := missingBytes(t, err); got != 1500 {
		t.Errorf("declared +1000, cut 500: %d bytes missing, want 1500: %v", got, err)
	}
}

// TestMP3Stitched inserts an ID3v2 tag between frames, as ad-insertion
// services do when they splice files: the frames after it still count and
// the file is not truncated or padded. Junk between frames is skipped with a
// warning.
func TestMP3Stitched(t *testing.T) {
	orig := readFixture(t, "mp3_cbr_noxing.mp3")
	want, err := probeMem(t, "orig.mp3", orig)
	if err != nil {
		t.Fatal(err)
	}
	// The fixture's frames are 104 or 105 bytes; find a frame boundary
	// near the middle by cutting there and asking how much is missing.
	_, err = probeMem(t, "mid.mp3", cut(orig, len(orig)/2))
	if !errors.Is(err, ErrTruncated) {
		t.Fatalf("cut in the middle: %v", err)
	}
	mid := len(orig)/2 + int(missingBytes(t, err))
	tag := []byte{'I', 'D', '3', 3, 0, 0, 0, 0, 0, 10, 'T', 'I', 'T', '2', 0, 0, 0, 0, 0, 0}
	b := append(append(cut(orig, mid), tag...), orig[mid:]...)
	got, err := probeMem(t, "stitched.mp3", b)
	if err != nil {
		t.Fatalf("ID3v2 tag between frames: %v", err)
	}
	if got.Duration != want.Duration || len(got.Warnings) != 0 {
		t.Errorf("ID3v2 tag between frames: %v %q, want %v and no warnings", got.Duration, got.Warnings, want.Duration)
	}
	b = append(append(cut(orig, mid), make([]byte, 300)...), orig[mid:]...)
	got, err = probeMem(t, "junk.mp3", b)
	if err != nil {
		t.Fatalf("junk between frames: %v", err)
	}
	if got.Duration != want.Duration || !containsWarning(got, "300 bytes") {
		t.Errorf("junk between frames: %v %q, want %v and a warning about 300 bytes", got.Duration, got.Warnings, want.Duration)
	}
}

// TestMP3Lyrics3 appends a Lyrics3v2 tag and an ID3v1 tag, as old taggers
// do; neither is junk.
func TestMP3Lyrics3(t *testing.T) {
	orig := readFixture(t, "mp3_cbr_noxing.mp3")
	body := "LYRICSBEGININD0000210LYR00024[00:01]a line of the lyrics"
	body += strings.Repeat(" ", 3000) // longer than junkTolerance
	size := strconv.Itoa(len(body))
	lyrics := body + strings.Repeat("0", 6-len(size)) + size + "LYRICS200"
	id3v1 := append([]byte("TAG"), make([]byte, 125)...)
	b := pad(pad(orig, []byte(lyrics)), id3v1)
	s := &src{r: bytes.NewReader(b), size: int64(len(b)), name: "x.mp3", kind: "mp3"}
	if end := trailingTagsStart(s, 0); end != int64(len(orig)) {
		t.Errorf("audio ends at %d, want %d", end, len(orig))
	}
	if _, err := probeMem(t, "lyrics.mp3", b); err != nil {
		t.Error(err)
	}
}
