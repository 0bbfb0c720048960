package feedcheck

import (
	"bytes"
	"io"
	"math"
	"net/mail"
	"net/url"
	"path"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"

	"golang.org/x/net/html"

	"github.com/feedpub/feedpub/config"
	"github.com/feedpub/feedpub/config/mediatype"
	"github.com/feedpub/feedpub/feeds"
	"github.com/feedpub/feedpub/feeds/internal/spec"
)

// Namespaces a podcast feed must declare on <rss>, by prefix.
var podcastNamespaces = map[string]string{
	"itunes":  spec.NSiTunes,
	"podcast": spec.NSPodcast,
	"atom":    spec.NSAtom,
	"content": spec.NSContent,
}

const (
	nsITunes  = spec.NSiTunes
	nsPodcast = spec.NSPodcast
	nsAtom    = spec.NSAtom
)

var (
	uuidRE     = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$`)
	languageRE = regexp.MustCompile(`^[a-zA-Z]{2,3}(-[a-zA-Z0-9]{1,8})*$`)
	digitsRE   = regexp.MustCompile(`^[0-9]+$`)
	decimalRE  = regexp.MustCompile(`^[0-9]+(\.[0-9]+)?$`)
	// clockRE is the HH:MM:SS or MM:SS duration Apple also accepts.
	clockRE = regexp.MustCompile(`^([0-9]{1,3}:)?[0-5]?[0-9]:[0-5][0-9]$`)
)

// Podcast:medium values from the Podcasting 2.0 namespace.
var media = map[string]bool{
	"podcast": true, "music": true, "video": true, "film": true, "audiobook": true,
	"newsletter": true, "blog": true, "publisher": true, "course": true,
	"mixed": true, "podcastL": true, "musicL": true, "videoL": true, "filmL": true,
	"audiobookL": true, "newsletterL": true, "blogL": true, "publisherL": true, "courseL": true,
}

var transcriptTypes = map[string]bool{
	"text/vtt": true, "application/x-subrip": true, "application/srt": true,
	"text/html": true, "application/json": true, "text/plain": true,
}

// appleTags are the HTML tags Apple renders in a description.
var appleTags = map[string]bool{"p": true, "ol": true, "ul": true, "li": true, "a": true}

// CheckPodcast checks a podcast RSS feed against Apple's requirements, PSP-1's
// required elements and the Podcasting 2.0 tags feedpub writes, and returns
// every problem found (nil for none). See the Rule names in the source for
// the full list.
func CheckPodcast(data []byte) []error { return CheckPodcastFrom(bytes.NewReader(data), Known{}) }

// ItemFacts is what the rules that compare items (unique guids and titles,
// a serial show's numbering, the show's name in a title) need of an item.
type ItemFacts struct {
	GUID  string `json:"guid"`
	Title string `json:"title"` // itunes:title, else title
	// Numbered: has itunes:episode, or is a trailer or bonus, which a
	// serial show numbers no more than Apple's own sample feed does.
	Numbered bool `json:"numbered,omitempty"`
}

// Known describes items of a podcast feed that were left out of the
// document CheckPodcastFrom reads because they were checked before: the
// bytes of each are those of an item that, alone, broke no rule.
type Known struct {
	// Items are the facts of the items left out, by their position in the
	// whole feed (0 for the first item); the items read fill the other
	// positions in order.
	Items map[int]ItemFacts
	// Read, when set, is called with each item read: its position, its
	// facts, and whether it broke no rule of its own (rules comparing it
	// with other items aside), so the caller can remember it.
	Read func(i int, f ItemFacts, clean bool)
	// ModelChecked says the caller checked the rules a feed's model shows
	// (FP401 an empty feed, FP402-FP404 episode titles, FP405 http media)
	// on the model it rendered the feed from, where each finding is located
	// at the line that causes it (feeds.Lint, the config): a build. They
	// are not checked again on the bytes, so each runs once; feedpub check,
	// which has only the bytes, runs them here.
	ModelChecked bool
}

// CheckPodcastFrom is CheckPodcast reading the feed from rd, which may
// leave out items known to be good (see Known). Items are checked as they
// are read and then dropped, so a feed of any size is checked in the
// memory of its largest item.
func CheckPodcastFrom(rd io.Reader, known Known) []error {
	return checkPodcast(rd, known, false)
}

func checkPodcast(rd io.Reader, known Known, foreign bool) []error {
	r := report{family: "podcast", foreign: foreign}
	items := &podcastItems{r: &report{family: "podcast", foreign: foreign}, known: known}
	root := r.rssRoot(rd, items.check)
	if root == nil {
		return append(r.errs, items.r.errs...)
	}
	// In a fixed order, at the <rss> tag: the same feed, the same report.
	r.at = &node{line: root.line, col: root.col}
	for _, prefix := range []string{"atom", "content", "itunes", "podcast"} {
		want := podcastNamespaces[prefix]
		if got, ok := root.nsDecl(prefix); !ok || got != want {
			r.add("rss", "namespace", "xmlns:%s = %q, want %q", prefix, got, want)
		}
	}
	ch := root.first("", "channel")
	if ch == nil {
		r.add("rss", "channel", "no <channel>")
		return r.errs
	}
	r.at = ch
	const w = "channel"
	r.whitespace(w, ch)
	r.required(w, ch, "", "title", "channel.title")
	r.maxChars(w, ch, "", "title", MaxText)
	r.maxChars(w, ch, nsITunes, "title", MaxText)
	r.maxChars(w, ch, nsITunes, "author", MaxText)
	r.maxChars(w, ch, "", "copyright", MaxText)
	if d := ch.first("", "description"); d == nil || strings.TrimSpace(d.text) == "" {
		r.add(w, "channel.description", "required by Apple")
	} else if len(d.text) > 4000 {
		r.add(w, "channel.description.length", "%d bytes, Apple allows 4000", len(d.text))
	}
	r.image(w, ch)
	if l := ch.first("", "language"); l == nil || !languageRE.MatchString(l.text) {
		r.add(w, "channel.language", "want an ISO 639 language code such as en-gb")
	}
	r.categories(w, ch)
	r.explicit(w, ch, true)
	r.selfLink(w, ch, "application/rss+xml")
	if o := ch.first(nsITunes, "owner"); o == nil || !isEmail(textOf(o.first(nsITunes, "email"))) {
		r.add(w, "channel.itunes:owner", "want itunes:owner with an itunes:email address")
	} else {
		r.maxChars(w, o, nsITunes, "name", MaxText)
	}
	if g := ch.first(nsPodcast, "guid"); g == nil || !uuidRE.MatchString(g.text) {
		r.add(w, "channel.podcast:guid", "want a lowercase UUID, got %q", textOf(g))
	}
	if l := ch.first(nsPodcast, "locked"); l == nil || (l.text != "yes" && l.text != "no") {
		r.add(w, "channel.podcast:locked", "want yes or no, got %q", textOf(l))
	}
	if m := ch.first(nsPodcast, "medium"); m == nil || !media[m.text] {
		r.add(w, "channel.podcast:medium", "want a Podcasting 2.0 medium, got %q", textOf(m))
	}
	typ := textOf(ch.first(nsITunes, "type"))
	if t := ch.first(nsITunes, "type"); t != nil && typ != "episodic" && typ != "serial" {
		r.add(w, "channel.itunes:type", "want episodic or serial, got %q", typ)
	}
	for _, name := range []string{"block", "complete"} {
		if b := ch.first(nsITunes, name); b != nil && b.text != "Yes" {
			r.add(w, "channel.itunes:"+name, "only Yes means anything; leave it out instead of %q", b.text)
		}
	}
	for _, t := range ch.all(nsPodcast, "trailer") {
		if t.attrOr("url") == "" || !isRFC2822(t.attrOr("pubdate")) || strings.TrimSpace(t.text) == "" {
			r.add(w, "channel.podcast:trailer", "want url, an RFC 2822 pubdate and a title")
		}
	}

	if len(items.facts)+len(known.Items) == 0 && !known.ModelChecked {
		r.add(w, "channel.items", "no episodes: Apple Podcasts refuses an empty feed")
	}
	items.crossCheck(textOf(ch.first("", "title")), typ)
	return append(r.errs, items.r.errs...)
}

// categories checks the channel's itunes:category elements against
// Apple's list, with at most one subcategory each.
func (r *report) categories(w string, ch *node) {
	cats := ch.all(nsITunes, "category")
	if len(cats) == 0 {
		r.add(w, "channel.itunes:category", "required by Apple")
	}
	for _, c := range cats {
		cat := feeds.Category{Name: c.attrOr("text")}
		subs := c.all(nsITunes, "category")
		if len(subs) > 1 {
			r.add(w, "channel.itunes:category", "%q has %d subcategories; Apple reads one", cat.Name, len(subs))
		}
		if len(subs) > 0 {
			cat.Sub = subs[0].attrOr("text")
		}
		if err := feeds.ValidateCategory(cat); err != nil {
			r.add(w, "channel.itunes:category", "%v", err)
		}
	}
}

// crossCheck checks what compares items or depends on the channel (its
// title show, its type typ, which may come after the items) once all is
// read, in item order, the items left out included.
func (pi *podcastItems) crossCheck(show, typ string) {
	all := pi.facts
	for i, f := range pi.known.Items {
		all = append(all, laterItem{index: i, ItemFacts: f})
	}
	sort.Slice(all, func(a, b int) bool { return all[a].index < all[b].index })
	seen := map[string]bool{}
	titles := feeds.NewEpisodeTitles(show)
	for _, it := range all {
		where := itemWhere("item", it.index, it.GUID, it.Title)
		pi.r.item, pi.r.at = it.GUID, it.at
		if it.GUID != "" && seen[it.GUID] {
			pi.r.add(where, "item.guid.unique", "guid %q repeats", it.GUID)
		}
		seen[it.GUID] = true
		if !pi.known.ModelChecked {
			pi.r.episodeTitle(where, it.index, it.Title, show, titles)
		}
		if typ == "serial" && !it.Numbered {
			pi.r.add(where, "item.itunes:episode.serial", "a serial show needs itunes:episode on every item")
		}
	}
	pi.r.item, pi.r.at = "", nil
}

// podcastItems checks a podcast feed's items one at a time.
type podcastItems struct {
	r     *report
	known Known
	next  int         // the position of the next item read
	facts []laterItem // of the items read
}

// laterItem is an item's facts and position, for the rules that compare.
type laterItem struct {
	index int
	ItemFacts
	at *node // its place in the document (the <item> alone); nil when left out
}

// check checks one <item> of rss>channel and returns true (it is done
// with); any other element is left in the tree.
func (pi *podcastItems) check(path []*node, it *node) bool {
	if len(path) != 2 || !path[1].is("", "channel") || !it.is("", "item") {
		return false
	}
	r := pi.r
	for pi.known.Items != nil {
		if _, ok := pi.known.Items[pi.next]; !ok {
			break
		}
		pi.next++
	}
	i := pi.next
	pi.next++
	before := len(r.errs)
	// Kept for the rules that compare items: the place, not the subtree.
	at := &node{line: it.line, col: it.col}
	guid := textOf(it.first("", "guid"))
	r.item, r.at = guid, at
	defer func() { r.item, r.at = "", nil }()
	typ := textOf(it.first(nsITunes, "episodeType"))
	facts := ItemFacts{GUID: guid, Title: or(textOf(it.first(nsITunes, "title")), textOf(it.first("", "title"))),
		Numbered: it.first(nsITunes, "episode") != nil || typ == "trailer" || typ == "bonus"}
	iw := itemWhere("item", i, guid, facts.Title)
	r.whitespace(iw, it)
	pi.facts = append(pi.facts, laterItem{i, facts, at})
	if pi.known.Read != nil {
		defer func() { pi.known.Read(i, facts, len(r.errs) == before) }()
	}
	r.required(iw, it, "", "title", "item.title")
	r.maxChars(iw, it, "", "title", MaxText)
	r.maxChars(iw, it, nsITunes, "title", MaxText)
	r.maxChars(iw, it, nsITunes, "author", MaxText)
	if guid == "" {
		r.add(iw, "item.guid", "required: without it Apple keys episodes on the enclosure URL")
	}
	r.enclosure(iw, it.first("", "enclosure"), true)
	if e := it.first("", "enclosure"); e != nil && !pi.known.ModelChecked && config.PlainHTTP(e.attrOr("url")) {
		r.add(iw, "item.enclosure.https", "%s is http: Apple Podcasts and most apps want media over https", e.attrOr("url"))
	}
	if p := it.first("", "pubDate"); p == nil || !isRFC2822(p.text) {
		r.add(iw, "item.pubDate", "want an RFC 2822 date, got %q", textOf(p))
	}
	if d := it.first(nsITunes, "duration"); d != nil && !digitsRE.MatchString(d.text) && !(r.foreign && clockRE.MatchString(d.text)) {
		r.add(iw, "item.itunes:duration", "want whole seconds, got %q", d.text)
	}
	r.episodeNumbers(iw, it)
	if d := it.first("", "description"); d != nil {
		if n := utf8.RuneCountInString(d.text); n > 10000 {
			r.add(iw, "item.description.length", "%d characters, Apple allows 10,000", n)
		}
		if bad := disallowedHTML(d.text); bad != "" {
			r.add(iw, "item.description.html", "%s: Apple allows only <p> <ol> <ul> <li> <a href>", bad)
		}
	}
	r.explicit(iw, it, false)
	if img := it.first(nsITunes, "image"); img != nil && !isHTTP(img.attrOr("href")) {
		r.add(iw, "item.itunes:image", "want an absolute http(s) href")
	}
	for _, t := range it.all(nsPodcast, "transcript") {
		if !isHTTP(t.attrOr("url")) || !transcriptTypes[t.attrOr("type")] {
			r.add(iw, "item.podcast:transcript", "want a url and a transcript type, got %q", t.attrOr("type"))
		}
	}
	if c := it.first(nsPodcast, "chapters"); c != nil && (!isHTTP(c.attrOr("url")) || c.attrOr("type") != mediatype.Chapters) {
		r.add(iw, "item.podcast:chapters", "want a url and type %s", mediatype.Chapters)
	}
	r.alternates(iw, it)
	return true
}

// episodeNumbers checks an item's episode type and its iTunes and
// Podcasting 2.0 season and episode numbers.
func (r *report) episodeNumbers(iw string, it *node) {
	if t := it.first(nsITunes, "episodeType"); t != nil {
		switch t.text {
		case "full", "trailer", "bonus":
		default:
			r.add(iw, "item.itunes:episodeType", "want full, trailer or bonus, got %q", t.text)
		}
	}
	for _, name := range []string{"season", "episode"} {
		if n := it.first(nsITunes, name); n != nil && !positive(n.text) {
			r.add(iw, "item.itunes:"+name, "want a positive integer, got %q", n.text)
		}
	}
	if n := it.first(nsPodcast, "season"); n != nil && !positive(n.text) {
		r.add(iw, "item.podcast:season", "want a positive integer, got %q", n.text)
	}
	if n := it.first(nsPodcast, "episode"); n != nil && !decimalRE.MatchString(n.text) {
		r.add(iw, "item.podcast:episode", "want a decimal number, got %q", n.text)
	}
}

// alternates checks an item's podcast:alternateEnclosure elements: a type,
// sources with a uri, a valid length, and at most one default.
func (r *report) alternates(iw string, it *node) {
	defaults := 0
	for _, a := range it.all(nsPodcast, "alternateEnclosure") {
		srcs := a.all(nsPodcast, "source")
		if a.attrOr("type") == "" || len(srcs) == 0 {
			r.add(iw, "item.podcast:alternateEnclosure", "want a type and at least one podcast:source")
		}
		for _, s := range srcs {
			if s.attrOr("uri") == "" {
				r.add(iw, "item.podcast:alternateEnclosure", "podcast:source without uri")
			}
		}
		if l, ok := a.attr("length"); ok && !positive(l) {
			r.add(iw, "item.podcast:alternateEnclosure", "length %q: want a positive integer", l)
		}
		switch d, _ := a.attr("default"); d {
		case "true":
			defaults++
		case "", "false":
		default:
			r.add(iw, "item.podcast:alternateEnclosure", "default %q: want true or false", d)
		}
	}
	if defaults > 1 {
		r.add(iw, "item.podcast:alternateEnclosure", "%d alternates say default=\"true\"", defaults)
	}
}

// MaxText is Apple's limit, in characters, on titles, authors and names.
const MaxText = 255

// rssRoot parses the feed in rd, handing each element that ends to done
// (see parseXML), and checks what every RSS feed needs at the top.
func (r *report) rssRoot(rd io.Reader, done func(path []*node, n *node) bool) *node {
	u := &utf8Reader{r: rd}
	root, err := parseXML(u, done)
	if u.bad {
		r.add("document", "utf8", "not valid UTF-8")
	}
	if err != nil {
		r.add("document", "xml", "not well-formed XML: %v", err)
		return nil
	}
	if root.name.Local != "rss" || root.name.Space != "" {
		r.add("document", "rss", "root element is <%s>, want <rss>", root.name.Local)
		return nil
	}
	if v := root.attrOr("version"); v != "2.0" {
		r.add("rss", "rss.version", "version %q, want 2.0", v)
	}
	return root
}

// whitespace reports leading or trailing spaces in text values and attributes.
func (r *report) whitespace(where string, ch *node) {
	ch.walk(func(n *node) {
		if len(n.kids) == 0 && !trimmed(n.text) {
			r.add(where, "text.whitespace", "<%s> has leading or trailing white space", n.name.Local)
		}
		for _, a := range n.attrs {
			if a.Name.Space != "xmlns" && !trimmed(a.Value) {
				r.add(where, "text.whitespace", "<%s %s=%q> has leading or trailing white space", n.name.Local, a.Name.Local, a.Value)
			}
		}
	})
}

func (r *report) required(where string, n *node, space, local, rule string) {
	if c := n.first(space, local); c == nil || strings.TrimSpace(c.text) == "" {
		r.add(where, rule, "<%s> is required", local)
	}
}

func (r *report) maxChars(where string, n *node, space, local string, max int) {
	for _, c := range n.all(space, local) {
		if k := utf8.RuneCountInString(c.text); k > max {
			r.add(where, "text.length", "<%s> is %d characters, Apple allows %d", local, k, max)
		}
	}
}

func (r *report) image(where string, ch *node) {
	img := ch.first(nsITunes, "image")
	href := img.attrOr("href")
	if img == nil || !isHTTP(href) {
		r.add(where, "channel.itunes:image", "want itunes:image with an absolute http(s) href")
		return
	}
	u, _ := url.Parse(href)
	switch strings.ToLower(path.Ext(u.Path)) {
	case ".jpg", ".jpeg", ".png":
	default:
		r.add(where, "channel.itunes:image", "%q: Apple wants a .jpg or .png file", href)
	}
}

func (r *report) explicit(where string, n *node, required bool) {
	e := n.first(nsITunes, "explicit")
	if e == nil {
		if required {
			r.add(where, "channel.itunes:explicit", "required by Apple: true or false")
		}
		return
	}
	// yes, no and clean are Apple's old values, which it and the apps still
	// read: a feed made elsewhere may keep them; feedpub writes true/false.
	legacy := e.text == "yes" || e.text == "no" || e.text == "clean"
	if e.text != "true" && e.text != "false" && !(r.foreign && legacy) {
		rule := "item.itunes:explicit"
		if required {
			rule = "channel.itunes:explicit"
		}
		r.add(where, rule, "want true or false, got %q", e.text)
	}
}

func (r *report) selfLink(where string, ch *node, typ string) {
	for _, l := range ch.all(nsAtom, "link") {
		if l.attrOr("rel") == "self" {
			if l.attrOr("type") != typ || !isHTTP(l.attrOr("href")) {
				r.add(where, "channel.atom:link", "self link needs type %q and an absolute href", typ)
			}
			return
		}
	}
	r.add(where, "channel.atom:link", "want atom:link rel=\"self\" with the feed's URL")
}

// enclosure checks an RSS enclosure; strict applies Apple's extension and
// type list.
func (r *report) enclosure(where string, e *node, strict bool) {
	if e == nil {
		if strict {
			r.add(where, "item.enclosure", "required by Apple")
		}
		return
	}
	u := e.attrOr("url")
	if !isHTTP(u) {
		r.add(where, "item.enclosure.url", "want an absolute http(s) URL, got %q", u)
	}
	if n, err := strconv.ParseInt(e.attrOr("length"), 10, 64); err != nil || n <= 0 {
		r.add(where, "item.enclosure.length", "want the size in bytes, got %q", e.attrOr("length"))
	}
	typ := e.attrOr("type")
	if typ == "" {
		r.add(where, "item.enclosure.type", "type is required")
		return
	}
	if !strict {
		return
	}
	pu, _ := url.Parse(u)
	ext := ""
	if pu != nil {
		ext = strings.ToLower(path.Ext(pu.Path))
	}
	allowed := mediatype.Lookup(ext).Enclosure
	if allowed == nil {
		r.add(where, "item.enclosure.url", "extension %q: Apple accepts .mp3 .m4a .mp4 .m4v .mov .pdf", ext)
		return
	}
	for _, a := range allowed {
		if a == typ {
			return
		}
	}
	r.add(where, "item.enclosure.type", "type %q does not match %s (want %s)", typ, ext, strings.Join(allowed, " or "))
}

func textOf(n *node) string {
	if n == nil {
		return ""
	}
	return n.text
}

func isHTTP(s string) bool {
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != "" && trimmed(s)
}

func isEmail(s string) bool {
	a, err := mail.ParseAddress(s)
	return err == nil && a.Address == s
}

func isRFC2822(s string) bool {
	_, err := mail.ParseDate(s)
	return err == nil
}

func positive(s string) bool {
	n, err := strconv.ParseInt(s, 10, 64)
	return err == nil && n > 0 && n < math.MaxInt32 && digitsRE.MatchString(s)
}

// disallowedHTML returns the first tag or attribute Apple does not render in
// a description, or "".
func disallowedHTML(s string) string {
	z := html.NewTokenizer(strings.NewReader(s))
	for {
		switch z.Next() {
		case html.ErrorToken:
			return ""
		case html.StartTagToken, html.SelfClosingTagToken, html.EndTagToken:
			name, more := z.TagName()
			if !appleTags[string(name)] {
				return "<" + string(name) + ">"
			}
			for more {
				var k []byte
				k, _, more = z.TagAttr()
				if string(name) != "a" || string(k) != "href" {
					return "<" + string(name) + " " + string(k) + ">"
				}
			}
		}
	}
}

// episodeTitle reports what Apple's asks for episode titles
// (feeds.EpisodeTitles) find in the title of the item at index i.
func (r *report) episodeTitle(where string, i int, title, show string, titles *feeds.EpisodeTitles) {
	if title == "" {
		return
	}
	f := titles.Check(i, title)
	if f.RepeatsShow {
		r.add(where, "item.title.show", "%q repeats the show name %q", title, show)
	}
	if f.HasNumber {
		r.add(where, "item.title.number", "%q carries the episode number; put it in itunes:episode", title)
	}
	if f.Same >= 0 {
		r.add(where, "item.title.unique", "%q is also the title of item %d", title, f.Same+1)
	}
}

func or(vals ...string) string {
	for _, v := range vals {
		if strings.TrimSpace(v) != "" {
			return v
		}
	}
	return ""
}
