package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"
	"time"
	"unicode"

	"github.com/spf13/cobra"
	"github.com/spf13/viper"

	"github.com/feedpub/feedpub/config"
	"github.com/feedpub/feedpub/config/diag"
	"github.com/feedpub/feedpub/config/sitefs"
	"github.com/feedpub/feedpub/feeds/content"
	"github.com/feedpub/feedpub/feeds/newentry"
	"github.com/feedpub/feedpub/feeds/site"
	"github.com/feedpub/feedpub/media"
	"github.com/feedpub/feedpub/media/probe"
)

type newOptions struct {
	root   *rootOptions
	Title  string
	Date   string
	Video  string
	Draft  bool
	Move   bool
	Season int
	wrote  string // the new entry's path, for --json
}

func newNewCmd(ro *rootOptions) *cobra.Command {
	opts := &newOptions{root: ro}
	cmd := &cobra.Command{
		Use:   "new [MEDIA...]",
		Short: "Write the next entry from the media just made",
		Long: `new writes the next entry's Markdown file from the media the editor just made.
It checks each media file as validate does, copies it (or moves it, --move)
to media/SLUG.EXT, takes the files next to it with the same stem as its
chapters (STEM.chapters.json) and transcripts (STEM.vtt, STEM.srt,
STEM.en.vtt: the language from the name, else site.language), numbers the
episode after the highest of the current season (--season N starts or
continues season N), and prints the new file's path. It never overwrites.

The entry is a draft (draft: true) whose body is a placeholder: write the
show notes over it and remove the draft line. new runs validate's rules on
the site with the entry before it keeps anything, and turns the podcast or
video feed on in feedpub.yaml when the first episode of its kind arrives.

A media file with a video extension (.mp4, .m4v, .mov) is the entry's video,
any other its audio; --video names the video explicitly. With no media,
new writes a text-only review (--title is then required).`,
		Example: `  feedpub new ep43.mp3 --title "Past Lives: the road not taken"
  feedpub new ep43.mp3 ep43.mp4 --title "Heroin(e)"
  feedpub new --title "Aftersun" --date 2026-12-04`,
		RunE: func(cmd *cobra.Command, args []string) error {
			return ro.runWithReport(func() (string, error) {
				err := opts.run(cmd.Context(), args)
				return opts.wrote, err
			})
		},
	}
	addOutputFlags(cmd, ro)
	f := cmd.Flags()
	f.StringVar(&opts.Title, "title", "", "the entry's title (default: from the media file's name)")
	f.StringVar(&opts.Date, "date", "", "publication date, RFC 3339 or YYYY-MM-DD (default: now)")
	f.StringVar(&opts.Video, "video", "", "the entry's video `FILE`")
	// Kept for scripts that pass it: new always writes draft: true now.
	f.BoolVar(&opts.Draft, "draft", true, "write draft: true (always)")
	_ = f.MarkHidden("draft")
	f.BoolVar(&opts.Move, "move", false, "move the media files into media/ instead of copying them")
	f.IntVar(&opts.Season, "season", 0, "number the episode in season `N` (a new season starts at episode 1)")
	return cmd
}

// newMedia is one media file named on the command line.
type newMedia struct {
	src   string // as given on the command line
	video bool
}

// copyJob is one file to copy or move into the site.
type copyJob struct{ src, dst string }

