package main

import (
	"context"
	"fmt"
	"path/filepath"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/viper"

	"github.com/feedpub/feedpub/config"
	"github.com/feedpub/feedpub/config/diag"
	"github.com/feedpub/feedpub/config/safehttp"
	"github.com/feedpub/feedpub/feeds/importer"
	"github.com/feedpub/feedpub/feeds/site"
)

type importOptions struct {
	root        *rootOptions
	Into        string
	Media       string
	Video       string
	Reviews     string
	BaseURL     string
	VerifyOnly  bool
	NoVerify    bool
	Timeout     time.Duration
	MaxFeed     int64
	MaxFile     int64
	MaxTotal    int64
	Concurrency int
	// VideoChannel and Write are --video-channel and --write: a video
	// channel's feed matched to the reviews (runVideoChannel).
	VideoChannel string
	Write        bool
}

func newImportCmd(ro *rootOptions) *cobra.Command {
	o := &importOptions{root: ro}
	cmd := &cobra.Command{
		Use:   "import FEED",
		Short: "Move an existing show to feedpub: import its podcast, video and review feeds",
		Long: `import reads a podcast feed that another tool wrote (a URL or a file) and
writes a site that feedpub builds as it is: feedpub.yaml from the channel, one
Markdown entry per item with its guid: exactly as the old feed has it, the show
notes converted to Markdown, and the media downloaded into media/ (or, with
--media remote, named by URL). --video adds a video feed to the same entries,
--reviews a site's review feed. It never overwrites a file and writes nothing
outside --into; run it again after an interruption and it finishes the job.

At the end it builds the site and compares the new feeds with the old ones
item by item; --verify does only that. Exit 1 when an item could not be
imported or the new feeds would show an episode as new.`,
		Args: func(cmd *cobra.Command, args []string) error {
			switch {
			case o.Concurrency < 1:
				return usageError{fmt.Errorf("--concurrency %d: want 1 or more", o.Concurrency)}
			case o.Timeout <= 0:
				return usageError{fmt.Errorf("--timeout %v: want a duration above 0, such as 30s", o.Timeout)}
			case o.MaxFeed < 1 || o.MaxFile < 1 || o.MaxTotal < 1:
				return usageError{fmt.Errorf("--max-feed-bytes, --max-file-bytes and --max-total-bytes: want sizes in bytes, 1 or more")}
			case o.Write && o.VideoChannel == "":
				return usageError{fmt.Errorf("--write goes with --video-channel")}
			case o.VideoChannel != "" && len(args) > 0:
				return usageError{fmt.Errorf("import --video-channel URL takes no FEED")}
			case o.VideoChannel == "" && len(args) != 1:
				return usageError{fmt.Errorf("import needs one FEED (a path or an http(s) URL), or --video-channel URL")}
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			if o.VideoChannel != "" {
				return runVideoChannel(cmd.Context(), &videoChannelOptions{root: ro, URL: o.VideoChannel, Write: o.Write, Client: ro.env.HTTP})
			}
			return ro.runWithReport(func() (string, error) { return "", o.run(cmd.Context(), args[0]) })
		},
	}
	addOutputFlags(cmd, ro)
	f := cmd.Flags()
	f.StringVar(&o.Into, "into", ".", "the site `DIR` to write (created when missing; an existing site is added to)")
	f.StringVar(&o.Media, "media", importer.MediaDownload, "download (fetch every enclosure into media/) or remote (keep each where it is, by URL)")
	f.StringVar(&o.Video, "video", "", "a video podcast `FEED` of the same show, joined to the same entries")
	f.StringVar(&o.Reviews, "reviews", "", "the site's review `FEED` (RSS or Atom), imported as written reviews")
	f.StringVar(&o.BaseURL, "base-url", "", "site.base_url of a new feedpub.yaml: where the published tree will be served")
	f.BoolVar(&o.VerifyOnly, "verify", false, "import nothing: build the site in --into and compare its feeds with FEED (and --video)")
	f.BoolVar(&o.NoVerify, "no-verify", false, "skip the comparison at the end of an import")
	f.DurationVar(&o.Timeout, "timeout", 30*time.Second, "time allowed for a server to start answering each request, and for each byte of a download to come")
	f.Int64Var(&o.MaxFeed, "max-feed-bytes", 50<<20, "largest feed read, in bytes")
	f.Int64Var(&o.MaxFile, "max-file-bytes", 4<<30, "largest file downloaded, in bytes")
	f.Int64Var(&o.MaxTotal, "max-total-bytes", 200<<30, "most bytes downloaded in one run")
	f.IntVar(&o.Concurrency, "concurrency", 4, "downloads at a time")
	f.StringVar(&o.VideoChannel, "video-channel", "", "a video channel's public feed `URL`: list, per video, the review it matches and the front matter line that links it")
	f.BoolVar(&o.Write, "write", false, "with --video-channel, add each matched video to its review's front matter")
	return cmd
}

func (o *importOptions) options() importer.Options {
	so := safehttp.Options{HeaderTimeout: o.Timeout, UserAgent: "feedpub/" + version + " (import)"}
	if h := o.root.env.HTTP; h != nil {
		so.Transport = h.Transport
	}
	return importer.Options{
		Video: o.Video, Reviews: o.Reviews, Into: o.Into, Media: o.Media, BaseURL: o.BaseURL,
		Client: safehttp.NewClient(so), MaxFeed: o.MaxFeed, MaxFile: o.MaxFile, MaxTotal: o.MaxTotal,
		IdleTimeout: o.Timeout, Concurrency: o.Concurrency, Log: o.root.infof,
	}
}

func (o *importOptions) run(ctx context.Context, feed string) error {
	ro := o.root
	if o.Media != importer.MediaDownload && o.Media != importer.MediaRemote {
		return usageError{fmt.Errorf("--media %q: want download or remote", o.Media)}
	}
	opt := o.options()
	opt.Feed = feed
	var all diag.Problems
	var oldPodcast, oldVideo *importer.Feed
	if o.VerifyOnly {
		var ps diag.Problems
		var err error
		oldPodcast, ps, err = importer.Load(ctx, feed, opt)
		all.Add(ps...)
		if err == nil && o.Video != "" {
			oldVideo, ps, err = importer.Load(ctx, o.Video, opt)
			all.Add(ps...)
		}
		if err != nil {
			return o.finish(all)
		}
	} else {
		res, ps, err := importer.Run(ctx, opt)
		all.Add(ps...)
		if err != nil {
			if all.HasErrors() {
				return o.finish(all) // the error is among them
			}
			_ = o.finish(all)
			return err
		}
		ro.infof("imported into %s: %s written, %s already there; %s downloaded, %s already complete",
			o.Into, plural(len(res.Written), "entry"), plural(res.Kept, "item"), plural(res.Downloaded, "file"), plural(res.Reused, "file"))
		if res.Config != "" {
			ro.infof("wrote %s: set site.base_url before the first publish", filepath.Join(o.Into, res.Config))
		}
		switch {
		case len(res.Written) == 0 && res.Kept == 0:
			ro.infof("not verified: no entry was imported")
			return o.finish(all)
		case o.NoVerify:
			return o.finish(all)
		case o.Media == importer.MediaRemote:
			// Remote media are read where they are by the build; this
			// import checked none of them, so it claims nothing.
			ro.infof("not verified: with --media remote, run feedpub import --verify FEED --into %s once the site builds", o.Into)
			return o.finish(all)
		}
		oldPodcast, oldVideo = res.Podcast, res.VideoFeed
	}
	all.Add(o.verify(ctx, oldPodcast, oldVideo)...)
	return o.finish(all)
}

// verify builds the site in --into and compares its feeds with the old.
func (o *importOptions) verify(ctx context.Context, oldPodcast, oldVideo *importer.Feed) diag.Problems {
	cfg, ps := config.Load(viper.New(), filepath.Join(o.Into, "feedpub.yaml"))
	if ps.HasErrors() {
		return ps
	}
	ps = diag.Policy{Ignore: cfg.Ignore}.Apply(ps)
	// Built as build does, with nothing written: the feeds are rendered to
	// temporary files.
	res, built := site.Build(ctx, &cfg, site.Options{Now: o.root.env.Now(), ReadOnly: true, Generator: "feedpub import --verify"})
	defer func() { _ = res.Close() }()
	var open importer.Opener
	if res != nil {
		open = res.Open
	}
	vs := importer.Verify(&cfg, built, open, oldPodcast, oldVideo)
	ps.Add(vs...)
	if !vs.HasErrors() {
		o.root.infof("verified: every episode of the old feeds keeps its GUID in the new ones")
	}
	return ps
}

// finish prints the problems and turns errors into exit status 1.
func (o *importOptions) finish(ps diag.Problems) error {
	ps = diag.Policy{Strict: o.root.Strict}.Apply(ps)
	o.root.report(ps)
	if ps.HasErrors() {
		return errReported
	}
	return nil
}
