package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/viper"

	"github.com/feedpub/feedpub/config"
	"github.com/feedpub/feedpub/config/diag"
	"github.com/feedpub/feedpub/feeds/preview"
	"github.com/feedpub/feedpub/feeds/site"
	"github.com/feedpub/feedpub/media/publish"
)

// quietFor is how long the site must stay unchanged before a rebuild, so an
// editor's save (often several writes and a rename) rebuilds once.
const quietFor = 150 * time.Millisecond

type serveOptions struct {
	root           *rootOptions
	Addr           string
	Drafts, Future bool
}

func newServeCmd(ro *rootOptions) *cobra.Command {
	opts := &serveOptions{root: ro}
	cmd := &cobra.Command{
		Use:   "serve",
		Short: "Preview the show, the feeds and every entry in a browser, rebuilt as you edit",
		Long: `serve builds the site and serves a preview page at / and every file of the
build at its key (/podcast.xml, /media/...): the feeds from memory, media
straight from the site folder; nothing is written to the publish target. The
feeds' URLs point at the server itself, so a podcast app on the same network
can subscribe to them and play the episodes.

Every change under the site folder (config, content, media) rebuilds it and
reloads open pages. A build that fails shows its errors on the page while
the last good build is still served.

With --addr 0.0.0.0:PORT the server listens on every interface and the feeds
name the machine's LAN address.`,
		Args: maxArgs(0),
		RunE: func(cmd *cobra.Command, _ []string) error { return opts.run(cmd.Context()) },
	}
	cmd.Flags().StringVar(&opts.Addr, "addr", "127.0.0.1:8080", "listen on `HOST:PORT` (0.0.0.0:PORT for the whole network)")
	cmd.Flags().BoolVar(&opts.Drafts, "drafts", false, "include drafts, marked as such")
	cmd.Flags().BoolVar(&opts.Future, "future", false, "include entries dated in the future, marked as scheduled")
	return cmd
}

func (o *serveOptions) run(ctx context.Context) error {
	// Its warnings are the first build's to print (once, below).
	cfg, ps := config.Load(viper.New(), o.root.Config)
	if ps = (diag.Policy{Ignore: cfg.Ignore, Rehearsal: true}).Apply(ps); ps.HasErrors() || !cfg.Parsed() {
		o.root.report(ps)
		return errReported
	}
	ln, err := net.Listen("tcp", o.Addr)
	if errors.Is(err, syscall.EADDRINUSE) || errors.Is(err, syscall.EACCES) {
		// Not a usage error: the flag is right, the port is taken.
		return fmt.Errorf("--addr %s: %w: choose another port, such as --addr 127.0.0.1:8081", o.Addr, err)
	}
	if err != nil {
		return usageError{fmt.Errorf("--addr %s: %w", o.Addr, err)}
	}
	defer ln.Close()
	url := serveURL(ln.Addr().(*net.TCPAddr), lanIP)
	srv := preview.NewServer(func(ctx context.Context) preview.Build { return o.build(ctx, url) })
	// A warning is printed once a session, not at every rebuild; errors
	// each time, as long as they last.
	said := map[string]bool{}
	report := func(ps diag.Problems) {
		var fresh diag.Problems
		for _, p := range ps {
			if p.Severity == diag.Error || !said[p.Error()] {
				fresh = append(fresh, p)
				said[p.Error()] = true
			}
		}
		o.root.report(fresh)
	}
	srv.Logf = func(format string, args ...any) {
		fmt.Fprintf(o.root.env.Stderr, "warning: "+format+"\n", args...)
	}
	report(srv.Rebuild(ctx))

	w, err := preview.NewWatcher(watchDirs(&cfg), skipper(&cfg, ownFiles(o.root.env.Stdout, o.root.env.Stderr)))
	if err != nil {
		return err
	}
	rebuild := func() {
		start := time.Now()
		ps := srv.Rebuild(ctx)
		report(ps)
		if !ps.HasErrors() {
			o.root.infof("rebuilt in %v", time.Since(start).Round(time.Millisecond))
		}
	}
	ctx, stop := context.WithCancel(ctx)
	watching := make(chan struct{})
	// Waited for before returning, so that no rebuild still writes the
	// probe or entry cache once serve has stopped.
	defer func() { stop(); <-watching }()
	go func() { defer close(watching); w.Run(ctx, quietFor, rebuild) }()

	hs := &http.Server{Handler: srv, ReadHeaderTimeout: 10 * time.Second}
	done := make(chan error, 1)
	go func() {
		<-ctx.Done()
		srv.Close()
		sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		done <- hs.Shutdown(sctx)
	}()
	o.root.infof("previewing %s at %s (Ctrl-C stops)", cfg.File, url)
	if host, _, _ := net.SplitHostPort(o.Addr); host == "" || net.ParseIP(host).IsUnspecified() {
		if strings.HasPrefix(url, "http://127.0.0.1:") {
			o.root.infof("no LAN address found: the feeds name 127.0.0.1, which only this machine reaches")
		} else {
			o.root.infof("on this machine also at http://localhost:%d/", ln.Addr().(*net.TCPAddr).Port)
		}
	}
	if err := hs.Serve(ln); !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("serve: %w", err)
	}
	return <-done
}

