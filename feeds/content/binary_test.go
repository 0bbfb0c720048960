package content

import (
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/feedpub/feedpub/config"
)

// fill sets every field v holds, however deep, to a value of its own
// (pointers allocated, lists and maps of one element), so a field the
// encoding forgets shows as a difference.
func fill(t *testing.T, v reflect.Value, n *int) {
	t.Helper()
	*n++
	switch v.Kind() {
	case reflect.String:
		v.SetString("s" + strings.Repeat("x", *n))
	case reflect.Int:
		v.SetInt(int64(*n))
	case reflect.Float64:
		v.SetFloat(float64(*n) + 0.5)
	case reflect.Bool:
		v.SetBool(true)
	case reflect.Pointer:
		v.Set(reflect.New(v.Type().Elem()))
		fill(t, v.Elem(), n)
	case reflect.Slice:
		v.Set(reflect.MakeSlice(v.Type(), 1, 1))
		fill(t, v.Index(0), n)
	case reflect.Struct:
		if v.Type() == reflect.TypeOf(time.Time{}) {
			v.Set(reflect.ValueOf(time.Date(2026, 11, 20, 9, 0, *n, 0, time.UTC)))
			return
		}
		for i := range v.NumField() {
			if v.Type().Field(i).IsExported() {
				fill(t, v.Field(i), n)
			}
		}
	default:
		t.Fatalf("fill: no value for a %s: teach fill (and AppendBinary) about it", v.Type())
	}
}

func TestBinaryRoundTripsEveryField(t *testing.T) {
	var e Entry
	n := 0
	fill(t, reflect.ValueOf(&e).Elem(), &n)
	e.lines = map[string]int{"title": 2, "audio.file": 9}
	b, err := e.AppendBinary(nil)
	if err != nil {
		t.Fatal(err)
	}
	var got Entry
	if err := got.UnmarshalBinary(b); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(&got, &e) {
		t.Errorf("read back\n%+v\nwant\n%+v", got, e)
	}
	if got.Line("audio.file") != 9 {
		t.Errorf("line of audio.file: %d", got.Line("audio.file"))
	}
}

func TestBinaryKeepsWhatParseMade(t *testing.T) {
	for _, src := range []string{
		"---\ntitle: A\ndate: 2026-11-20T09:00:00+02:00\nrating: 4\nignore: []\ntags: []\naudio: {file: a.mp3, explicit: false, transcripts: []}\n---\nBody *text*.\n",
		"---\ntitle: B\ndate: 2026-11-20\nvideo:\n  file: v.mp4\n  persons: [{name: Ada}]\n---\n",
		"---\ntitle: C\ndate: 2026-11-20\nrating: 9\n---\nText.\n", // with an error
	} {
		e, _ := Parse("reviews/x.md", []byte(src), NewMarkdown(), config.Default().Content)
		b, err := e.AppendBinary(nil)
		if err != nil {
			t.Fatal(err)
		}
		var got Entry
		if err := got.UnmarshalBinary(b); err != nil {
			t.Fatal(err)
		}
		// A time's location is kept as its offset, which is all Parse's
		// fabricated zones hold; compare the instants and offsets.
		for _, p := range [][2]*time.Time{{&got.Date, &e.Date}, {&got.Updated, &e.Updated}} {
			_, go1 := p[0].Zone()
			_, go2 := p[1].Zone()
			if !p[0].Equal(*p[1]) || go1 != go2 {
				t.Errorf("%q: time %v, want %v", src, *p[0], *p[1])
			}
			*p[0] = *p[1]
		}
		if !reflect.DeepEqual(&got, e) {
			t.Errorf("%q: read back\n%+v\nwant\n%+v", src, got, *e)
		}
	}
}

func TestBinaryRefusesEveryTruncation(t *testing.T) {
	e, _ := Parse("reviews/x.md", []byte("---\ntitle: A\ndate: 2026-11-20\nrating: 4\naudio: {file: a.mp3}\n---\nBody.\n"), NewMarkdown(), config.Default().Content)
	b, err := e.AppendBinary(nil)
	if err != nil {
		t.Fatal(err)
	}
	for i := range len(b) {
		var got Entry
		if got.UnmarshalBinary(b[:i]) == nil {
			t.Fatalf("read %d of %d bytes without an error", i, len(b))
		}
	}
	var got Entry
	if got.UnmarshalBinary(append(b, 0)) == nil {
		t.Error("read an entry with a byte too many")
	}
}

// FuzzBinary checks that no input makes UnmarshalBinary panic or allocate
// wildly, and that what it accepts encodes and reads back alike.
func FuzzBinary(f *testing.F) {
	e, _ := Parse("reviews/x.md", []byte("---\ntitle: A\ndate: 2026-11-20\nrating: 4\ntags: [a]\naudio: {file: a.mp3, persons: [{name: B}]}\n---\nBody.\n"), NewMarkdown(), config.Default().Content)
	b, _ := e.AppendBinary(nil)
	f.Add(b)
	f.Fuzz(func(t *testing.T, data []byte) {
		var got Entry
		if got.UnmarshalBinary(data) != nil {
			return
		}
		again, err := got.AppendBinary(nil)
		if err != nil {
			t.Fatal(err)
		}
		var twice Entry
		if err := twice.UnmarshalBinary(again); err != nil {
			t.Fatalf("cannot read what it wrote: %v", err)
		}
		// Bytes, not DeepEqual: a NaN rating is never equal to itself.
		if third, _ := twice.AppendBinary(nil); string(third) != string(again) {
			t.Fatalf("encoded %q, then %q", again, third)
		}
	})
}