func (o *newOptions) run(ctx context.Context, args []string) error {
	ro := o.root
	if o.Season < 0 {
		return usageError{fmt.Errorf("--season %d: want a positive number", o.Season)}
	}
	audio, video, err := o.mediaArgs(args)
	if err != nil {
		return err
	}
	first := audio
	if first == nil {
		first = video
	}

	cfg, err := ro.loadConfig()
	if err != nil {
		return err
	}
	date := ro.env.Now().UTC().Truncate(time.Second)
	if o.Date != "" {
		if date, err = content.ParseDate(o.Date); err != nil {
			return usageError{fmt.Errorf("--date %v", err)}
		}
	}
	entries, _ := content.Load(cfg.Dir, cfg.Content, nil) // their own problems are validate's business
	title, slug, err := o.name(first, date, entries)
	if err != nil {
		return err
	}
	entryRel := path.Join(cfg.Content.Dir, slug+".md")
	if err := notReferenced(cfg, entries, audio, video); err != nil {
		return err
	}

	// A draft until the editor writes the show notes over the placeholder
	// (publish refuses a live entry that still has it: FP225).
	fm := newentry.FrontMatter{Title: title, Date: date.Format(time.RFC3339), Slug: slug, Draft: true}
	jobs, err := o.prepareAll(ctx, cfg, &fm, entries, audio, video)
	if err != nil {
		return err
	}

	body := content.PlaceholderReview
	if first != nil {
		body = content.PlaceholderShowNotes
	}
	data, err := newentry.Render(fm, body)
	if err != nil {
		return err
	}
	// What new writes must be what validate accepts: check it as content
	// does before touching anything.
	if _, eps := content.Parse(entryRel, data, content.NewMarkdown(), cfg.Content); eps.HasErrors() {
		ro.report(eps)
		return errReported
	}
	entryPath := cfg.Resolve(entryRel)
	if err := checkFree(cfg, jobs, entryPath); err != nil {
		return err
	}
	restore, err := o.enableFeeds(cfg, audio != nil, video != nil)
	if err != nil {
		return err
	}
	if err := o.write(ctx, cfg, jobs, entryRel, entryPath, data, restore); err != nil {
		return err
	}
	if o.Move {
		// Only now, with the entry written: a failure before leaves the
		// editor's files where they were.
		o.removeOriginals(jobs)
	}
	return o.announce(cfg, entryRel, entryPath, first != nil)
}

// prepareAll checks the entry's media files and plans their copies, filling
// in fm's media blocks; it reports the problems of all of them, and any
// error stops new before it writes anything.
func (o *newOptions) prepareAll(ctx context.Context, cfg *config.Config, fm *newentry.FrontMatter, entries []*content.Entry, ms ...*newMedia) ([]copyJob, error) {
	var ps diag.Problems
	var jobs []copyJob
	for _, m := range ms {
		if m == nil {
			continue
		}
		block, mjobs, mps := o.prepare(ctx, cfg, m, fm.Slug, entries)
		ps.Add(mps...)
		jobs = append(jobs, mjobs...)
		if m.video {
			fm.Video = block
		} else {
			fm.Audio = block
		}
	}
	o.root.report(ps)
	if ps.HasErrors() {
		return nil, errReported
	}
	return jobs, nil
}

// mediaArgs sorts the media files named on the command line (and --video)
// into the entry's one audio and one video file by their extension.
func (o *newOptions) mediaArgs(args []string) (audio, video *newMedia, err error) {
	for _, a := range args {
		m := &newMedia{src: a, video: strings.HasPrefix(probe.MIMEForExtension(filepath.Ext(a)), "video/")}
		slot := &audio
		if m.video {
			slot = &video
		}
		if *slot != nil {
			return nil, nil, usageError{fmt.Errorf("%s and %s: an entry has one audio and one video file", (*slot).src, a)}
		}
		*slot = m
	}
	if o.Video != "" {
		if video != nil {
			return nil, nil, usageError{fmt.Errorf("--video %s and %s: an entry has one video file", o.Video, video.src)}
		}
		video = &newMedia{src: o.Video, video: true}
	}
	return audio, video, nil
}

// checkFree refuses before anything is written when a destination exists
// (new never overwrites) or lies outside the site.
func checkFree(cfg *config.Config, jobs []copyJob, entryPath string) error {
	for _, p := range append(destinations(jobs), entryPath) {
		if _, err := os.Lstat(p); err == nil {
			return fmt.Errorf("%s already exists: new never overwrites; choose another --title or move the file away", relTo(cfg.Dir, p))
		}
		if err := insideSite(cfg.Dir, p); err != nil {
			return err
		}
	}
	return nil
}

// write copies the media and writes the entry, then checks the result;
// on failure it undoes all of it, so nothing is left half made.
func (o *newOptions) write(ctx context.Context, cfg *config.Config, jobs []copyJob, entryRel, entryPath string, data []byte, restore func()) error {
	done, err := o.transfer(jobs)
	if err == nil {
		err = writeNew(entryPath, data)
		if err == nil {
			done = append(done, entryPath)
			err = o.check(ctx, cfg, entryRel, jobs)
		}
	}
	if err != nil {
		// Nothing is left half made: the copies, the entry and the config
		// edit go; with --move the originals were not touched yet.
		for _, f := range done {
			_ = os.Remove(f)
		}
		restore()
		return err
	}
	return nil
}

