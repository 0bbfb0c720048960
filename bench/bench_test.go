// Package bench measures feedpub publish against a real S3 server
// (versitygw, started by s3test) with a generated catalogue. Run it with
// bench/run, which also compares with rclone when it is installed.
package bench

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/feedpub/feedpub/media/store/s3store/s3test"
)

// episodes is the catalogue size; FEEDPUB_BENCH_EPISODES overrides it.
func episodes() int {
	n := 1000
	if v := os.Getenv("FEEDPUB_BENCH_EPISODES"); v != "" {
		fmt.Sscan(v, &n)
	}
	return n
}

// catalogue writes a site of n episodes, each with its own small MP3 (a
// copy of the example's) and review, and returns its config file.
func catalogue(tb testing.TB, n int) string {
	tb.Helper()
	dir := tb.TempDir()
	ex := filepath.Join("..", "examples", "reelverdicts")
	mp3, err := os.ReadFile(filepath.Join(ex, "media", "heroine.mp3"))
	if err != nil {
		tb.Fatal(err)
	}
	cover, err := os.ReadFile(filepath.Join(ex, "artwork", "cover.jpg"))
	if err != nil {
		tb.Fatal(err)
	}
	for _, d := range []string{"media", "artwork", "reviews"} {
		os.MkdirAll(filepath.Join(dir, d), 0o755)
	}
	os.WriteFile(filepath.Join(dir, "artwork", "cover.jpg"), cover, 0o644)
	start := time.Date(2020, 1, 1, 9, 0, 0, 0, time.UTC)
	for i := range n {
		slug := fmt.Sprintf("ep-%04d", i)
		os.WriteFile(filepath.Join(dir, "media", slug+".mp3"), mp3, 0o644)
		md := fmt.Sprintf("---\ntitle: \"Episode %d\"\ndate: %s\nauthor: Ada Critic\naudio:\n  file: media/%s.mp3\n  episode: %d\n---\nReview %d.\n",
			i, start.Add(time.Duration(i)*24*time.Hour).Format(time.RFC3339), slug, i+1, i)
		os.WriteFile(filepath.Join(dir, "reviews", slug+".md"), []byte(md), 0o644)
	}
	cfg := `site:
  title: Bench
  description: A generated catalogue.
  link: https://bench.example/
  base_url: https://media.bench.example/
  language: en
  author: Bench
  email: bench@bench.example
  image: artwork/cover.jpg
podcast:
  path: podcast.xml
  title: Bench
  description: A generated catalogue.
  categories: ["TV & Film > Film Reviews"]
  limit: 0
reviews:
  rss: reviews.xml
  limit: 50
publish:
  concurrency: 16
`
	p := filepath.Join(dir, "feedpub.yaml")
	os.WriteFile(p, []byte(cfg), 0o644)
	return p
}

