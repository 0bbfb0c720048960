package feedcheck

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/url"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/feedpub/feedpub/feeds/internal/spec"
)

var rssAuthorRE = regexp.MustCompile(`^[^\s@()]+@[^\s@()]+\.[^\s@()]+( \(.+\))?$`)

// CheckRSS checks an RSS 2.0 feed (the review feed): channel title, link and
// description, atom:link rel="self", item guid (unique), title, RFC 2822
// dates, author as "email (Name)", non-empty categories and enclosure
// attributes. It returns every problem found.
func CheckRSS(data []byte) []error { return CheckRSSFrom(bytes.NewReader(data)) }

// CheckRSSFrom is CheckRSS reading the feed from rd, an item at a time.
func CheckRSSFrom(rd io.Reader) []error {
	r := report{family: "rss"}
	items := &rssItems{r: &report{family: "rss"}, seen: map[string]bool{}}
	root := r.rssRoot(rd, items.check)
	if root == nil {
		return append(r.errs, items.r.errs...)
	}
	ch := root.first("", "channel")
	if ch == nil {
		r.add("rss", "channel", "no <channel>")
		return r.errs
	}
	const w = "channel"
	for _, name := range []string{"title", "link", "description"} {
		r.required(w, ch, "", name, "channel."+name)
	}
	if l := ch.first("", "link"); l != nil && !isHTTP(l.text) {
		r.add(w, "channel.link", "want an absolute http(s) URL, got %q", l.text)
	}
	if d := ch.first("", "lastBuildDate"); d != nil && !isRFC2822(d.text) {
		r.add(w, "channel.lastBuildDate", "want an RFC 2822 date, got %q", d.text)
	}
	r.selfLink(w, ch, "application/rss+xml")
	return append(r.errs, items.r.errs...)
}

// rssItems checks an RSS feed's items one at a time.
type rssItems struct {
	r    *report
	n    int
	seen map[string]bool
}

// check checks one <item> of rss>channel and returns true (it is done
// with); any other element is left in the tree.
func (ri *rssItems) check(path []*node, it *node) bool {
	if len(path) != 2 || !path[1].is("", "channel") || !it.is("", "item") {
		return false
	}
	r, seen, i := ri.r, ri.seen, ri.n
	ri.n++
	defer func() { r.item = "" }()
	guid := textOf(it.first("", "guid"))
	r.item, r.at = guid, &node{line: it.line, col: it.col}
	defer func() { r.at = nil }()
	iw := itemWhere("item", i, guid, textOf(it.first("", "title")))
	if strings.TrimSpace(textOf(it.first("", "title"))) == "" && strings.TrimSpace(textOf(it.first("", "description"))) == "" {
		r.add(iw, "item.title", "an item needs a title or a description")
	}
	if guid == "" {
		r.add(iw, "item.guid", "required")
	} else if seen[guid] {
		r.add(iw, "item.guid.unique", "guid %q repeats", guid)
	}
	seen[guid] = true
	if p := it.first("", "pubDate"); p != nil && !isRFC2822(p.text) {
		r.add(iw, "item.pubDate", "want an RFC 2822 date, got %q", p.text)
	}
	if a := it.first("", "author"); a != nil && !rssAuthorRE.MatchString(a.text) {
		r.add(iw, "item.author", "want \"email (Name)\", got %q", a.text)
	}
	for _, c := range it.all("", "category") {
		if strings.TrimSpace(c.text) == "" {
			r.add(iw, "item.category", "empty category")
		}
	}
	if l := it.first("", "link"); l != nil && !isHTTP(l.text) {
		r.add(iw, "item.link", "want an absolute http(s) URL, got %q", l.text)
	}
	encs := it.all("", "enclosure")
	if len(encs) > 1 {
		r.add(iw, "item.enclosure", "%d enclosures; RSS allows one", len(encs))
	}
	for _, e := range encs {
		r.enclosure(iw, e, false)
	}
	r.mediaRSS(iw, "item", it)
	return true
}

const nsAtomFeed = spec.NSAtom

// CheckAtom checks an Atom 1.0 feed (RFC 4287): feed and entry id (IRIs,
// unique), title, updated (RFC 3339), rel="self" link, an author for every
// entry, category term, enclosure length and type, and content or an
// alternate link on every entry. It returns every problem found.
func CheckAtom(data []byte) []error { return CheckAtomFrom(bytes.NewReader(data)) }

