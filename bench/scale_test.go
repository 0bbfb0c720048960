package bench

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/feedpub/feedpub/media/store/s3store/s3test"
)

// BenchmarkScale measures feedpub at the scale of a large catalogue, and
// compares its publishing with s5cmd sync and rclone sync of the same built
// tree to the same S3 server (versitygw), through a reverse proxy that
// counts every request. It prints one Markdown table; bench/run (make bench)
// installs the tools and runs it once:
//
//	FEEDPUB_BENCH_SIZES    catalogue sizes, comma-separated (1000,10000)
//	FEEDPUB_BENCH_S5CMD    the s5cmd binary; no s5cmd rows without it
//	FEEDPUB_BENCH_RCLONE   the rclone binary; no rclone rows without it
//	FEEDPUB_BENCH_PROFILE  a folder: write CPU and heap profiles of an
//	                       in-process warm build of the largest site there
//
// Every number is one run of a child process: wall time, its peak RSS
// (GNU time's %M; see run), and the requests the server saw. It asserts no
// timing; it fails only when a step fails or does not do what it should
// (a no-op that uploads, a first publish that uploads too little).
func BenchmarkScale(b *testing.B) {
	sizes := benchSizes(b)
	srv := s3test.Start(b)
	px := newCountingProxy(b, srv.Endpoint)
	bin := feedpubBin(b)
	h := &harness{
		tb: b, bin: bin, srv: srv, px: px,
		s5cmd:  os.Getenv("FEEDPUB_BENCH_S5CMD"),
		rclone: os.Getenv("FEEDPUB_BENCH_RCLONE"),
	}
	if p, err := exec.LookPath("/usr/bin/time"); err == nil {
		h.time = p
	}
	var rows []row
	for b.Loop() {
		rows, h.notes = rows[:0], h.notes[:0]
		for i, n := range sizes {
			rows = append(rows, h.scale(n, i == len(sizes)-1)...)
		}
	}
	if h.time == "" {
		h.notes = append(h.notes, "No /usr/bin/time (apt-get install time): the peak RSS is the child's ru_maxrss, at least this test process's own RSS.")
	}
	t := table(rows) + "\n" + strings.Join(h.notes, "\n") + "\n"
	fmt.Print(t)
	if p := os.Getenv("FEEDPUB_BENCH_TABLE"); p != "" {
		if err := os.WriteFile(p, []byte(t), 0o644); err != nil {
			b.Fatal(err)
		}
	}
}

func benchSizes(tb testing.TB) []int {
	v := os.Getenv("FEEDPUB_BENCH_SIZES")
	if v == "" {
		v = "1000,10000"
	}
	var ns []int
	for _, f := range strings.Split(v, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || n < 1 {
			tb.Fatalf("FEEDPUB_BENCH_SIZES=%q: want sizes like 1000,10000", v)
		}
		ns = append(ns, n)
	}
	return ns
}

type harness struct {
	tb            testing.TB
	bin           string
	srv           *s3test.Server
	px            *countingProxy
	s5cmd, rclone string
	time          string   // GNU time, for the peak RSS; "" for none
	notes         []string // one line per N: what the site holds
}

// row is one measured step.
type row struct {
	N        int
	Step     string
	Tool     string // feedpub, s5cmd, rclone
	Case     string // for the ratio column: the feedpub step it compares with
	Wall     time.Duration
	RSS      int64 // peak resident set, bytes
	Requests requestCounts
	Reported int64 // feedpub's own --json count; -1 when none
	Uploaded int   // objects written (feedpub --json); -1 when unknown
}