// build loads the config afresh (it may be what changed) and builds the
// site with every URL pointing at the server.
func (o *serveOptions) build(ctx context.Context, url string) preview.Build {
	cfg, ps := config.Load(viper.New(), o.root.Config)
	ps = diag.Policy{Ignore: cfg.Ignore, Rehearsal: true}.Apply(ps)
	if ps.HasErrors() {
		return preview.Build{Page: preview.Page{Problems: ps}}
	}
	cfg.Site.BaseURL = url
	now := o.root.env.Now()
	res, bps := site.Build(ctx, &cfg, site.Options{Now: now, Generator: "feedpub " + version, Drafts: o.Drafts, Future: o.Future, Rehearsal: true})
	ps.Add(bps...)
	// The preview serves the feeds from memory: the build's files are
	// removed before the next one.
	defer res.Close()
	b := preview.Build{Page: preview.Page{Catalog: res.Catalog, Entries: res.Entries, Skipped: res.Skipped, Problems: ps, Now: now, Forms: res.Forms}, Root: cfg.Dir}
	for _, f := range res.Files {
		pf := preview.File{Key: f.Key, ContentType: f.ContentType, SHA256: f.SHA256, Path: f.Path, Size: f.Size, Body: f.Body}
		if f.Kind == publish.KindFeed && f.Path != "" {
			body, err := os.ReadFile(f.Path)
			if err != nil {
				b.Page.Problems.Errorf("FP406", f.Key, 0, "", "cannot read the rendered feed: %v", err)
				continue
			}
			pf.Path, pf.Body = "", body
		}
		b.Files = append(b.Files, pf)
	}
	return b
}

// serveURL is where pages, feeds and apps reach the server: its listening
// address, or, when it listens on every interface, the machine's LAN
// address, so a phone can subscribe.
func serveURL(a *net.TCPAddr, lan func() net.IP) string {
	ip := a.IP
	if ip.IsUnspecified() {
		if ip = lan(); ip == nil {
			ip = net.IPv4(127, 0, 0, 1)
		}
	}
	return "http://" + net.JoinHostPort(ip.String(), strconv.Itoa(a.Port)) + "/"
}

// lanIP is the machine's address on its local network: the first private
// IPv4 address of an interface that is up, not a loopback and not a
// container bridge; nil when there is none.
func lanIP() net.IP {
	ifs, err := net.Interfaces()
	if err != nil {
		return nil
	}
	return pickLAN(ifs, func(i net.Interface) ([]net.Addr, error) { return i.Addrs() })
}

func pickLAN(ifs []net.Interface, addrs func(net.Interface) ([]net.Addr, error)) net.IP {
	for _, i := range ifs {
		if i.Flags&net.FlagUp == 0 || i.Flags&net.FlagLoopback != 0 || isBridge(i.Name) {
			continue
		}
		as, err := addrs(i)
		if err != nil {
			continue
		}
		for _, a := range as {
			if n, ok := a.(*net.IPNet); ok && n.IP.To4() != nil && n.IP.IsPrivate() {
				return n.IP.To4()
			}
		}
	}
	return nil
}

// isBridge tells the virtual interfaces of containers and VMs, which a
// phone cannot reach, by their usual names.
func isBridge(name string) bool {
	for _, p := range []string{"docker", "br-", "veth", "virbr", "cni", "flannel", "podman"} {
		if strings.HasPrefix(name, p) {
			return true
		}
	}
	return false
}

// watchDirs are the folders whose changes rebuild: the site folder, and the
// content folder when it is elsewhere.
func watchDirs(cfg *config.Config) []string {
	dirs := []string{cfg.Dir}
	if c := cfg.Resolve(cfg.Content.Dir); !within(c, cfg.Dir) {
		dirs = append(dirs, c)
	}
	return dirs
}

// ownFiles lists the regular files serve itself writes to (its output
// redirected into the site folder: serve > serve.log), whose every line
// would otherwise rebuild, and log again, for ever.
func ownFiles(ws ...io.Writer) []os.FileInfo {
	var out []os.FileInfo
	for _, w := range ws {
		if f, ok := w.(*os.File); ok {
			if fi, err := f.Stat(); err == nil && fi.Mode().IsRegular() {
				out = append(out, fi)
			}
		}
	}
	return out
}

// skipper says which paths never rebuild: hidden files and folders (the
// state folder, .git, editors' swap files), editors' backups, the folders
// build and publish write into, and the files serve writes (own).
func skipper(cfg *config.Config, own []os.FileInfo) func(string) bool {
	var out []string
	for _, t := range []string{cfg.Publish.Target, "public"} {
		if strings.Contains(t, "://") && !strings.HasPrefix(t, "file://") {
			continue
		}
		if d := cfg.Resolve(strings.TrimPrefix(t, "file://")); d != cfg.Dir {
			out = append(out, d)
		}
	}
	return func(p string) bool {
		base := filepath.Base(p)
		if strings.HasPrefix(base, ".") || strings.HasSuffix(base, "~") {
			return true
		}
		for _, d := range out {
			if within(p, d) {
				return true
			}
		}
		if len(own) > 0 {
			if fi, err := os.Stat(p); err == nil {
				for _, o := range own {
					if os.SameFile(fi, o) {
						return true
					}
				}
			}
		}
		return false
	}
}

// within reports whether p is dir or under it.
func within(p, dir string) bool {
	r, err := filepath.Rel(dir, p)
	return err == nil && r != ".." && !strings.HasPrefix(r, ".."+string(filepath.Separator))
}