// CheckAtomFrom is CheckAtom reading the feed from rd, an entry at a time.
func CheckAtomFrom(rd io.Reader) []error {
	r := report{family: "atom"}
	entries := &atomEntries{r: &report{family: "atom"}, seen: map[string]bool{}}
	u := &utf8Reader{r: rd}
	root, err := parseXML(u, entries.check)
	if u.bad {
		r.add("document", "utf8", "not valid UTF-8")
	}
	if err != nil {
		r.add("document", "xml", "not well-formed XML: %v", err)
		return append(r.errs, entries.r.errs...)
	}
	if root.name.Space != nsAtomFeed || root.name.Local != "feed" {
		r.add("document", "atom", "root is {%s}%s, want the Atom feed element", root.name.Space, root.name.Local)
		return append(r.errs, entries.r.errs...)
	}
	const w = "feed"
	atomID(&r, w, "feed.id", root)
	r.required(w, root, nsAtomFeed, "title", "feed.title")
	atomDate(&r, w, "feed.updated", root.first(nsAtomFeed, "updated"), true)
	self := false
	for _, l := range root.all(nsAtomFeed, "link") {
		if l.attrOr("rel") == "self" && isHTTP(l.attrOr("href")) {
			self = true
		}
	}
	if !self {
		r.add(w, "feed.link.self", "want link rel=\"self\" with the feed's URL")
	}
	// The feed's author may follow its entries, so entries without one of
	// their own are checked at the end.
	if !hasAtomAuthor(root) {
		for _, u := range entries.unsigned {
			entries.r.item = u.id
			entries.r.add(u.where, "entry.author", "an entry needs author/name when the feed has none")
		}
		entries.r.item = ""
	}
	return append(r.errs, entries.r.errs...)
}

// atomEntries checks an Atom feed's entries one at a time.
type atomEntries struct {
	r        *report
	n        int
	seen     map[string]bool
	unsigned []unsigned // entries without an author of their own
}

type unsigned struct{ where, id string }

// check checks one <entry> of the feed and returns true (it is done
// with); any other element is left in the tree.
func (ae *atomEntries) check(path []*node, e *node) bool {
	if len(path) != 1 || !path[0].is(nsAtomFeed, "feed") || !e.is(nsAtomFeed, "entry") {
		return false
	}
	r, seen, i := ae.r, ae.seen, ae.n
	ae.n++
	defer func() { r.item = "" }()
	id := textOf(e.first(nsAtomFeed, "id"))
	r.item, r.at = id, &node{line: e.line, col: e.col}
	defer func() { r.at = nil }()
	ew := itemWhere("entry", i, id, textOf(e.first(nsAtomFeed, "title")))
	atomID(r, ew, "entry.id", e)
	if seen[id] && id != "" {
		r.add(ew, "entry.id.unique", "id %q repeats", id)
	}
	seen[id] = true
	r.required(ew, e, nsAtomFeed, "title", "entry.title")
	atomDate(r, ew, "entry.updated", e.first(nsAtomFeed, "updated"), true)
	atomDate(r, ew, "entry.published", e.first(nsAtomFeed, "published"), false)
	if !hasAtomAuthor(e) {
		ae.unsigned = append(ae.unsigned, unsigned{ew, id})
	}
	alternate := false
	for _, l := range e.all(nsAtomFeed, "link") {
		switch l.attrOr("rel") {
		case "", "alternate":
			alternate = true
		case "enclosure":
			if !positive(l.attrOr("length")) || l.attrOr("type") == "" || !isHTTP(l.attrOr("href")) {
				r.add(ew, "entry.link.enclosure", "enclosure link needs href, length and type")
			}
		}
	}
	r.mediaRSS(ew, "entry", e)
	if !alternate && e.first(nsAtomFeed, "content") == nil {
		r.add(ew, "entry.content", "an entry needs content or an alternate link")
	}
	for _, c := range e.all(nsAtomFeed, "category") {
		if strings.TrimSpace(c.attrOr("term")) == "" {
			r.add(ew, "entry.category", "category needs a term")
		}
	}
	if c := e.first(nsAtomFeed, "content"); c != nil {
		switch t := c.attrOr("type"); t {
		case "", "text", "html", "xhtml":
		default:
			if !strings.Contains(t, "/") {
				r.add(ew, "entry.content", "content type %q", t)
			}
		}
	}
	return true
}

func hasAtomAuthor(n *node) bool {
	for _, a := range n.all(nsAtomFeed, "author") {
		if strings.TrimSpace(textOf(a.first(nsAtomFeed, "name"))) != "" {
			return true
		}
	}
	return false
}

func atomID(r *report, where, rule string, n *node) {
	id := textOf(n.first(nsAtomFeed, "id"))
	u, err := url.Parse(id)
	if id == "" || err != nil || u.Scheme == "" || !trimmed(id) {
		r.add(where, rule, "want a permanent IRI such as a tag: URI, got %q", id)
	}
}

func atomDate(r *report, where, rule string, n *node, required bool) {
	if n == nil {
		if required {
			r.add(where, rule, "required")
		}
		return
	}
	if _, err := time.Parse(time.RFC3339, n.text); err != nil {
		r.add(where, rule, "want an RFC 3339 date, got %q", n.text)
	}
}

