package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/feedpub/feedpub/config/diag"
	"github.com/feedpub/feedpub/config/safehttp"
	"github.com/feedpub/feedpub/config/sitefs"
	"github.com/feedpub/feedpub/feeds/feedcheck"
	"github.com/feedpub/feedpub/feeds/feedcheck/remote"
)

type checkOptions struct {
	root         *rootOptions
	NoEnclosures bool
	UserAgent    string
	Timeout      time.Duration
	MaxBytes     int64
}

func newCheckCmd(ro *rootOptions) *cobra.Command {
	o := &checkOptions{root: ro}
	cmd := &cobra.Command{
		Use:   "check FEED...",
		Short: "Lint any podcast or review feed, by path or URL",
		Long: `check applies the feed rules validate applies to feedpub's own feeds (Apple
Podcasts, PSP-1, Podcasting 2.0, RSS 2.0, Atom, JSON Feed) to any feed: a file,
or a URL (fetched with a timeout and a size cap, gzip understood, redirects
followed and reported). For a URL it also asks the server about every
enclosure (HEAD, a few at a time) and reports a length or type that differs
from what the feed states, and a server without byte ranges. No config file
is needed. It exits 1 on any error, or with --strict any warning.`,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) == 0 {
				return usageError{fmt.Errorf("check needs at least one FEED (a path or an http(s) URL)")}
			}
			// A value the check cannot honour is refused, never read as
			// "the default".
			if o.MaxBytes < 1 {
				return usageError{fmt.Errorf("--max-bytes %d: want the largest feed to read, in bytes, 1 or more", o.MaxBytes)}
			}
			if o.Timeout <= 0 {
				return usageError{fmt.Errorf("--timeout %v: want a duration above 0, such as 30s", o.Timeout)}
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error { return o.run(cmd.Context(), args) },
	}
	addOutputFlags(cmd, ro)
	cmd.Flags().BoolVar(&o.NoEnclosures, "no-enclosures", false, "do not ask the servers about the enclosures")
	cmd.Flags().StringVar(&o.UserAgent, "user-agent", "feedpub/"+version+" (feed check)", "User-Agent of every request")
	cmd.Flags().DurationVar(&o.Timeout, "timeout", 30*time.Second, "time allowed for each request")
	cmd.Flags().Int64Var(&o.MaxBytes, "max-bytes", 20<<20, "largest feed read, in bytes")
	return cmd
}

func (o *checkOptions) run(ctx context.Context, feeds []string) error {
	return o.root.runWithReport(func() (string, error) { return o.checkAll(ctx, feeds) })
}

func (o *checkOptions) checkAll(ctx context.Context, feeds []string) (string, error) {
	ro := o.root
	ropt := remote.Options{Client: ro.env.HTTP, UserAgent: o.UserAgent, Timeout: o.Timeout, MaxBytes: o.MaxBytes}
	var all diag.Problems
	var lines []string
	for _, f := range feeds {
		ps, line := o.checkOne(ctx, f, ropt)
		all = append(all, ps...)
		if line != "" {
			lines = append(lines, line)
		}
	}
	all = diag.Policy{Strict: ro.Strict}.Apply(all)
	ro.report(all)
	summary := strings.Join(lines, "\n")
	if all.HasErrors() {
		return summary, errReported
	}
	return summary, nil
}

// checkOne checks one feed, giving up as soon as ctx ends (Ctrl-C,
// SIGTERM): the rules run over a whole document without looking at ctx,
// so they run aside and are left behind, and the process exits at once.
func (o *checkOptions) checkOne(ctx context.Context, name string, ropt remote.Options) (diag.Problems, string) {
	type result struct {
		ps   diag.Problems
		line string
	}
	done := make(chan result, 1)
	go func() {
		ps, line := o.checkFeed(ctx, name, ropt)
		done <- result{ps, line}
	}()
	select {
	case r := <-done:
		return r.ps, r.line
	case <-ctx.Done():
		var ps diag.Problems
		ps.Errorf("FP450", name, 0, "", "stopped: %v", context.Cause(ctx))
		return ps, ""
	}
}