// scale runs every step on a generated catalogue of n entries.
func (h *harness) scale(n int, last bool) []row {
	tb := h.tb
	dir := tb.TempDir()
	start := time.Now()
	g := generate(tb, filepath.Join(dir, "site"), n)
	tb.Logf("N=%d: generated %d entries (%d audio, %d video, %d media files) in %s",
		n, n, g.Audio, g.Video, g.Files, time.Since(start).Round(time.Millisecond))
	tree := filepath.Join(dir, "tree")
	var rows []row
	add := func(r row) {
		r.N = n
		rows = append(rows, r)
		tb.Logf("N=%d %-28s %-8s %8.3fs %6.0f MB  %s", n, r.Step, r.Tool, r.Wall.Seconds(), float64(r.RSS)/1e6, r.Requests)
	}

	// Build and validate: local only, no server.
	out := h.run(nil, h.bin, "validate", "--config", g.Config)
	if !regexp.MustCompile(fmt.Sprintf(`ok: podcast %d episodes \([^)]*\), video %d episodes \([^)]*\),`, g.Audio, g.Video)).MatchString(out.stdout) {
		tb.Fatalf("validate: %s%s", out.stdout, out.stderr)
	}
	add(out.row("validate (no cache)", "feedpub", ""))
	os.RemoveAll(filepath.Join(g.Dir, ".feedpub"))
	add(h.run(nil, h.bin, "build", "--config", g.Config, "--out", tree).row("build, cold (no probe cache)", "feedpub", ""))
	add(h.run(nil, h.bin, "build", "--config", g.Config, "--out", tree).row("build, warm (nothing changed)", "feedpub", ""))
	h.notes = append(h.notes, fmt.Sprintf("N=%s: %s reviews of ~1,200 words, %s with audio, %s with video; the built tree is %s files, %s (feeds %s).",
		commas(n), commas(n), commas(g.Audio), commas(g.Video), commas(countFiles(tb, tree)), mb(dirSize(tb, tree)), feedSizes(tb, tree)))
	if last && os.Getenv("FEEDPUB_BENCH_PROFILE") != "" {
		profileBuild(tb, g.Config, tree, os.Getenv("FEEDPUB_BENCH_PROFILE"))
	}

	// Publish: the first (empty prefix), a no-op, then the catalogue plus
	// one new episode; each tool syncs the built tree to its own prefix.
	id := fmt.Sprintf("%d-%d", n, time.Now().UnixNano())
	pub := func(step, kase string, wantMin, wantMax int) {
		env := append(os.Environ(),
			"FEEDPUB_PUBLISH_TARGET=s3://"+h.srv.Bucket+"/feedpub-"+id+"/",
			"FEEDPUB_PUBLISH_S3_ENDPOINT="+h.px.Endpoint,
			"FEEDPUB_PUBLISH_S3_PATH_STYLE=true",
			"AWS_ACCESS_KEY_ID="+h.srv.AccessKey,
			"AWS_SECRET_ACCESS_KEY="+h.srv.SecretKey,
			"AWS_REGION="+h.srv.Region,
		)
		// --no-verify: the bench's base_url is served by nobody; it measures
		// the publish, not a listener's fetch.
		o := h.run(env, h.bin, "publish", "--json", "--no-verify", "--config", g.Config)
		var s summary
		if err := json.Unmarshal([]byte(o.stdout), &s); err != nil {
			tb.Fatalf("publish --json: %v\n%.2000s", err, o.stdout)
		}
		if s.Uploaded < wantMin || s.Uploaded > wantMax {
			tb.Fatalf("%s: uploaded %d objects, want %d to %d", step, s.Uploaded, wantMin, wantMax)
		}
		r := o.row(step, "feedpub", kase)
		r.Reported, r.Uploaded = s.Requests, s.Uploaded
		add(r)
	}
	syncs := func(kase string) {
		if h.s5cmd != "" {
			add(h.runS5cmd(tree, id).row("s5cmd sync, "+kase, "s5cmd", kase))
		}
		if h.rclone != "" {
			add(h.runRclone(tree, id).row("rclone sync, "+kase, "rclone", kase))
		}
	}
	files := g.Files + 1 // the show art
	pub("publish, first", "first", files, 1<<30)
	pub("publish, no-op", "no-op", 0, 0)
	syncs("first")
	syncs("no-op")

	newSlug := g.addEntry(tb)
	tb.Logf("N=%d: added %s", n, newSlug)
	// The new episode's MP3, and the feeds it appears in (podcast, the three
	// review feeds), and the manifest.
	pub("publish, one new episode", "one new", 2, 8)
	add(h.run(nil, h.bin, "build", "--config", g.Config, "--out", tree).row("build, one new episode", "feedpub", ""))
	syncs("one new")
	return rows
}

