package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/signal"
	"strconv"
	"syscall"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/viper"

	"github.com/feedpub/feedpub/config"
	"github.com/feedpub/feedpub/config/diag"
	"github.com/feedpub/feedpub/feeds/site"
	"github.com/feedpub/feedpub/media/notify"
)

// env is everything a command touches outside itself: the factory of the
// cli/cli pattern, so tests drive the real commands without globals.
type env struct {
	Stdout, Stderr io.Writer
	Now            func() time.Time
	IsTerminal     func(io.Writer) bool
	// Notify bounds what publish sends after its feeds changed (HTTP
	// client, tries, timeouts); the zero value takes notify's defaults.
	Notify notify.Options
	// HTTP, when set, is the client check fetches feeds and asks about
	// enclosures with, and the one publish checks what listeners get
	// with; nil means feedpub's own (config/safehttp).
	HTTP *http.Client
}

func newEnv() *env {
	return &env{
		Stdout:     os.Stdout,
		Stderr:     os.Stderr,
		Now:        time.Now,
		IsTerminal: isTerminal,
	}
}

// rootOptions are the global flags.
type rootOptions struct {
	env     *env
	Config  string
	Quiet   bool
	Verbose bool
	// Format is how problems are printed: human, json or github (set by
	// the commands that take --format).
	Format string
	// Strict makes warnings fail the run (--strict).
	Strict bool
	// collected, when set, receives the problems instead of stderr (for
	// publish --json, which prints them in its one JSON document).
	collected *diag.Problems
	// JSON is --json: the same as --format json.
	JSON bool
	// siteDir is the site folder's absolute path, for annotations GitHub
	// resolves from the repository root.
	siteDir  string
	confFile string
}

// usageError marks errors that exit with status 2.
type usageError struct{ err error }

func (e usageError) Error() string { return e.err.Error() }
func (e usageError) Unwrap() error { return e.err }

// errReported means the problems were already printed; exit 1 quietly.
var errReported = errors.New("problems reported")

func run(args []string, e *env) int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	return runContext(ctx, args, e)
}

// runContext runs the command line under ctx: Ctrl-C in main, a deadline in
// tests that prove no input can hang feedpub.
func runContext(ctx context.Context, args []string, e *env) int {
	cmd := newRootCmd(e)
	cmd.SetArgs(args)
	cmd.SetOut(e.Stdout)
	cmd.SetErr(e.Stderr)
	err := cmd.ExecuteContext(ctx)
	if err == nil {
		return 0
	}
	var ue usageError
	switch {
	case errors.As(err, &ue):
		fmt.Fprintf(e.Stderr, "feedpub: %v\nRun 'feedpub --help' for usage.\n", err)
		return 2
	case errors.Is(err, errReported):
		return 1
	default:
		fmt.Fprintf(e.Stderr, "feedpub: %v\n", err)
		return 1
	}
}

func newRootCmd(e *env) *cobra.Command {
	opts := &rootOptions{env: e}
	cmd := &cobra.Command{
		Use:   "feedpub",
		Short: "Publish film reviews, a podcast and video reviews as feeds",
		Long: `feedpub turns a folder of Markdown reviews and media files into an Apple
Podcasts + Podcasting 2.0 audio feed, a video feed, and RSS, Atom and JSON
Feed of the written reviews, and publishes them to a folder or S3.`,
		SilenceUsage:  true,
		SilenceErrors: true,
		Args: func(_ *cobra.Command, args []string) error {
			if len(args) > 0 {
				return usageError{fmt.Errorf("unknown command %q", args[0])}
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, _ []string) error { return cmd.Help() },
	}
	// --version prints exactly what `feedpub version` prints (a quoted
	// literal, so nothing injected at link time is read as template).
	cmd.Version, _, _ = buildInfo()
	cmd.SetVersionTemplate("{{printf \"%s\\n\" " + strconv.Quote(versionLine()) + "}}")
	cmd.PersistentFlags().StringVar(&opts.Config, "config", "feedpub.yaml", "config `FILE`")
	cmd.PersistentFlags().BoolVarP(&opts.Quiet, "quiet", "q", false, "print errors only")
	cmd.PersistentFlags().BoolVarP(&opts.Verbose, "verbose", "v", false, "print every step, and entries left out")
	cmd.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return usageError{err} })
	cmd.AddCommand(newInitCmd(opts), newBuildCmd(opts), newValidateCmd(opts), newNewCmd(opts), newPublishCmd(opts), newServeCmd(opts), newCheckCmd(opts), newImportCmd(opts), newVersionCmd(opts), newManCmd())
	return cmd
}

// maxArgs wraps cobra's arg checks so a wrong count is a usage error.
func maxArgs(n int) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if err := cobra.MaximumNArgs(n)(cmd, args); err != nil {
			return usageError{err}
		}
		return nil
	}
}

// loadConfigAll reads the config with one viper instance for this run and
// returns it with its problems, ignored warnings left out and, under
// --strict, warnings made errors. Unlike loadConfig it goes on after
// errors: the keys without one still apply, so validate and publish check
// the content and media in the same run. err is set only when the file
// could not be read at all (its problems are then printed).
func (o *rootOptions) loadConfigAll() (*config.Config, diag.Problems, error) {
	v := viper.New()
	cfg, ps := config.Load(v, o.Config)
	ps = diag.Policy{Ignore: cfg.Ignore, Strict: o.Strict}.Apply(ps)
	o.confFile, o.siteDir = cfg.File, cfg.Dir
	if !cfg.Parsed() {
		o.report(ps)
		return nil, nil, errReported
	}
	return &cfg, ps, nil
}

// loadConfig reads the config with one viper instance for this run, for
// a command that sends nothing to listeners (build, serve, new): init's
// placeholders are warnings there (diag.PublishOnly).
func (o *rootOptions) loadConfig() (*config.Config, error) {
	v := viper.New()
	cfg, ps := config.Load(v, o.Config)
	ps = diag.Policy{Ignore: cfg.Ignore, Rehearsal: true}.Apply(ps)
	o.report(ps)
	if ps.HasErrors() {
		return nil, errReported
	}
	return &cfg, nil
}

// report prints problems: errors always, warnings unless --quiet; at most
// diag.MaxPerFile for one file, so a file that is wrong throughout cannot
// bury the others. The count at the end counts them all.
// The same problem found twice (a file used by two entries) is printed once.
// Each line ends with the rule's ID; --format github prints GitHub Actions
// annotations on stdout instead.
func (o *rootOptions) report(ps diag.Problems) {
	ps = ps.Unique()
	if o.collected != nil {
		o.collected.Add(ps...)
		return
	}
	for _, p := range ps.Capped() {
		if p.Severity != diag.Error && o.Quiet {
			continue
		}
		if o.Format == "github" {
			fmt.Fprintln(o.env.Stdout, githubAnnotation(p, o.annotationPath(p.File)))
			continue
		}
		fmt.Fprintln(o.env.Stderr, humanLine(p))
	}
	if n := len(ps.Errors()); n > 0 {
		s := "s"
		if n == 1 {
			s = ""
		}
		fmt.Fprintf(o.env.Stderr, "feedpub: %d error%s found\n", n, s)
	}
}

func (o *rootOptions) infof(format string, args ...any) {
	if !o.Quiet {
		fmt.Fprintf(o.env.Stdout, format+"\n", args...)
	}
}

func (o *rootOptions) debugf(format string, args ...any) {
	if o.Verbose && !o.Quiet {
		fmt.Fprintf(o.env.Stdout, format+"\n", args...)
	}
}

func plural(n int, word string) string { return site.Plural(n, word) }