// CheckJSONFeed checks a JSON Feed 1.1 document: version, title,
// home_page_url and feed_url, and for every item a unique string id,
// content_html or content_text, RFC 3339 dates, string tags, named authors
// and attachments with url, mime_type and positive size_in_bytes. It returns
// every problem found.
func CheckJSONFeed(data []byte) []error {
	r := report{family: "json"}
	if !utf8.Valid(data) {
		r.add("document", "utf8", "not valid UTF-8")
	}
	d := json.NewDecoder(bytes.NewReader(data))
	d.UseNumber()
	var feed map[string]any
	if err := d.Decode(&feed); err != nil {
		r.add("document", "json", "not a JSON object: %v", err)
		return r.errs
	}
	const w = "feed"
	if v, _ := feed["version"].(string); v != "https://jsonfeed.org/version/1.1" {
		r.add(w, "feed.version", "version %q, want https://jsonfeed.org/version/1.1", v)
	}
	if t, _ := feed["title"].(string); strings.TrimSpace(t) == "" {
		r.add(w, "feed.title", "required")
	}
	for _, k := range []string{"home_page_url", "feed_url"} {
		if u, _ := feed[k].(string); !isHTTP(u) {
			r.add(w, "feed."+k, "want an absolute http(s) URL, got %v", feed[k])
		}
	}
	jsonAuthors(&r, w, "feed.authors", feed["authors"])
	items, ok := feed["items"].([]any)
	if !ok {
		r.add(w, "feed.items", "items must be an array")
		return r.errs
	}
	seen := map[string]bool{}
	for i, raw := range items {
		it, ok := raw.(map[string]any)
		if !ok {
			r.add(itemWhere("item", i, "", ""), "item", "not an object")
			continue
		}
		id, isString := it["id"].(string)
		r.item = id
		title, _ := it["title"].(string)
		iw := itemWhere("item", i, id, title)
		if !isString || id == "" {
			r.add(iw, "item.id", "want a non-empty string id, got %v", it["id"])
		} else if seen[id] {
			r.add(iw, "item.id.unique", "id %q repeats", id)
		}
		seen[id] = true
		h, _ := it["content_html"].(string)
		t, _ := it["content_text"].(string)
		if h == "" && t == "" {
			r.add(iw, "item.content", "want content_html or content_text")
		}
		if u, ok := it["url"]; ok {
			if s, _ := u.(string); !isHTTP(s) {
				r.add(iw, "item.url", "want an absolute http(s) URL, got %v", u)
			}
		}
		for _, k := range []string{"date_published", "date_modified"} {
			if v, ok := it[k]; ok {
				s, _ := v.(string)
				if _, err := time.Parse(time.RFC3339, s); err != nil {
					r.add(iw, "item."+k, "want an RFC 3339 date, got %v", v)
				}
			}
		}
		jsonTags(&r, iw, it)
		jsonAuthors(&r, iw, "item.authors", it["authors"])
		jsonAttachments(&r, iw, it)
	}
	return r.errs
}

// jsonTags checks an item's tags, if any: an array of non-empty strings.
func jsonTags(r *report, iw string, it map[string]any) {
	if tags, ok := it["tags"]; ok {
		arr, ok := tags.([]any)
		for _, tag := range arr {
			if s, isStr := tag.(string); !isStr || s == "" {
				ok = false
			}
		}
		if !ok {
			r.add(iw, "item.tags", "want an array of non-empty strings")
		}
	}
}

// jsonAttachments checks an item's attachments, if any: each with an
// http(s) URL, a MIME type and, when given, a positive size and a duration
// of 0 or more.
func jsonAttachments(r *report, iw string, it map[string]any) {
	if atts, ok := it["attachments"]; ok {
		arr, isArr := atts.([]any)
		if !isArr {
			r.add(iw, "item.attachments", "want an array")
		}
		for j, a := range arr {
			am, _ := a.(map[string]any)
			aw := fmt.Sprintf("%s attachment %d", iw, j+1)
			if u, _ := am["url"].(string); !isHTTP(u) {
				r.add(aw, "item.attachments.url", "want an absolute http(s) URL")
			}
			if m, _ := am["mime_type"].(string); !strings.Contains(m, "/") {
				r.add(aw, "item.attachments.mime_type", "want a MIME type, got %v", am["mime_type"])
			}
			if v, ok := am["size_in_bytes"]; ok {
				if n, isNum := v.(json.Number); !isNum || !positive(n.String()) {
					r.add(aw, "item.attachments.size_in_bytes", "want a positive integer, got %v", v)
				}
			}
			if v, ok := am["duration_in_seconds"]; ok {
				n, isNum := v.(json.Number)
				if f, err := n.Float64(); !isNum || err != nil || f < 0 {
					r.add(aw, "item.attachments.duration_in_seconds", "want a number >= 0, got %v", v)
				}
			}
		}
	}
}

func jsonAuthors(r *report, where, rule string, v any) {
	if v == nil {
		return
	}
	arr, ok := v.([]any)
	if !ok {
		r.add(where, rule, "want an array of authors")
		return
	}
	for _, a := range arr {
		m, _ := a.(map[string]any)
		if n, _ := m["name"].(string); n == "" {
			r.add(where, rule, "author without a name")
		}
	}
}

// CheckJSONFeedFrom is CheckJSONFeed reading the feed from rd. A JSON Feed
// is read whole: the review feeds it is written for are short.
func CheckJSONFeedFrom(rd io.Reader) []error {
	data, err := io.ReadAll(rd)
	if err != nil {
		r := report{family: "json"}
		r.add("document", "json", "cannot read: %v", err)
		return r.errs
	}
	return CheckJSONFeed(data)
}
