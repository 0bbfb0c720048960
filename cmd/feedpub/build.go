package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/feedpub/feedpub/config"
	"github.com/feedpub/feedpub/config/sitefs"
	"github.com/feedpub/feedpub/feeds/site"
	"github.com/feedpub/feedpub/media/publish"
	"github.com/feedpub/feedpub/media/store"
	"github.com/feedpub/feedpub/media/store/localstore"
	"github.com/feedpub/feedpub/media/store/target"
)

type buildOptions struct {
	root      *rootOptions
	Out       string
	NoCache   bool
	AcceptNew bool
	Break     bool
	// HashRemote reads remote media whole for its SHA-256.
	HashRemote bool
}

func newBuildCmd(ro *rootOptions) *cobra.Command {
	opts := &buildOptions{root: ro}
	cmd := &cobra.Command{
		Use:   "build",
		Short: "Render the feeds and gather every file they reference into a folder",
		Long: `build renders the feeds and copies every file they reference (media, artwork,
chapters, transcripts) into the output folder, at the same keys used in their
URLs: exactly the tree that publish uploads. Unchanged files are not copied
again; files an earlier build wrote and this one does not produce are removed.
The folder keeps its own manifest, so entries keep their GUIDs across builds
as they do across publishes.`,
		Args: maxArgs(0),
		RunE: func(cmd *cobra.Command, _ []string) error { return opts.run(cmd.Context()) },
	}
	cmd.Flags().StringVar(&opts.Out, "out", "public", "output `DIR` (relative to the config file's folder)")
	cmd.Flags().BoolVar(&opts.NoCache, "no-cache", false, "read every media file, parse every entry and check every feed item again: feedpub's caches are neither read nor written")
	cmd.Flags().BoolVar(&opts.AcceptNew, "accept-new-guids", false, "let a guid: in the front matter replace the GUID an entry was built with")
	cmd.Flags().BoolVar(&opts.Break, "break-lock", false, "remove the lock of a build or publish to this folder that died (only when no other is running)")
	cmd.Flags().BoolVar(&opts.HashRemote, "hash-remote", false, hashRemoteUsage)
	addOutputFlags(cmd, ro)
	return cmd
}

func (o *buildOptions) run(ctx context.Context) error {
	return o.root.runWithReport(func() (string, error) { return o.build(ctx) })
}

// build builds into the output folder and returns the summary line.
func (o *buildOptions) build(ctx context.Context) (string, error) {
	cfg, err := o.root.loadConfig()
	if err != nil {
		return "", err
	}
	// Checked before anything is written, and again with the build's
	// input files once they are known.
	out, err := o.outDir(cfg, nil)
	if err != nil {
		return "", err
	}
	st, err := localstore.New(out)
	if err != nil {
		return "", err
	}
	so := site.Options{NoCache: o.NoCache, AcceptNewGUIDs: o.AcceptNew, Rehearsal: true, Strict: o.root.Strict, HashRemote: o.HashRemote}
	po, err := o.root.publishSite(ctx, cfg, st, site.PublishOptions{
		Publish: publish.Options{
			Concurrency: cfg.Publish.Concurrency,
			Prune:       true,
			Force:       true,
			BreakLock:   o.Break,
			LocalTarget: true,
			Owner:       owner(),
			Log:         o.root.debugf,
		},
		Build: so,
		Guard: func(res *site.Result) error {
			_, err := o.outDir(cfg, res)
			return err
		},
	})
	res, rep := po.Result, po.Report
	defer func() { _ = res.Close() }() // res may come with err: remove its feeds either way
	ps := append(po.Problems, targetWarnings(rep, o.root.Verbose)...)
	o.root.report(ps)
	if err != nil {
		if ps.HasErrors() || errors.Is(err, errReported) {
			return "", errReported
		}
		return "", fmt.Errorf("build %s: %w", out, err)
	}
	if rep.Unchanged {
		return fmt.Sprintf("built %s: nothing changed since the last build (%s)", relTo(cfg.Dir, out), plural(rep.Skipped, "file")), nil
	}
	return fmt.Sprintf("built %s: %s, %s written (%s), %s unchanged, %s removed",
		relTo(cfg.Dir, out), plural(len(res.Files), "file"), plural(rep.Uploaded, "file"),
		sitefs.Human(rep.UploadedBytes), plural(rep.Skipped, "file"), plural(rep.Deleted, "file")), nil
}

// publishSite runs one publish (site.Publish) with the command's clock,
// version and --verbose lines. Problems are returned, not printed; err is
// errReported when they hold errors.
func (o *rootOptions) publishSite(ctx context.Context, cfg *config.Config, st store.Store, opt site.PublishOptions) (*site.Outcome, error) {
	opt.Build.Now, opt.Version, opt.Environ, opt.Debugf = o.env.Now(), version, os.Environ(), o.debugf
	out, err := site.Publish(ctx, cfg, st, opt)
	if errors.Is(err, site.ErrProblems) {
		err = errReported
	}
	return out, err
}

// outDir resolves --out (the forms of a local publish.target) and refuses
// a folder that holds or lies among the site's inputs: build prunes what it
// no longer produces, which in such a folder would be a source file.
func (o *buildOptions) outDir(cfg *config.Config, res *site.Result) (string, error) {
	tg, err := target.Parse(o.Out, cfg.Dir)
	if err == nil && tg.Scheme != target.SchemeFile {
		err = fmt.Errorf("%q: want a folder; build writes only to this computer (publish uploads)", o.Out)
	}
	if err == nil {
		err = target.CheckLocal(tg.Path, siteOf(cfg, inputsOf(res)))
	}
	if err != nil {
		return "", fmt.Errorf("build --out: %w", err)
	}
	return tg.Path, nil
}

func owner() string {
	h, _ := os.Hostname()
	return fmt.Sprintf("feedpub on %s (pid %d)", h, os.Getpid())
}

func relTo(base, p string) string {
	if r, err := filepath.Rel(base, p); err == nil && !filepath.IsAbs(r) && r != "" && r[0] != '.' {
		return r
	}
	return p
}