// result is one finished child process.
type result struct {
	stdout, stderr string
	wall           time.Duration
	rss            int64
	req            requestCounts
}

func (o result) row(step, tool, kase string) row {
	return row{Step: step, Tool: tool, Case: kase, Wall: o.wall, RSS: o.rss, Requests: o.req, Reported: -1, Uploaded: -1}
}

// run runs a command (env nil: the harness's own), fails the benchmark if
// it fails, and returns its output, wall time, peak RSS and the requests
// the proxy counted while it ran.
//
// The peak RSS comes from /usr/bin/time (GNU time's %M), which forks the
// command from a small process. The rusage of a child this process starts
// is no good: Go starts children with clone(CLONE_VM|CLONE_VFORK), and
// Linux carries the high-water RSS across exec, so ru_maxrss would be at
// least this test process's own RSS. Without /usr/bin/time it falls back
// to that, and says so in the notes.
func (h *harness) run(env []string, name string, args ...string) result {
	h.tb.Helper()
	var rssFile string
	if h.time != "" {
		f, err := os.CreateTemp("", "feedpub-bench-rss-")
		if err != nil {
			h.tb.Fatal(err)
		}
		f.Close()
		rssFile = f.Name()
		defer os.Remove(rssFile)
		args = append([]string{"-f", "%M", "-o", rssFile, name}, args...)
		name = h.time
	}
	cmd := exec.Command(name, args...)
	cmd.Env = env
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	h.px.take()
	start := time.Now()
	err := cmd.Run()
	wall := time.Since(start)
	req := h.px.take()
	if err != nil {
		h.tb.Fatalf("%s %s: %v\n%.4000s\n%.4000s", filepath.Base(name), strings.Join(args, " "), err, stdout.String(), stderr.String())
	}
	var rss int64
	if rssFile != "" {
		b, err := os.ReadFile(rssFile)
		if err != nil {
			h.tb.Fatal(err)
		}
		f := strings.Fields(string(b))
		if len(f) == 0 {
			h.tb.Fatalf("%s wrote no peak RSS", h.time)
		}
		kb, err := strconv.ParseInt(f[len(f)-1], 10, 64)
		if err != nil {
			h.tb.Fatalf("%s: peak RSS %q: %v", h.time, b, err)
		}
		rss = kb * 1024
	} else if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
		rss = int64(ru.Maxrss) * 1024 // KiB on Linux
	}
	return result{stdout: stdout.String(), stderr: stderr.String(), wall: wall, rss: rss, req: req}
}

// toolEnv is the environment for s5cmd and rclone: the server's
// credentials, and no AWS_CA_BUNDLE (the server is plain HTTP, and rclone
// fails on a bundle it cannot use).
func (h *harness) toolEnv(extra ...string) []string {
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "AWS_CA_BUNDLE=") {
			env = append(env, kv)
		}
	}
	env = append(env,
		"AWS_ACCESS_KEY_ID="+h.srv.AccessKey, "AWS_SECRET_ACCESS_KEY="+h.srv.SecretKey,
		"AWS_REGION="+h.srv.Region,
	)
	return append(env, extra...)
}

