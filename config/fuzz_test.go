package config_test

import (
	"os"
	"path/filepath"
	"runtime"
	"testing"

	"github.com/spf13/viper"

	"github.com/feedpub/feedpub/config"
)

// maxFuzzInput caps fuzz inputs: the loader refuses files over 1 MB anyway,
// and small inputs keep each run fast.
const maxFuzzInput = 64 << 10

// FuzzLoad feeds arbitrary bytes to the config loader: it must never panic,
// must explain every refusal, and must allocate in proportion to its input
// (an alias bomb or a pathological scalar must not blow up).
func FuzzLoad(f *testing.F) {
	f.Add([]byte(validYAML))
	f.Add([]byte("site:\n  title: [unclosed\n"))
	f.Add([]byte("a: &a [*a]\n"))
	f.Add([]byte("site: &s {title: x}\npodcast: {<<: *s, explicit: maybe}\n"))
	f.Add([]byte("\tsite: x\n"))
	f.Add([]byte("site:\n  base_url: \"https://a b/?q#f\"\n  title: x\n  title: y\n"))
	f.Add([]byte("\xff\xfe"))
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) > maxFuzzInput {
			return
		}
		p := filepath.Join(t.TempDir(), "feedpub.yaml")
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		_, ps := config.Load(viper.New(), p)
		runtime.ReadMemStats(&after)
		if grown := after.TotalAlloc - before.TotalAlloc; grown > 64<<20 {
			t.Fatalf("%d bytes of input allocated %d MB", len(data), grown>>20)
		}
		for _, p := range ps {
			if p.Msg == "" {
				t.Fatalf("problem without a message: %+v", p)
			}
		}
	})
}
