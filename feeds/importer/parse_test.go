package importer

import (
	"testing"
	"time"
)

// TestPubDate: a pubDate keeps its instant, RFC 822's named zones
// included (time.Parse alone would read EST as UTC, five hours off).
func TestPubDate(t *testing.T) {
	for in, want := range map[string]string{
		"Tue, 24 Feb 2026 07:30:00 EST":   "2026-02-24T07:30:00-05:00",
		"Tue, 24 Feb 2026 07:30:00 PDT":   "2026-02-24T07:30:00-07:00",
		"Tue, 8 Jan 2019 01:15:00 GMT":    "2019-01-08T01:15:00Z",
		"Tue, 10 Mar 2026 07:30:00 -0500": "2026-03-10T07:30:00-05:00",
		"Tue, 10 Mar 2026 07:30 +0100":    "2026-03-10T07:30:00+01:00",
		"2026-03-10T07:30:00+02:00":       "2026-03-10T07:30:00+02:00",
	} {
		got, err := pubDate(in)
		if err != nil || got.Format(time.RFC3339) != want {
			t.Errorf("pubDate(%q) = %v, %v; want %s", in, got.Format(time.RFC3339), err, want)
		}
		back, _ := time.Parse(time.RFC3339, want)
		if !got.Equal(back) {
			t.Errorf("pubDate(%q): %v is not the instant of %s", in, got, want)
		}
	}
	for _, in := range []string{"Tue, 24 Feb 2026 07:30:00 XYZ", "yesterday", ""} {
		if _, err := pubDate(in); err == nil {
			t.Errorf("pubDate(%q) accepted", in)
		}
	}
}

func TestParseDuration(t *testing.T) {
	for in, want := range map[string]time.Duration{
		"01:02:03": time.Hour + 2*time.Minute + 3*time.Second,
		"41:28":    41*time.Minute + 28*time.Second,
		"2488":     2488 * time.Second,
		"2488.5":   2488500 * time.Millisecond,
	} {
		if got, ok := ParseDuration(in); !ok || got != want {
			t.Errorf("ParseDuration(%q) = %v, %v; want %v", in, got, ok, want)
		}
	}
	for _, in := range []string{"", "1:2:3:4", "-5", "soon"} {
		if _, ok := ParseDuration(in); ok {
			t.Errorf("ParseDuration(%q) accepted", in)
		}
	}
}

func TestCheckHTML(t *testing.T) {
	for in, bad := range map[string]bool{
		"<p>One <b>two</b></p><ul><li>a<li>b</ul><br>": false,
		"plain text":                  false,
		"<p>Notes with <b>broken</p>": true,
		"</div>":                      true,
	} {
		if err := CheckHTML(in); (err != nil) != bad {
			t.Errorf("CheckHTML(%q) = %v", in, err)
		}
	}
}