// feedpubBin builds the CLI once.
func feedpubBin(tb testing.TB) string {
	tb.Helper()
	bin := filepath.Join(tb.TempDir(), "feedpub")
	out, err := exec.Command("go", "build", "-o", bin, "../cmd/feedpub").CombinedOutput()
	if err != nil {
		tb.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

type summary struct {
	Uploaded int     `json:"uploaded"`
	Requests int64   `json:"requests"`
	Seconds  float64 `json:"seconds"`
}

func publish(tb testing.TB, bin, cfg string, env []string) (summary, time.Duration) {
	tb.Helper()
	// --no-verify: the bench's base_url is served by nobody; it measures
	// the publish, not a listener's fetch.
	cmd := exec.Command(bin, "publish", "--json", "--no-verify", "--config", cfg)
	cmd.Env = env
	start := time.Now()
	out, err := cmd.Output()
	d := time.Since(start)
	if err != nil {
		msg := ""
		if ee, ok := err.(*exec.ExitError); ok {
			msg = string(ee.Stderr)
		}
		tb.Fatalf("publish: %v\n%s%s", err, out, msg)
	}
	var s summary
	if err := json.Unmarshal(out, &s); err != nil {
		tb.Fatalf("%v: %s", err, out)
	}
	return s, d
}

// BenchmarkPublish publishes the catalogue cold (empty prefix) and warm
// (nothing changed) and reports both wall times (the whole CLI: build,
// probe with a warm cache, plan, upload) and the warm run's store calls.
// With FEEDPUB_BENCH_TREE=DIR it also writes the built tree to DIR (for
// comparing with rclone on the same files) and prints the S3 settings.
func BenchmarkPublish(b *testing.B) {
	srv := s3test.Start(b)
	n := episodes()
	cfg := catalogue(b, n)
	bin := feedpubBin(b)
	base := append(os.Environ(),
		"FEEDPUB_PUBLISH_S3_ENDPOINT="+srv.Endpoint,
		"FEEDPUB_PUBLISH_S3_PATH_STYLE=true",
		"AWS_ACCESS_KEY_ID="+srv.AccessKey,
		"AWS_SECRET_ACCESS_KEY="+srv.SecretKey,
		"AWS_REGION="+srv.Region,
	)
	// Warm the probe cache, so cold measures publishing, not probing.
	if out, err := exec.Command(bin, "build", "--config", cfg, "--out", "tree").CombinedOutput(); err != nil {
		b.Fatalf("build: %v\n%s", err, out)
	}
	var cold, warm time.Duration
	var warmReq int64
	for i := 0; b.Loop(); i++ {
		env := append(base, fmt.Sprintf("FEEDPUB_PUBLISH_TARGET=s3://%s/bench-%d-%d/", srv.Bucket, time.Now().UnixNano(), i))
		s, d := publish(b, bin, cfg, env)
		if s.Uploaded < n {
			b.Fatalf("cold publish uploaded %d files, want at least %d", s.Uploaded, n)
		}
		cold += d
		s, d = publish(b, bin, cfg, env)
		if s.Uploaded != 0 {
			b.Fatalf("warm publish uploaded %d files", s.Uploaded)
		}
		warm += d
		warmReq = s.Requests
	}
	b.ReportMetric(cold.Seconds()/float64(b.N), "cold-s")
	b.ReportMetric(warm.Seconds()/float64(b.N), "warm-s")
	b.ReportMetric(float64(warmReq), "warm-requests")
	b.ReportMetric(float64(n), "episodes")
	if dir := os.Getenv("FEEDPUB_BENCH_TREE"); dir != "" {
		tree := filepath.Join(filepath.Dir(cfg), "tree")
		if out, err := exec.Command("cp", "-a", tree+"/.", dir).CombinedOutput(); err != nil {
			b.Fatalf("copy tree: %v\n%s", err, out)
		}
		// For bench/run: the same server stays up only during this
		// benchmark, so it times rclone itself through FEEDPUB_BENCH_RCLONE.
		if rc := os.Getenv("FEEDPUB_BENCH_RCLONE"); rc != "" {
			rcloneSync(b, rc, dir, srv, cold.Seconds()/float64(b.N), warm.Seconds()/float64(b.N))
		}
	}
}

// rcloneSync times rclone sync of the built tree to a fresh prefix of the
// same server, cold then warm, and reports the ratios.
func rcloneSync(b *testing.B, rclone, dir string, srv *s3test.Server, cold, warm float64) {
	env := []string{}
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "AWS_CA_BUNDLE=") {
			env = append(env, kv)
		}
	}
	env = append(env,
		"RCLONE_CONFIG_T_TYPE=s3", "RCLONE_CONFIG_T_PROVIDER=Other", "RCLONE_CONFIG_T_ENV_AUTH=true",
		"RCLONE_CONFIG_T_ENDPOINT="+srv.Endpoint, "RCLONE_CONFIG_T_FORCE_PATH_STYLE=true",
		"AWS_ACCESS_KEY_ID="+srv.AccessKey, "AWS_SECRET_ACCESS_KEY="+srv.SecretKey, "AWS_REGION="+srv.Region,
	)
	dst := fmt.Sprintf("t:%s/rclone-%d/", srv.Bucket, time.Now().UnixNano())
	run := func() float64 {
		cmd := exec.Command(rclone, "--config", os.DevNull, "--transfers", "16", "sync", dir, dst)
		cmd.Env = env
		start := time.Now()
		if out, err := cmd.CombinedOutput(); err != nil {
			b.Fatalf("rclone: %v\n%s", err, out)
		}
		return time.Since(start).Seconds()
	}
	rc, rw := run(), run()
	b.ReportMetric(rc, "rclone-cold-s")
	b.ReportMetric(rw, "rclone-warm-s")
	fmt.Printf("feedpub cold %.2fs warm %.3fs | rclone cold %.2fs warm %.3fs | cold ratio feedpub/rclone %.2f, warm ratio %.2f\n",
		cold, warm, rc, rw, cold/rc, warm/rw)
}
