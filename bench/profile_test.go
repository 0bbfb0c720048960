package bench

import (
	"context"
	"os"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"testing"
	"time"

	"github.com/spf13/viper"

	"github.com/feedpub/feedpub/config"
	"github.com/feedpub/feedpub/feeds/identity"
	"github.com/feedpub/feedpub/feeds/site"
	fpublish "github.com/feedpub/feedpub/media/publish"
	"github.com/feedpub/feedpub/media/store/localstore"
)

// profileBuild runs what `feedpub build --config cfgPath --out tree` runs
// (cmd/feedpub's publishSite with a local store), in this process, under
// the CPU profiler, and writes into dir:
//
//	cpu.prof     the whole warm build
//	heap.prof    the heap when site.Build has returned (the built site,
//	             rendered feeds included, is still live): inuse_* is what
//	             the build holds, alloc_* everything allocated up to then
//	allocs.prof  every allocation of the whole build
//
// and logs how long each phase took and the Go heap's peak.
func profileBuild(tb testing.TB, cfgPath, tree, dir string) {
	tb.Helper()
	if err := os.MkdirAll(dir, 0o755); err != nil {
		tb.Fatal(err)
	}
	create := func(name string) *os.File {
		f, err := os.Create(filepath.Join(dir, name))
		if err != nil {
			tb.Fatal(err)
		}
		return f
	}
	runtime.GC()
	var before runtime.MemStats
	runtime.ReadMemStats(&before)
	cpu := create("cpu.prof")
	defer cpu.Close()
	if err := pprof.StartCPUProfile(cpu); err != nil {
		tb.Fatal(err)
	}
	ctx := context.Background()
	t0 := time.Now()
	cfg, ps := config.Load(viper.New(), cfgPath)
	if ps.HasErrors() {
		tb.Fatal(ps)
	}
	st, err := localstore.New(tree)
	if err != nil {
		tb.Fatal(err)
	}
	keeper := &identity.Keeper{Force: true}
	sess, err := fpublish.Open(ctx, st, fpublish.Options{
		Concurrency: cfg.Publish.Concurrency, Prune: true, Force: true, Owner: "bench profile", Identity: keeper,
	})
	if err != nil {
		tb.Fatal(err)
	}
	t1 := time.Now()
	res, ps := site.Build(ctx, &cfg, site.Options{Now: time.Now(), Generator: "feedpub 0.1.0-dev" /* the CLI's own, so both share the site's caches */, Published: sess.Published(), Identity: keeper.Published()})
	defer res.Close()
	if ps.HasErrors() {
		tb.Fatal(ps)
	}
	t2 := time.Now()
	runtime.GC() // so inuse_* is what the build still holds
	heap := create("heap.prof")
	if err := pprof.Lookup("heap").WriteTo(heap, 0); err != nil {
		tb.Fatal(err)
	}
	heap.Close()
	var mid runtime.MemStats
	runtime.ReadMemStats(&mid)
	t3 := time.Now()
	entries, feedIDs := keeper.Record(res.Identity)
	rep, err := sess.Apply(ctx, res.Files, &fpublish.Identity{Entries: entries, FeedIDs: feedIDs})
	if err != nil {
		tb.Fatal(err)
	}
	if err := sess.Close(); err != nil {
		tb.Fatal(err)
	}
	t4 := time.Now()
	pprof.StopCPUProfile()
	allocs := create("allocs.prof")
	if err := pprof.Lookup("allocs").WriteTo(allocs, 0); err != nil {
		tb.Fatal(err)
	}
	allocs.Close()
	var after runtime.MemStats
	runtime.ReadMemStats(&after)
	var feedBytes int64
	for _, f := range res.Files {
		if f.Kind == fpublish.KindFeed {
			feedBytes += f.Size
		}
	}
	tb.Logf("profile of a warm build (%d files, %d written, %d unchanged) in %s: open %s, site.Build %s, apply %s; "+
		"rendered feeds %.0f MB; Go heap in use after site.Build %.0f MB, allocated during the build %.0f MB (%d objects), GC cycles %d; profiles in %s",
		len(res.Files), rep.Uploaded, rep.Skipped, t4.Sub(t0).Round(time.Millisecond),
		t1.Sub(t0).Round(time.Millisecond), t2.Sub(t1).Round(time.Millisecond), t4.Sub(t3).Round(time.Millisecond),
		float64(feedBytes)/1e6, float64(mid.HeapInuse)/1e6, float64(after.TotalAlloc-before.TotalAlloc)/1e6, after.Mallocs-before.Mallocs,
		after.NumGC-before.NumGC, dir)
}

// TestProfileSite profiles a build of the site whose feedpub.yaml is
// FEEDPUB_BENCH_PROFILE_CONFIG into FEEDPUB_BENCH_PROFILE (default the
// current folder), built into FEEDPUB_BENCH_PROFILE_TREE or else a
// temporary folder: skipped without the variable. With TestGenerateInto it profiles any catalogue size by hand.
func TestProfileSite(t *testing.T) {
	cfg := os.Getenv("FEEDPUB_BENCH_PROFILE_CONFIG")
	if cfg == "" {
		t.Skip("set FEEDPUB_BENCH_PROFILE_CONFIG=feedpub.yaml (and FEEDPUB_BENCH_PROFILE=DIR) to profile a build")
	}
	dir := os.Getenv("FEEDPUB_BENCH_PROFILE")
	if dir == "" {
		dir = "."
	}
	tree := os.Getenv("FEEDPUB_BENCH_PROFILE_TREE") // a built tree: profile a rebuild
	if tree == "" {
		tree = t.TempDir()
	}
	profileBuild(t, cfg, tree, dir)
}