// removeOriginals removes the editor's files after a --move; one that
// cannot be removed is a warning, as the copy is already in the site.
func (o *newOptions) removeOriginals(jobs []copyJob) {
	ro := o.root
	var left diag.Problems
	for _, j := range jobs {
		if err := os.Remove(j.src); err != nil && !errors.Is(err, fs.ErrNotExist) {
			left.Warnf("FP132", j.src, 0, "", "copied into the site, but not removed: %v", diag.BareError(err))
		}
	}
	ro.report(left)
}

// announce prints the new entry's path (or keeps it for the JSON summary)
// and what the editor does next.
func (o *newOptions) announce(cfg *config.Config, entryRel, entryPath string, media bool) error {
	ro := o.root
	shown := entryPath
	if !filepath.IsAbs(cfg.Content.Dir) {
		shown = filepath.Join(filepath.Dir(ro.Config), filepath.FromSlash(entryRel))
	}
	if ro.Format == "json" {
		o.wrote = shown // the document's summary
		return nil
	}
	// Printed even with --quiet: scripts open the new file.
	fmt.Fprintln(ro.env.Stdout, shown)
	fmt.Fprintf(ro.env.Stderr, "a draft: write the %s in place of the placeholder, then remove draft: true (feedpub serve --drafts previews it)\n", map[bool]string{true: "show notes", false: "review"}[media])
	return nil
}

// check runs validate's rules on the site with the new entry (a draft,
// so the build takes drafts in) and reports the problems of the entry and
// its files: what new writes, validate accepts.
func (o *newOptions) check(ctx context.Context, cfg *config.Config, entryRel string, jobs []copyJob) error {
	ours := map[string]bool{entryRel: true}
	for _, j := range jobs {
		if rel, err := filepath.Rel(cfg.Dir, j.dst); err == nil {
			ours[filepath.ToSlash(rel)] = true
		}
	}
	res, ps := site.Build(ctx, cfg, site.Options{ReadOnly: true, Drafts: true, Now: o.root.env.Now(), Generator: "feedpub " + version})
	defer res.Close()
	var mine diag.Problems
	for _, p := range ps {
		// The media's own warnings were reported as they were probed.
		if ours[p.File] && (p.Severity == diag.Error || !strings.HasPrefix(p.Rule, "FP3")) {
			mine = append(mine, p)
		}
	}
	o.root.report(mine)
	if mine.HasErrors() {
		return errReported
	}
	return nil
}

// enableFeeds turns on the podcast (audio) or video feed in feedpub.yaml
// when the first episode of its kind is written and the section is off:
// the starter config's commented section is uncommented, or else a minimal
// one is appended. The file is then read again; if it does not give the
// feed, it is put back and new refuses, with the lines to add. restore puts
// the file back as it was.
func (o *newOptions) enableFeeds(cfg *config.Config, audio, video bool) (restore func(), err error) {
	restore = func() {}
	var want []string
	if audio && !cfg.Podcast.Enabled {
		want = append(want, "podcast")
	}
	if video && !cfg.Video.Enabled {
		want = append(want, "video")
	}
	if len(want) == 0 {
		return restore, nil
	}
	file := filepath.Join(cfg.Dir, filepath.Base(cfg.File))
	orig, err := sitefs.ReadFile(cfg.Dir, file, sitefs.MaxConfig)
	if err != nil {
		return restore, err
	}
	text := string(orig)
	var added []string
	for _, sec := range want {
		var lines string
		text, lines = newentry.EnableSection(text, sec, "TV & Film > Film Reviews")
		added = append(added, lines)
	}
	refuse := fmt.Errorf("%s has no %s section, so the entry would be in no feed; add:\n%s", relTo(cfg.Dir, cfg.File), strings.Join(want, " or "), strings.Join(added, ""))
	info, err := os.Stat(file)
	if err != nil {
		return restore, err
	}
	if err := os.WriteFile(file, []byte(text), info.Mode().Perm()); err != nil {
		return restore, refuse
	}
	restore = func() { _ = os.WriteFile(file, orig, info.Mode().Perm()) }
	next, ps := config.Load(viper.New(), cfg.File)
	if (diag.Policy{Rehearsal: true}).Apply(ps).HasErrors() || (audio && !next.Podcast.Enabled) || (video && !next.Video.Enabled) {
		restore()
		return func() {}, refuse
	}
	*cfg = next
	for _, sec := range want {
		fmt.Fprintf(o.root.env.Stderr, "%s: turned the %s feed on (%s); check its settings\n", relTo(cfg.Dir, cfg.File), sec, map[string]string{"podcast": cfg.Podcast.Path, "video": cfg.Video.Path}[sec])
	}
	return restore, nil
}