// checkFeed reads one feed and returns its problems and, when it could be
// read, a summary line.
func (o *checkOptions) checkFeed(ctx context.Context, name string, ropt remote.Options) (diag.Problems, string) {
	var ps diag.Problems
	isURL := safehttp.LooksLikeURL(name)
	// The feed is read from a file an item at a time, never held whole:
	// a URL's body is spooled to a temporary file first (at most
	// --max-bytes), a path is opened as it is.
	var open func() (io.ReadCloser, error)
	if isURL {
		if u, err := safehttp.CheckURL(name); err != nil {
			if errors.Is(err, safehttp.ErrScheme) {
				err = fmt.Errorf("unsupported scheme %q: want an http or https URL, or a file's path", u.Scheme)
			}
			ps.Errorf("FP450", name, 0, "", "%v", err)
			return ps, ""
		}
		spool, err := os.CreateTemp("", "feedpub-check-*")
		if err != nil {
			ps.Errorf("FP450", name, 0, "", "%v", err)
			return ps, ""
		}
		defer os.Remove(spool.Name())
		defer spool.Close()
		f, err := remote.FetchTo(ctx, name, ropt, spool)
		if f != nil && len(f.Redirects) > 0 {
			ps.Notef("FP449", name, 0, "", "redirects: %s → %s (subscribers keep the first URL; if the move is permanent, say so with itunes:new-feed-url)", name, strings.Join(f.Redirects, " → "))
		}
		if err != nil {
			ps.Errorf("FP450", name, 0, "", "%v", err)
			return ps, ""
		}
		open = func() (io.ReadCloser, error) { return os.Open(spool.Name()) }
	} else {
		abs, err := filepath.Abs(name)
		if err != nil {
			ps.Errorf("FP450", name, 0, "", "%v", err)
			return ps, ""
		}
		// Its errors (missing, a FIFO, too large) come from the first
		// open, reported below like the checker's.
		open = func() (io.ReadCloser, error) { return sitefs.Open(filepath.Dir(abs), abs, o.MaxBytes) }
	}
	// Each read stops as soon as ctx ends (Ctrl-C, SIGTERM).
	ctxOpen := func() (io.ReadCloser, error) {
		rc, err := open()
		if err != nil {
			return nil, err
		}
		return ctxReader{ctx, rc}, nil
	}
	// A feed made elsewhere is judged by what directories and apps
	// refuse; feedpub's own standard for what it writes only warns.
	kind, errs, encs, err := feedcheck.CheckForeignFile(ctxOpen)
	if err != nil {
		ps.Errorf("FP450", name, 0, "", "%v", diag.BareError(err))
		return ps, ""
	}
	for _, err := range errs {
		fp, ok := err.(*feedcheck.Problem)
		if !ok {
			continue
		}
		sev := diag.Error
		if r, ok := diag.Lookup(fp.ID); ok {
			sev = r.Severity
		}
		if foreign, ok := feedcheck.ForeignSeverity(fp.Rule); ok && sev == diag.Error {
			sev = foreign
		}
		ps.Add(diag.Problem{Severity: sev, Rule: fp.ID, File: name, Line: fp.Line, Col: fp.Col, Field: fp.Rule, Msg: fp.Where + ": " + fp.Msg})
	}
	items := map[string]bool{}
	for _, e := range encs {
		items[e.Where] = true
	}
	checked := "enclosures not fetched"
	if isURL && !o.NoEnclosures {
		ps.Add(remote.CheckEnclosures(ctx, name, encs, ropt)...)
		checked = plural(len(encs), "enclosure") + " fetched"
	}
	return ps, fmt.Sprintf("ok: %s: %s feed, %s with %s, %s", name, kind, plural(len(items), "item"), plural(len(encs), "enclosure"), checked)
}

// ctxReader reads until ctx ends, then fails with its cause.
type ctxReader struct {
	ctx context.Context
	io.ReadCloser
}

func (r ctxReader) Read(p []byte) (int, error) {
	if err := r.ctx.Err(); err != nil {
		return 0, context.Cause(r.ctx)
	}
	return r.ReadCloser.Read(p)
}
