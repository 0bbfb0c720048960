package probe

import (
	"bytes"
	"encoding/binary"
	"errors"
	"math/rand/v2"
	"regexp"
	"runtime/metrics"
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
	if strings.Count(err.Error(), "probe: ") != 1 {
		t.Fatalf("%s: error prefixed twice: %v", name, err)
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

// TestMP3XingCountsID3v1 appends an ID3v1 tag counted in the Xing byte
// count, as ffmpeg writes it: the header agrees with the file, so the probe
// takes its frame count without walking every frame.
func TestMP3XingCountsID3v1(t *testing.T) {
	orig := readFixture(t, "mp3_cbr.mp3")
	i := bytes.Index(orig, []byte("Info"))
	b := pad(orig, append([]byte("TAG"), make([]byte, 125)...))
	v := binary.BigEndian.Uint32(b[i+12:])
	binary.BigEndian.PutUint32(b[i+12:], v+128)
	r := NewCountingReaderAt(bytes.NewReader(b))
	if _, err := Probe(r, int64(len(b)), "id3v1.mp3"); err != nil {
		t.Fatal(err)
	}
	// A walk would read each of the 129 frame headers.
	if r.Reads() > 20 {
		t.Errorf("%d reads: the frames were walked", r.Reads())
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

// mp4Boxes returns the top-level boxes of an MP4 fixture (32-bit sizes
// only, which every fixture uses), as [offset, end) pairs by type.
func mp4Boxes(t *testing.T, b []byte) (types []string, spans [][2]int) {
	t.Helper()
	for off := 0; off+8 <= len(b); {
		n := int(binary.BigEndian.Uint32(b[off:]))
		if n < 8 || off+n > len(b) {
			t.Fatalf("bad box at %d", off)
		}
		types = append(types, string(b[off+4:off+8]))
		spans = append(spans, [2]int{off, off + n})
		off += n
	}
	return types, spans
}

// boxPath finds the first box along a path of types such as
// "moov/trak/mdia/minf/stbl/stco" and returns its offset and size.
func boxPath(t testing.TB, b []byte, path string) (off, size int) {
	t.Helper()
	start, end := 0, len(b)
	for i, typ := range strings.Split(path, "/") {
		found := false
		for p := start; p+8 <= end; {
			n := int(binary.BigEndian.Uint32(b[p:]))
			if n < 8 || p+n > end {
				t.Fatalf("%s: bad box at %d", path, p)
			}
			if string(b[p+4:p+8]) == typ {
				off, size, found = p, n, true
				start, end = p+8, p+n
				break
			}
			p += n
		}
		if !found {
			t.Fatalf("%s: no %s (level %d)", path, typ, i)
		}
	}
	return off, size
}

// replaceBox returns a copy of b with the box at path replaced by repl (a
// whole box), growing or shrinking every box on the path to match. Offsets
// into the file are not adjusted, so callers change boxes after the mdat.
func replaceBox(t testing.TB, b []byte, path string, repl []byte) []byte {
	t.Helper()
	off, size := boxPath(t, b, path)
	delta := len(repl) - size
	out := append(append(append([]byte{}, b[:off]...), repl...), b[off+size:]...)
	parts := strings.Split(path, "/")
	for i := len(parts) - 1; i > 0; i-- {
		p, n := boxPath(t, b, strings.Join(parts[:i], "/"))
		binary.BigEndian.PutUint32(out[p:], uint32(n+delta))
	}
	return out
}

// mkbox builds a box from its type and payload pieces.
func mkbox(typ string, payload ...[]byte) []byte {
	b := make([]byte, 8, 64)
	copy(b[4:], typ)
	for _, p := range payload {
		b = append(b, p...)
	}
	binary.BigEndian.PutUint32(b, uint32(len(b)))
	return b
}

func u32s(v ...uint32) []byte {
	var b []byte
	for _, x := range v {
		b = binary.BigEndian.AppendUint32(b, x)
	}
	return b
}

// TestMP4Truncated cuts every MP4 fixture at several points. The box the
// cut falls in runs past the end of the file, by the bytes of it cut off.
func TestMP4Truncated(t *testing.T) {
	for _, fixture := range fixturesWithExt(t, ".mp4", ".m4a", ".m4v", ".mov") {
		orig := readFixture(t, fixture)
		types, spans := mp4Boxes(t, orig)
		cuts := []int{1000, len(orig) / 2, len(orig) - 1}
		for i, sp := range spans {
			// Within a box's size field, inside its header, just past it.
			cuts = append(cuts, sp[0]+2, sp[0]+4, sp[0]+9)
			if types[i] == "ftyp" {
				cuts = cuts[:len(cuts)-3] // too short to be sniffed as MP4
			}
		}
		for _, n := range cuts {
			name := "cut-" + strconv.Itoa(n) + "-" + fixture
			_, err := probeMem(t, name, cut(orig, n))
			wantIntegrityError(t, err, ErrTruncated, name)
			var start, want int
			for _, sp := range spans {
				if sp[0] < n && n < sp[1] {
					start, want = sp[0], sp[1]-n
				}
			}
			if n-start < 4 {
				want = 8 - (n - start) // the size field itself is cut
			}
			// Boxes after the cut one are gone too: "at least".
			if got := missingBytes(t, err); got != int64(want) || !strings.Contains(err.Error(), "at least") {
				t.Errorf("%s: want at least %d bytes missing (the rest of the box cut): %v", name, want, err)
			}
		}
	}
}

// TestMP4SampleData checks that the sample tables agree with the file: a
// faststart file cut exactly where its mdat begins has every box whole but
// no media; chunk offsets or sample sizes that point past the file are
// truncation; sample data outside every mdat is corruption. co64 and stz2
// tables are read like stco and stsz.
func TestMP4SampleData(t *testing.T) {
	fast := readFixture(t, "m4a_faststart.m4a")
	types, spans := mp4Boxes(t, fast)
	for i, typ := range types {
		if typ != "mdat" {
			continue
		}
		name := "no-mdat.m4a"
		_, err := probeMem(t, name, cut(fast, spans[i][0]))
		wantIntegrityError(t, err, ErrTruncated, name)
		if got, want := missingBytes(t, err), int64(len(fast)-spans[i][0]); got != want {
			t.Errorf("faststart cut before its mdat: %d bytes missing, want %d: %v", got, want, err)
		}
	}

	orig := readFixture(t, "m4a_moov_end.m4a") // one track, one chunk filling the mdat
	types, spans = mp4Boxes(t, orig)
	var mdat [2]int
	for i, typ := range types {
		if typ == "mdat" {
			mdat = spans[i]
		}
	}
	const stbl = "moov/trak/mdia/minf/stbl/"
	stcoOff, _ := boxPath(t, orig, stbl+"stco")
	chunk := binary.BigEndian.Uint32(orig[stcoOff+16:])
	if binary.BigEndian.Uint32(orig[stcoOff+12:]) != 1 || int(chunk) != mdat[0]+8 {
		t.Fatalf("fixture no longer has one chunk at the start of its mdat")
	}
	chunkSize := int64(mdat[1] - mdat[0] - 8)
	stszOff, stszSize := boxPath(t, orig, stbl+"stsz")
	sizes := orig[stszOff+20 : stszOff+stszSize]

	co64 := func(offset uint64) []byte {
		return mkbox("co64", u32s(0, 1), binary.BigEndian.AppendUint64(nil, offset))
	}
	stz2 := func(bump int) []byte {
		p := u32s(0, 16, uint32(len(sizes)/4))
		for i := 0; i < len(sizes); i += 4 {
			v := binary.BigEndian.Uint32(sizes[i:])
			if i == 0 {
				v += uint32(bump)
			}
			p = binary.BigEndian.AppendUint16(p, uint16(v))
		}
		return mkbox("stz2", p)
	}
	bumped := append([]byte{}, orig...)
	binary.BigEndian.PutUint32(bumped[stszOff+20:], binary.BigEndian.Uint32(sizes)+200)
	farStco := append([]byte{}, orig...)
	binary.BigEndian.PutUint32(farStco[stcoOff+16:], 0x7FFFFFFF)
	renamed := append([]byte{}, orig...)
	copy(renamed[mdat[0]+4:], "free")

	tests := []struct {
		name     string
		b        []byte
		sentinel error // nil: must probe cleanly
		missing  int64
		say      string
	}{
		{"co64.m4a", replaceBox(t, orig, stbl+"stco", co64(uint64(chunk))), nil, 0, ""},
		{"stz2.m4a", replaceBox(t, orig, stbl+"stsz", stz2(0)), nil, 0, ""},
		{"far-stco.m4a", farStco, ErrTruncated, 0x7FFFFFFF + chunkSize - int64(len(orig)), ""},
		{"far-co64.m4a", replaceBox(t, orig, stbl+"stco", co64(1<<40)), ErrTruncated, 1<<40 + chunkSize - int64(len(orig)+4), ""},
		{"big-sample.m4a", bumped, ErrCorrupt, 0, "mdat"},
		{"big-stz2-sample.m4a", replaceBox(t, replaceBox(t, orig, stbl+"stsz", stz2(200)), stbl+"stco", co64(uint64(chunk))), ErrCorrupt, 0, "mdat"},
		{"mdat-renamed.m4a", renamed, ErrCorrupt, 0, "mdat"},
		{"stco-overflows.m4a", replaceBox(t, orig, stbl+"stco", mkbox("stco", u32s(0, 1<<30, uint32(chunk)))), ErrCorrupt, 0, "stco"},
	}
	for _, tt := range tests {
		_, err := probeMem(t, tt.name, tt.b)
		if tt.sentinel == nil {
			if err != nil {
				t.Errorf("%s: %v", tt.name, err)
			}
			continue
		}
		wantIntegrityError(t, err, tt.sentinel, tt.name)
		if tt.missing != 0 {
			if got := missingBytes(t, err); got != tt.missing {
				t.Errorf("%s: %d bytes missing, want %d: %v", tt.name, got, tt.missing, err)
			}
		}
		if !strings.Contains(err.Error(), tt.say) {
			t.Errorf("%s: error %q does not mention %q", tt.name, err, tt.say)
		}
	}
}

// TestMP4NoMdat builds a movie with a track but no samples and no mdat: a
// non-fragmented file must have one.
func TestMP4NoMdat(t *testing.T) {
	full := func(v ...uint32) []byte { return u32s(v...) }
	mvhd := mkbox("mvhd", full(0, 0, 0, 1000, 0), make([]byte, 80))
	hdlr := mkbox("hdlr", full(0, 0), []byte("soun"), make([]byte, 13))
	mdhd := mkbox("mdhd", full(0, 0, 0, 44100, 0, 0))
	stbl := mkbox("stbl", mkbox("stsd", full(0, 0)), mkbox("stsc", full(0, 0)), mkbox("stsz", full(0, 0, 0)), mkbox("stco", full(0, 0)))
	trak := mkbox("trak", mkbox("mdia", mdhd, hdlr, mkbox("minf", stbl)))
	b := append(mkbox("ftyp", []byte("M4A \x00\x00\x00\x00")), mkbox("moov", mvhd, trak)...)
	_, err := probeMem(t, "empty.m4a", b)
	wantIntegrityError(t, err, ErrCorrupt, "empty.m4a")
	if !strings.Contains(err.Error(), "no mdat") {
		t.Errorf("error %q does not say there is no mdat", err)
	}
}

// TestMP4BoxBeyondFile checks boxes whose sizes contradict the file: a
// 64-bit size of 2^62 after the moov (it was clipped and accepted), a child
// running past its parent, and garbage after the last box.
func TestMP4BoxBeyondFile(t *testing.T) {
	orig := readFixture(t, "mp4_h264_aac.mp4")
	huge := append(u32s(1), "free"...)
	huge = binary.BigEndian.AppendUint64(huge, 1<<62)
	stcoOff, _ := boxPath(t, orig, "moov/trak/mdia/minf/stbl/stco")
	overrun := append([]byte{}, orig...)
	binary.BigEndian.PutUint32(overrun[stcoOff:], binary.BigEndian.Uint32(orig[stcoOff:])+1000)
	tests := []struct {
		name     string
		b        []byte
		sentinel error
		say      string
	}{
		{"huge.mp4", pad(orig, huge), ErrTruncated, strconv.FormatInt(1<<62-16, 10) + " bytes missing"},
		{"overrun.mp4", overrun, ErrCorrupt, "past the end of the box that contains it"},
		{"zeros.mp4", pad(orig, make([]byte, 1<<20)), ErrPadded, "1048576 bytes"},
		{"random.mp4", pad(orig, randomBytes(4, 5000)), ErrPadded, "5000 bytes"},
		{"short-tail.mp4", pad(orig, []byte{0, 0, 1}), ErrTruncated, "at least 5 bytes missing"},
	}
	for _, tt := range tests {
		_, err := probeMem(t, tt.name, tt.b)
		wantIntegrityError(t, err, tt.sentinel, tt.name)
		if !strings.Contains(err.Error(), tt.say) {
			t.Errorf("%s: error %q does not say %q", tt.name, err, tt.say)
		}
	}
}

// trunData returns the data offset field and the sample bytes of the trun
// at off in b, reading the table the way ISO 14496-12 lays it out.
func trunData(t *testing.T, b []byte, off int) (dataOffsetAt int, total int64) {
	t.Helper()
	p := off + 8
	flags := binary.BigEndian.Uint32(b[p:]) & 0xFFFFFF
	count := int(binary.BigEndian.Uint32(b[p+4:]))
	if flags&0x01 == 0 || flags&0x200 == 0 {
		t.Fatalf("trun at %d: flags %#x, want a data offset and sample sizes", off, flags)
	}
	dataOffsetAt = p + 8
	q := p + 12
	if flags&0x04 != 0 {
		q += 4
	}
	entry := 0
	for _, f := range []uint32{0x100, 0x200, 0x400, 0x800} {
		if flags&f != 0 {
			entry += 4
		}
	}
	sizeAt := 0
	if flags&0x100 != 0 {
		sizeAt = 4
	}
	for i := range count {
		total += int64(binary.BigEndian.Uint32(b[q+i*entry+sizeAt:]))
	}
	return dataOffsetAt, total
}

// TestMP4FragmentData moves a trun's data past the end of the file in both
// fragmented fixtures (one with default-base-is-moof, one with explicit
// base offsets): the probe must say how far past.
func TestMP4FragmentData(t *testing.T) {
	for _, fixture := range []string{"mp4_frag.mp4", "mp4_frag_dbm.mp4"} {
		orig := readFixture(t, fixture)
		types, spans := mp4Boxes(t, orig)
		moof := -1
		for i, typ := range types {
			if typ == "moof" {
				moof = spans[i][0]
				break
			}
		}
		trunOff, _ := boxPath(t, orig[moof:], "moof/traf/trun")
		at, total := trunData(t, orig[moof:], trunOff)
		b := append([]byte{}, orig...)
		old := int32(binary.BigEndian.Uint32(b[moof+at:]))
		// Start the samples 100 bytes before the end of the file.
		shift := int32(len(orig)-100) - (int32(moof) + old)
		if fixture == "mp4_frag.mp4" {
			_, tfhdSize := boxPath(t, orig[moof:], "moof/traf/tfhd")
			if tfhdSize < 24 {
				t.Fatalf("%s: tfhd without a base data offset", fixture)
			}
		}
		binary.BigEndian.PutUint32(b[moof+at:], uint32(old+shift))
		name := "moved-" + fixture
		_, err := probeMem(t, name, b)
		wantIntegrityError(t, err, ErrTruncated, name)
		if got, want := missingBytes(t, err), total-100; got != want {
			t.Errorf("%s: %d bytes missing, want %d: %v", name, got, want, err)
		}
	}
}

// allocated returns the bytes the heap allocated while fn ran.
func allocated(fn func()) uint64 {
	sample := []metrics.Sample{{Name: "/gc/heap/allocs:bytes"}}
	metrics.Read(sample)
	before := sample[0].Value.Uint64()
	fn()
	metrics.Read(sample)
	return sample[0].Value.Uint64() - before
}

// TestSampleTablesStreamed gives a track an stsz table of 8 million entries
// (32 MB, a sparse run of zeros) and checks that the probe reads all of it
// through a small buffer: far less allocated than the table's size.
func TestSampleTablesStreamed(t *testing.T) {
	const samples = 8 << 20
	const table = 4 * samples
	full := func(v ...uint32) []byte { return u32s(v...) }
	mdat := mkbox("mdat", make([]byte, 64))
	ftyp := mkbox("ftyp", []byte("M4A \x00\x00\x00\x00"))
	mdatPayload := uint32(len(ftyp) + 8)
	mvhd := mkbox("mvhd", full(0, 0, 0, 1000, 1000), make([]byte, 80))
	hdlr := mkbox("hdlr", full(0, 0), []byte("soun"), make([]byte, 13))
	mdhd := mkbox("mdhd", full(0, 0, 0, 44100, 44100, 0))
	stsz := mkbox("stsz", full(0, 0, samples)) // the table follows, sparse
	stbl := mkbox("stbl", mkbox("stsd", full(0, 0)), mkbox("stsc", full(0, 1, 1, samples, 1)),
		mkbox("stco", full(0, 1, mdatPayload)), stsz)
	minf := mkbox("minf", stbl)
	mdia := mkbox("mdia", mdhd, hdlr, minf)
	trak := mkbox("trak", mdia)
	moov := mkbox("moov", mvhd, trak)
	b := append(append(ftyp, mdat...), moov...)
	// The table is the last thing in each box on the way down, so growing
	// them all by its size puts it at the end of the file.
	for _, typ := range []string{"moov", "trak", "mdia", "minf", "stbl", "stsz"} {
		i := bytes.LastIndex(b, []byte(typ)) - 4
		binary.BigEndian.PutUint32(b[i:], binary.BigEndian.Uint32(b[i:])+table)
	}
	r := NewCountingReaderAt(sparseReaderAt{data: b, size: int64(len(b)) + table})
	var err error
	n := allocated(func() { _, err = Probe(r, int64(len(b))+table, "long.m4a") })
	if err != nil {
		t.Fatal(err)
	}
	if r.BytesRead() < table {
		t.Errorf("read %d bytes; the stsz table alone is %d", r.BytesRead(), table)
	}
	if n > 1<<20 {
		t.Errorf("allocated %d bytes for a %d-byte table, want under 1 MB", n, table)
	}
	t.Logf("read %d bytes, allocated %d", r.BytesRead(), n)
}

// oggPages returns the [start, end) of every page of an Ogg fixture.
func oggPages(t *testing.T, b []byte) [][2]int {
	t.Helper()
	var pages [][2]int
	for off := 0; off < len(b); {
		if off+27 > len(b) || string(b[off:off+4]) != "OggS" {
			t.Fatalf("no page at %d", off)
		}
		nseg := int(b[off+26])
		n := 27 + nseg
		for _, l := range b[off+27 : off+27+nseg] {
			n += int(l)
		}
		pages = append(pages, [2]int{off, off + n})
		off += n
	}
	return pages
}

// TestOggTruncated cuts Ogg fixtures inside a page (its header or body):
// the page runs past the end of the file by the bytes of it cut off. A cut
// at a page boundary leaves a valid, shorter file, but its last page lacks
// the end-of-stream flag, which is worth a warning.
func TestOggTruncated(t *testing.T) {
	for _, fixture := range []string{"opus.opus", "vorbis.ogg"} {
		orig := readFixture(t, fixture)
		pages := oggPages(t, orig)
		last := pages[len(pages)-1]
		mid := pages[len(pages)/2]
		for _, n := range []int{len(orig) - 1, len(orig) - 100, last[0] + 3, last[0] + 20, last[0] + 28, mid[0] + 100} {
			name := "cut-" + strconv.Itoa(n) + "-" + fixture
			_, err := probeMem(t, name, cut(orig, n))
			wantIntegrityError(t, err, ErrTruncated, name)
			var want int
			for _, p := range pages {
				if p[0] < n && n < p[1] {
					want = p[1] - n
					if n-p[0] < 27 {
						want = 27 - (n - p[0]) // the header's fixed part
					} else if n-p[0] < 27+int(orig[p[0]+26]) {
						want = 27 + int(orig[p[0]+26]) - (n - p[0]) // its segment table
					}
				}
			}
			if got := missingBytes(t, err); got != int64(want) {
				t.Errorf("%s: %d bytes missing, want %d: %v", name, got, want, err)
			}
		}
		name := "boundary-" + fixture
		info, err := probeMem(t, name, cut(orig, mid[1]))
		if err != nil {
			t.Errorf("%s: %v", name, err)
		} else if !containsWarning(info, "end-of-stream") {
			t.Errorf("%s: warnings %q lack one about the end-of-stream flag", name, info.Warnings)
		}
		if info, err := probeMem(t, fixture, orig); err != nil || containsWarning(info, "end-of-stream") {
			t.Errorf("%s: %v %q", fixture, err, info.Warnings)
		}
	}
}

// TestOggUnknownCodec checks the end of an Ogg file whose codec the probe
// does not know: it cannot give a duration, but a cut is still an error.
func TestOggUnknownCodec(t *testing.T) {
	b := readFixture(t, "opus.opus")
	first := oggPages(t, b)[0]
	i := bytes.Index(b[:first[1]], []byte("OpusHead"))
	copy(b[i:], "XpusHead")
	binary.LittleEndian.PutUint32(b[22:], oggCRC(b[:first[1]]))
	info, err := probeMem(t, "x.ogg", b)
	if err != nil || info.Format != "ogg" {
		t.Fatalf("unknown codec: %+v, %v", info, err)
	}
	_, err = probeMem(t, "x.ogg", cut(b, len(b)-10))
	wantIntegrityError(t, err, ErrTruncated, "x.ogg")
}

// TestOggPadded appends data that is not Ogg pages.
func TestOggPadded(t *testing.T) {
	tests := []struct {
		fixture string
		tail    []byte
		want    string // substring of the error; "" for no error
	}{
		{"opus.opus", make([]byte, 100_000), "100000 bytes"},
		{"vorbis.ogg", randomBytes(5, 5000), "5000 bytes"},
		{"opus.opus", make([]byte, 3<<20), "no whole Ogg page in the last"},
		{"vorbis.ogg", append([]byte("TAG"), make([]byte, 125)...), ""}, // an ID3v1 tag
	}
	for _, tt := range tests {
		name := "padded-" + strconv.Itoa(len(tt.tail)) + "-" + tt.fixture
		_, err := probeMem(t, name, pad(readFixture(t, tt.fixture), tt.tail))
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

// flacFrames returns the offsets of the frame headers in the FLAC fixture,
// found by the sync code and the fixture's fixed second and third bytes.
func flacFrames(t *testing.T, b []byte) []int {
	t.Helper()
	var out []int
	for i := 0; i+4 <= len(b); i++ {
		if b[i] == 0xFF && b[i+1] == 0xF8 && b[i+2]&0x0F == b[8288+2]&0x0F && b[i+3] == b[8288+3] {
			out = append(out, i)
		}
	}
	if len(out) < 10 || out[0] != 8288 {
		t.Fatalf("fixture frames: %v", out)
	}
	return out
}

// TestFLACTruncated cuts the FLAC fixture in its metadata, right after it,
// inside frames and at a frame boundary. FLAC frames carry no length, so
// beyond the metadata the bytes missing are an estimate ("about") or a
// lower bound ("at least"); the test checks they are in proportion.
func TestFLACTruncated(t *testing.T) {
	orig := readFixture(t, "flac.flac")
	frames := flacFrames(t, orig)
	audio := frames[0] // where the metadata ends
	tests := []struct {
		n     int
		exact int // exact bytes missing, or 0 for an estimate
	}{
		{100, 8288 - 100},   // inside the PADDING block (92 to 8288)
		{50, 92 - 50},       // inside the VORBIS_COMMENT block (42 to 92)
		{audio, 0},          // no frames at all
		{audio + 3, 0},      // a frame header cut short
		{len(orig) / 2, 0},  // inside a frame
		{len(orig) - 1, 0},  // inside the last frame
		{len(orig) - 40, 0}, // ditto
		{frames[len(frames)/2], 0},
	}
	for _, tt := range tests {
		name := "cut-" + strconv.Itoa(tt.n) + "-flac.flac"
		_, err := probeMem(t, name, cut(orig, tt.n))
		wantIntegrityError(t, err, ErrTruncated, name)
		got := missingBytes(t, err)
		truth := int64(len(orig) - tt.n)
		if tt.exact > 0 {
			if got != int64(tt.exact) {
				t.Errorf("%s: %d bytes missing, want %d: %v", name, got, tt.exact, err)
			}
			continue
		}
		if got <= 0 || got > 2*truth+300 || got < truth/2-300 {
			t.Errorf("%s: %d bytes missing, %d were cut: %v", name, got, truth, err)
		}
	}
}

// TestFLACPadded appends junk after the last frame.
func TestFLACPadded(t *testing.T) {
	orig := readFixture(t, "flac.flac")
	for _, tt := range []struct {
		tail []byte
		ok   bool
	}{
		{make([]byte, 1<<20), false},
		{make([]byte, 500_000), false},
		{randomBytes(6, 10_000), false},
		{make([]byte, 100), true},
		{append([]byte("TAG"), make([]byte, 125)...), true},
	} {
		name := "padded-" + strconv.Itoa(len(tt.tail)) + "-flac.flac"
		_, err := probeMem(t, name, pad(orig, tt.tail))
		if tt.ok {
			if err != nil {
				t.Errorf("%s: %v", name, err)
			}
			continue
		}
		wantIntegrityError(t, err, ErrPadded, name)
	}
}

// rf64 rewrites a RIFF WAVE file with its fmt chunk first and data chunk
// last as RF64, the data size in a ds64 chunk.
func rf64(t *testing.T, wav []byte, fmtChunk []byte, data []byte, declared uint64) []byte {
	t.Helper()
	var b []byte
	b = append(b, "RF64\xFF\xFF\xFF\xFFWAVE"...)
	b = append(b, "ds64"...)
	b = binary.LittleEndian.AppendUint32(b, 28)
	b = binary.LittleEndian.AppendUint64(b, uint64(len(wav))) // riff size
	b = binary.LittleEndian.AppendUint64(b, declared)
	b = binary.LittleEndian.AppendUint64(b, 0) // sample count
	b = binary.LittleEndian.AppendUint32(b, 0) // table length
	b = append(b, fmtChunk...)
	b = append(b, "data\xFF\xFF\xFF\xFF"...)
	return append(b, data...)
}

// TestWAVTruncated checks the data chunk's declared size against the file:
// cut short is an error naming the bytes missing, a missing pad byte after
// an odd-sized chunk is not. RF64 declares the size in its ds64 chunk.
func TestWAVTruncated(t *testing.T) {
	orig := readFixture(t, "wav.wav")
	// wav.wav: fmt at 12, LIST at 36, data at 70, running to the end.
	if string(orig[70:74]) != "data" || int(binary.LittleEndian.Uint32(orig[74:]))+78 != len(orig) {
		t.Fatal("fixture no longer ends with its data chunk")
	}
	odd := append([]byte{}, orig...)
	binary.LittleEndian.PutUint32(odd[74:], uint32(len(orig)-78-1)) // odd size, pad byte present
	stream := append([]byte{}, orig...)
	binary.LittleEndian.PutUint32(stream[74:], 0xFFFFFFFF) // size unknown: to the end
	data := orig[78:]
	fmtChunk := orig[12:36]
	tests := []struct {
		name    string
		b       []byte
		missing int64 // 0: must probe cleanly
	}{
		{"cut.wav", cut(orig, 1000), int64(len(orig) - 1000)},
		{"cut1.wav", cut(orig, len(orig)-1), 1},
		{"cut-list.wav", cut(orig, 50), 70 - 50}, // inside the LIST chunk before the data
		{"odd.wav", odd, 0},
		{"odd-no-pad.wav", cut(odd, len(odd)-1), 0},
		{"odd-cut.wav", cut(odd, len(odd)-2), 1},
		{"stream.wav", cut(stream, 5000), 0},
		{"rf64.wav", rf64(t, orig, fmtChunk, data, uint64(len(data))), 0},
		{"rf64-cut.wav", rf64(t, orig, fmtChunk, data[:1000], uint64(len(data))), int64(len(data) - 1000)},
		{"rf64-huge.wav", rf64(t, orig, fmtChunk, data, 1<<40), 1<<40 - int64(len(data))},
	}
	for _, tt := range tests {
		_, err := probeMem(t, tt.name, tt.b)
		if tt.missing == 0 {
			if err != nil {
				t.Errorf("%s: %v", tt.name, err)
			}
			continue
		}
		wantIntegrityError(t, err, ErrTruncated, tt.name)
		if got := missingBytes(t, err); got != tt.missing {
			t.Errorf("%s: %d bytes missing, want %d: %v", tt.name, got, tt.missing, err)
		}
	}
}

// TestEveryCutIsAnError cuts fixtures whose own lengths account for every
// byte at every point (with -short, near their ends and starts and at a
// stride between): each cut must be an error. (A cut at a frame or page boundary of an MP3
// without a Xing header, an Ogg file or a fragmented MP4 leaves a valid
// shorter file; those fixtures are left out.)
func TestEveryCutIsAnError(t *testing.T) {
	fixtures := []string{
		"mp3_cbr.mp3", "mp3_vbr.mp3", "mp3_mono.mp3", "mp3_mpeg2.mp3", "mp3_mpeg25.mp3",
		"m4a_faststart.m4a", "m4a_moov_end.m4a", "mp4_audio_only.mp4", "mp4_h264_aac.mp4",
		"mov_h264_aac.mov", "m4v_h264_aac.m4v", "flac.flac", "wav.wav",
	}
	stride := 1
	if testing.Short() {
		stride = 101
	}
	for _, fixture := range fixtures {
		orig := readFixture(t, fixture)
		n := len(orig)
		accepted := 0
		// Under 12 bytes, Sniff cannot tell the format (an ID3v2 header is
		// 10): the content is unknown, which is not an error.
		for c := 12; c < n; c++ {
			if c > 600 && c < n-600 && c%stride != 0 {
				continue
			}
			b := orig[:c]
			if _, err := Probe(bytes.NewReader(b), int64(c), fixture); err == nil {
				if accepted++; accepted <= 5 {
					t.Errorf("%s cut at %d of %d: accepted", fixture, c, n)
				}
			}
		}
		if accepted > 5 {
			t.Errorf("%s: %d cuts accepted in all", fixture, accepted)
		}
	}
}

// TestHeadersCutShort cuts files inside a header read whole (an ID3v2 tag,
// FLAC's STREAMINFO, a WAV fmt chunk): the error says how many bytes of it
// are missing at least.
func TestHeadersCutShort(t *testing.T) {
	tests := []struct {
		fixture string
		n       int
		missing int64
	}{
		{"mp3_cbr.mp3", 30, 45 - 30}, // the ID3v2 tag is 45 bytes
		{"flac.flac", 20, 42 - 20},   // fLaC, block header, STREAMINFO
		{"wav.wav", 20, 36 - 20},     // the fmt chunk ends at 36
	}
	for _, tt := range tests {
		name := "cut-" + strconv.Itoa(tt.n) + "-" + tt.fixture
		_, err := probeMem(t, name, cut(readFixture(t, tt.fixture), tt.n))
		wantIntegrityError(t, err, ErrTruncated, name)
		if got := missingBytes(t, err); got != tt.missing || !strings.Contains(err.Error(), "at least") {
			t.Errorf("%s: want at least %d bytes missing: %v", name, tt.missing, err)
		}
	}
}