// name gives the new entry its title and slug: --title, else the media
// file's name; the slug from the title (transliterated), else from the
// file's name, else (a title of emoji) from the date. A slug an entry has
// is refused for a title the editor chose, and made unique otherwise.
func (o *newOptions) name(first *newMedia, date time.Time, entries []*content.Entry) (title, slug string, err error) {
	title = strings.TrimSpace(o.Title)
	if title != "" {
		slug = newentry.Slug(title)
	}
	if first != nil {
		base := filepath.Base(first.src)
		stem := strings.TrimSuffix(base, filepath.Ext(base))
		if title == "" {
			title = strings.Join(strings.FieldsFunc(stem, func(r rune) bool { return r == '-' || r == '_' || r == ' ' }), " ")
			if !strings.ContainsFunc(title, func(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }) {
				return "", "", usageError{fmt.Errorf("%s: its name has no letter or digit to make a title of; pass --title", first.src)}
			}
		}
		if slug == "" {
			slug = newentry.Slug(stem)
		}
	}
	if title == "" {
		return "", "", usageError{errors.New("--title is required for an entry without media")}
	}
	taken := map[string]string{}
	for _, e := range entries {
		taken[e.Slug] = e.File
	}
	if slug != "" {
		if f, ok := taken[slug]; ok {
			return "", "", fmt.Errorf("%s already has the slug %q: choose another --title", f, slug)
		}
		return title, slug, nil
	}
	// Nothing in the title or the file's name spells a slug: the date does.
	slug = date.Format("2006-01-02")
	for i := 2; taken[slug] != ""; i++ {
		slug = fmt.Sprintf("%s-%d", date.Format("2006-01-02"), i)
	}
	return title, slug, nil
}

// notReferenced refuses media (and the chapters and transcripts beside
// it) that an entry of the site already uses: new makes an entry of new
// media, and --move would take the files from under that entry.
func notReferenced(cfg *config.Config, entries []*content.Entry, ms ...*newMedia) error {
	type use struct{ entry, field string }
	var used []use
	var infos []os.FileInfo
	add := func(e *content.Entry, field, key string) {
		if key == "" {
			return
		}
		if fi, err := os.Stat(cfg.Resolve(filepath.FromSlash(key))); err == nil {
			used, infos = append(used, use{e.File, field}), append(infos, fi)
		}
	}
	for _, e := range entries {
		for _, m := range []struct {
			name string
			m    *content.Media
		}{{"audio", e.Audio}, {"video", e.Video}} {
			if m.m == nil {
				continue
			}
			add(e, m.name+".file", m.m.File)
			add(e, m.name+".chapters", m.m.Chapters)
			for i, t := range m.m.Transcripts {
				add(e, fmt.Sprintf("%s.transcripts[%d]", m.name, i), t.File)
			}
		}
	}
	for _, m := range ms {
		if m == nil {
			continue
		}
		srcs := []string{m.src}
		if sibs, err := newentry.Siblings(m.src); err == nil {
			for _, s := range sibs {
				srcs = append(srcs, s.Path)
			}
		}
		for _, src := range srcs {
			fi, err := os.Stat(src)
			if err != nil {
				continue
			}
			for i, o := range infos {
				if os.SameFile(fi, o) {
					return fmt.Errorf("%s is the %s of %s: new makes an entry of new media, and never copies or moves a file another entry uses", src, used[i].field, used[i].entry)
				}
			}
		}
	}
	return nil
}

// insideSite refuses a destination whose folder, once links are resolved,
// lies outside the site folder (media/ made a link to elsewhere): new
// writes only inside the site.
func insideSite(site, p string) error {
	real, err := filepath.EvalSymlinks(site)
	if err != nil {
		return err
	}
	for dir := filepath.Dir(p); ; dir = filepath.Dir(dir) {
		r, err := filepath.EvalSymlinks(dir)
		if err == nil {
			if !sitefs.Within(real, r) {
				return fmt.Errorf("%s: its folder leads outside the site folder (a symlink to %s); new writes only inside the site", relTo(site, p), r)
			}
			return nil
		}
		if !errors.Is(err, fs.ErrNotExist) || filepath.Dir(dir) == dir {
			return err
		}
	}
}