// Both tools use 16 parallel transfers, as the site's publish.concurrency.
func (h *harness) runS5cmd(tree, id string) result {
	return h.run(h.toolEnv(), h.s5cmd, "--endpoint-url", h.px.Endpoint, "--numworkers", "16",
		"sync", tree+"/", "s3://"+h.srv.Bucket+"/s5cmd-"+id+"/")
}

func (h *harness) runRclone(tree, id string) result {
	env := h.toolEnv(
		"RCLONE_CONFIG_T_TYPE=s3", "RCLONE_CONFIG_T_PROVIDER=Other", "RCLONE_CONFIG_T_ENV_AUTH=true",
		"RCLONE_CONFIG_T_ENDPOINT="+h.px.Endpoint, "RCLONE_CONFIG_T_FORCE_PATH_STYLE=true",
	)
	return h.run(env, h.rclone, "--config", os.DevNull, "--transfers", "16",
		"sync", tree, "t:"+h.srv.Bucket+"/rclone-"+id)
}

// table is the Markdown table of every row; "vs feedpub" is the tool's wall
// time over feedpub publish's for the same case and N.
func table(rows []row) string {
	pubWall := map[string]time.Duration{}
	for _, r := range rows {
		if r.Tool == "feedpub" && r.Case != "" {
			pubWall[fmt.Sprint(r.N, r.Case)] = r.Wall
		}
	}
	var b strings.Builder
	b.WriteString("| N | step | wall | vs feedpub | peak RSS | requests at the server | feedpub --json requests | uploaded |\n")
	b.WriteString("|---:|---|---:|---:|---:|---|---:|---:|\n")
	for _, r := range rows {
		ratio := ""
		if r.Tool != "feedpub" {
			if p := pubWall[fmt.Sprint(r.N, r.Case)]; p > 0 {
				ratio = fmt.Sprintf("%.2f×", r.Wall.Seconds()/p.Seconds())
			}
		}
		rep, up := "", ""
		if r.Reported >= 0 {
			rep = commas(int(r.Reported))
		}
		if r.Uploaded >= 0 {
			up = commas(r.Uploaded)
		}
		reqs := r.Requests.String()
		if !strings.Contains(r.Step, "publish") && !strings.Contains(r.Step, "sync") {
			reqs = "–" // local
		}
		fmt.Fprintf(&b, "| %s | %s | %s | %s | %s | %s | %s | %s |\n",
			commas(r.N), r.Step, seconds(r.Wall), ratio, fmt.Sprintf("%.0f MB", float64(r.RSS)/1e6), reqs, rep, up)
	}
	return b.String()
}

func seconds(d time.Duration) string {
	if d < 10*time.Second {
		return fmt.Sprintf("%.2f s", d.Seconds())
	}
	return fmt.Sprintf("%.1f s", d.Seconds())
}

func mb(n int64) string { return fmt.Sprintf("%.1f MB", float64(n)/1e6) }

func countFiles(tb testing.TB, dir string) int {
	n := 0
	walk(tb, dir, func(string, os.FileInfo) { n++ })
	return n
}

func dirSize(tb testing.TB, dir string) int64 {
	var n int64
	walk(tb, dir, func(_ string, fi os.FileInfo) { n += fi.Size() })
	return n
}

// feedSizes lists the feed files at the top of the tree with their sizes.
func feedSizes(tb testing.TB, dir string) string {
	var parts []string
	for _, name := range []string{"podcast.xml", "video.xml", "reviews.xml", "reviews.atom", "reviews.json"} {
		if fi, err := os.Stat(filepath.Join(dir, name)); err == nil {
			parts = append(parts, name+" "+mb(fi.Size()))
		}
	}
	return strings.Join(parts, ", ")
}

func walk(tb testing.TB, dir string, f func(string, os.FileInfo)) {
	tb.Helper()
	err := filepath.Walk(dir, func(p string, fi os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		if fi.Mode().IsRegular() {
			f(p, fi)
		}
		return nil
	})
	if err != nil {
		tb.Fatal(err)
	}
}
