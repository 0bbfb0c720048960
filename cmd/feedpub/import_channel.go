package main

import (
	"context"
	"fmt"
	"net/http"
	"path/filepath"
	"time"

	"github.com/feedpub/feedpub/config/diag"
	"github.com/feedpub/feedpub/config/safehttp"
	"github.com/feedpub/feedpub/config/sitefs"
	"github.com/feedpub/feedpub/feeds/content"
	"github.com/feedpub/feedpub/feeds/videolink"
)

// videoChannelOptions are import --video-channel's inputs.
type videoChannelOptions struct {
	root  *rootOptions
	URL   string // the channel's feed
	Write bool   // add the lines to the entries
	// Client fetches the feed; nil means a safehttp client.
	Client *http.Client
}

// maxChannelFeed bounds the channel feed read: YouTube's lists the latest
// 15 videos in some 30 KB.
const maxChannelFeed = 10 << 20

// runVideoChannel reads the channel's feed, matches each video to a
// review (film title, date) and prints, per video, the review and the
// front matter line that links it; with Write it adds the lines.
func runVideoChannel(ctx context.Context, o *videoChannelOptions) error {
	ro := o.root
	u, err := safehttp.CheckURL(o.URL)
	if err != nil {
		return usageError{err}
	}
	cfg, err := ro.loadConfig()
	if err != nil {
		return err
	}
	data, err := fetchChannel(ctx, o.Client, u.String())
	if err != nil {
		return fmt.Errorf("%s: %w", safehttp.Redact(u), err)
	}
	videos, skipped, err := videolink.ParseChannel(data)
	if err != nil {
		return fmt.Errorf("%s: %w", safehttp.Redact(u), err)
	}
	for _, s := range skipped {
		ro.infof("skipped %s", s)
	}
	entries, ps := content.Load(cfg.Dir, cfg.Content, nil)
	ro.report(ps)
	reviews := make([]videolink.Review, 0, len(entries))
	for _, e := range entries {
		r := videolink.Review{File: e.File, Title: e.Title, Date: e.Date, HasFile: e.Video != nil}
		if e.Film != nil {
			r.Film = e.Film.Title
		}
		if e.VideoLink != nil {
			r.Video = e.VideoLink.URL
		}
		reviews = append(reviews, r)
	}
	out := ro.env.Stdout
	added := 0
	var failed diag.Problems
	for _, m := range videolink.MatchChannel(videos, reviews) {
		fmt.Fprintf(out, "%s %q (%s)\n", m.Video.Link.Page, m.Video.Title, m.Video.Published.Format("2006-01-02"))
		switch m.Status {
		case "none":
			fmt.Fprintf(out, "  no review: %s\n", m.Why)
			continue
		case "linked":
			fmt.Fprintf(out, "  %s: already links it\n", m.Review.File)
			continue
		case "taken":
			fmt.Fprintf(out, "  %s (%s): has another video; to link this one instead: %s\n", m.Review.File, m.Why, m.Line())
			continue
		}
		fmt.Fprintf(out, "  %s (%s): %s\n", m.Review.File, m.Why, m.Line())
		if !o.Write {
			continue
		}
		if err := addVideoLine(cfg.Dir, m.Review.File, m.Line()); err != nil {
			failed.Errorf("FP206", m.Review.File, 0, "video", "cannot add %s: %v", m.Line(), err)
			continue
		}
		added++
	}
	if o.Write {
		ro.infof("%d entries linked to their video review", added)
	} else if len(videos) > 0 {
		ro.infof("nothing written: run again with --write to add these lines")
	}
	if len(failed) > 0 {
		ro.report(failed)
		return errReported
	}
	return nil
}

// fetchChannel reads the feed at url, bounded in size and time.
func fetchChannel(ctx context.Context, c *http.Client, url string) ([]byte, error) {
	if c == nil {
		c = safehttp.NewClient(safehttp.Options{Timeout: time.Minute, UserAgent: "feedpub/" + version})
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return nil, err
	}
	resp, err := c.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("the server answered %s", resp.Status)
	}
	return safehttp.ReadAll(resp.Body, maxChannelFeed)
}

// addVideoLine adds line to the front matter of the entry file rel (a
// slash path in the site folder dir), replacing the file atomically.
func addVideoLine(dir, rel, line string) error {
	data, err := sitefs.ReadFile(dir, rel, sitefs.MaxContent)
	if err != nil {
		return err
	}
	out, err := videolink.AddLine(data, line)
	if err != nil {
		return err
	}
	return sitefs.WriteFile(filepath.Join(dir, filepath.FromSlash(rel)), out)
}