// prepare checks one media file and its siblings with the media package
// (validate's checks and messages) and plans their copies.
func (o *newOptions) prepare(ctx context.Context, cfg *config.Config, m *newMedia, slug string, entries []*content.Entry) (*newentry.Media, []copyJob, diag.Problems) {
	kind, name := media.KindAudio, "audio"
	if m.video {
		kind, name = media.KindVideo, "video"
	}
	dir, base := filepath.Dir(m.src), filepath.Base(m.src)
	ext := strings.ToLower(filepath.Ext(base))
	block := &newentry.Media{File: "media/" + slug + ext}
	var jobs []copyJob
	plan := func(src, key string) {
		// A file already in place (new run on media/SLUG.mp3) stays.
		dst := cfg.Resolve(key)
		if a, err := os.Stat(src); err == nil {
			if b, err := os.Stat(dst); err == nil && os.SameFile(a, b) {
				return
			}
		}
		jobs = append(jobs, copyJob{src, dst})
	}
	plan(m.src, block.File)
	sibs, err := newentry.Siblings(m.src)
	var ps diag.Problems
	if err != nil {
		ps.Errorf("FP301", m.src, 0, "", "%v", diag.BareError(err))
		return block, nil, ps
	}
	reqs := []media.Request{{Key: base, Kind: kind}}
	for _, s := range sibs {
		k := media.KindTranscript
		if s.Chapters {
			k = media.KindChapters
		}
		reqs = append(reqs, media.Request{Key: filepath.Base(s.Path), Kind: k})
	}
	assets, ps := media.ProbeAll(ctx, dir, reqs, media.Options{})
	var dur time.Duration
	if a := assets[base]; a != nil {
		dur = a.Info.Duration
	}
	for _, s := range sibs {
		if a := assets[filepath.Base(s.Path)]; a != nil {
			ps.Add(media.CheckTimed(a, diag.Problem{}, dur)...)
		}
		key := "media/" + slug + s.Suffix
		plan(s.Path, key)
		if s.Chapters {
			block.Chapters = key
			continue
		}
		lang := s.Language
		if lang == "" {
			lang = strings.ToLower(cfg.Site.Language)
		}
		block.Transcripts = append(block.Transcripts, newentry.Transcript{File: key, Language: lang})
	}
	block.Season, block.Episode = newentry.Next(entries, m.video, o.Season)
	for _, s := range sibs {
		o.root.debugf("%s %s: %s", name, base, filepath.Base(s.Path))
	}
	return block, jobs, ps
}

func destinations(jobs []copyJob) []string {
	var out []string
	seen := map[string]bool{}
	for _, j := range jobs {
		if !seen[j.dst] {
			out = append(out, j.dst)
			seen[j.dst] = true
		}
	}
	return out
}

// transfer puts each file into the site and returns the files it
// created, to remove them if a later step fails. With --move it links the
// file where it can (instant for a large video, and like O_EXCL it never
// replaces a file); the caller removes the originals at the end.
func (o *newOptions) transfer(jobs []copyJob) ([]string, error) {
	var done []string
	seen := map[string]bool{}
	for _, j := range jobs {
		if seen[j.dst] {
			continue // a sibling shared by the audio and the video
		}
		seen[j.dst] = true
		if err := os.MkdirAll(filepath.Dir(j.dst), 0o755); err != nil {
			return done, err
		}
		err := errors.ErrUnsupported
		if o.Move {
			err = os.Link(j.src, j.dst)
		}
		if err != nil && !errors.Is(err, fs.ErrExist) {
			err = copyExcl(j.src, j.dst)
		}
		if err != nil {
			return done, fmt.Errorf("%s: %w", j.dst, diag.BareError(err))
		}
		done = append(done, j.dst)
	}
	return done, nil
}

// copyExcl copies src to dst, which must not exist: O_EXCL makes "never
// overwrite" hold even against a file created since the check.
func copyExcl(src, dst string) error {
	in, err := os.Open(src)
	if err != nil {
		return diag.BareError(err)
	}
	defer in.Close()
	out, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		os.Remove(dst)
		return fmt.Errorf("copy %s to %s: %w", src, dst, err)
	}
	return out.Close()
}

func writeNew(p string, data []byte) error {
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		return err
	}
	f, err := os.OpenFile(p, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return diag.BareError(err)
	}
	if _, err := f.Write(data); err != nil {
		f.Close()
		os.Remove(p)
		return err
	}
	return f.Close()
}
