package config

import (
	"errors"
	"fmt"
	"io/fs"
	"math"
	"net/mail"
	"net/url"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/go-viper/mapstructure/v2"
	"github.com/spf13/viper"
	"go.yaml.in/yaml/v3"

	"github.com/feedpub/feedpub/config/diag"
	"github.com/feedpub/feedpub/config/safehttp"
	"github.com/feedpub/feedpub/config/schema"
	"github.com/feedpub/feedpub/config/sitefs"
)

// EnvPrefix is the prefix of environment overrides: site.title is
// FEEDPUB_SITE_TITLE, publish.s3.region is FEEDPUB_PUBLISH_S3_REGION.
const EnvPrefix = "FEEDPUB"

// Load reads the config file at path into v (a fresh viper instance owned by
// the caller), applies defaults and FEEDPUB_* environment overrides, and
// checks the result. It returns every problem found, not just the first.
// A key with a problem is left at its default and the rest of the file
// still applies, so the content and media checks can run on what is valid
// in the same run; Invalid says which keys were reported.
func Load(v *viper.Viper, path string) (Config, diag.Problems) {
	var ps diag.Problems
	cfg := Default()
	cfg.File = path
	abs, err := filepath.Abs(path)
	if err != nil {
		ps.Errorf("FP105", path, 0, "", "%v", err)
		return cfg, ps
	}
	cfg.Dir = filepath.Dir(abs)

	data, err := sitefs.ReadFile(cfg.Dir, abs, sitefs.MaxConfig)
	if errors.Is(err, fs.ErrNotExist) {
		ps.Errorf("FP105", path, 0, "", "no such config file (run `feedpub init` to start a site, or pass --config FILE)")
		return cfg, ps
	}
	if err != nil {
		ps.Errorf("FP105", path, 0, "", "%v", err)
		return cfg, ps
	}
	if !diag.CheckUTF8(&ps, "FP105", path, data) {
		return cfg, ps
	}

	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		line, msg := diag.YAMLError(err, data, 0)
		ps.Errorf("FP105", path, line, "", "%s", msg)
		return cfg, ps
	}
	lines := map[string]int{}
	present := map[string]bool{}
	bad := map[string]bool{}
	if len(doc.Content) > 0 {
		root := doc.Content[0]
		if root.Kind != yaml.MappingNode {
			ps.Errorf("FP105", path, root.Line, "", "want a mapping of sections (site:, podcast:, ...), got %s", kindName(root))
			return cfg, ps
		}
		sc := schema.Checker{File: path, Tag: "mapstructure", Weak: true, Lines: lines, Bad: bad,
			Rules: schema.Rules{Unknown: "FP101", Type: "FP102", Duplicate: "FP104", Structure: "FP105"}}
		sc.Check(root, reflect.TypeOf(Config{}), &ps)
		for i := 0; i+1 < len(root.Content); i += 2 {
			present[root.Content[i].Value] = true
		}
	}
	envs := envKeys(&ps)
	for key := range envs {
		sec, _, _ := strings.Cut(key, ".")
		present[sec] = true
	}
	v.SetEnvPrefix(EnvPrefix)
	v.SetEnvKeyReplacer(strings.NewReplacer(".", "_"))
	v.AutomaticEnv()
	// AutomaticEnv only consults keys viper knows, so every leaf key gets a
	// default; that is also what makes FEEDPUB_<SECTION>_<KEY> work for keys
	// absent from the file.
	for key, val := range leafDefaults(reflect.ValueOf(Default()), "") {
		v.SetDefault(key, val)
	}
	// One parse of the file: viper gets the node tree already checked, as a
	// map, not the text again (which could also have changed, or been
	// swapped for a FIFO, in between).
	values := map[string]any{}
	if len(doc.Content) > 0 {
		if err := doc.Content[0].Decode(&values); err != nil {
			ps.Errorf("FP105", path, 0, "", "%v", err)
			return cfg, ps
		}
	}
	// What the schema check reported is left at its default, so one bad
	// value does not hide the problems of the rest.
	for key := range bad {
		dropKey(values, key)
	}
	if err := v.MergeConfigMap(values); err != nil {
		ps.Errorf("FP105", path, 0, "", "%v", err)
		return cfg, ps
	}
	cfg.lines, cfg.env, cfg.invalid = lines, envs, bad
	if err := v.Unmarshal(&cfg, viper.DecodeHook(mapstructure.ComposeDecodeHookFunc(
		yesNo, mapstructure.StringToTimeDurationHookFunc(), mapstructure.StringToSliceHookFunc(",")))); err != nil {
		// mapstructure decodes every field it can and joins the errors.
		ps.Add(cfg.decodeProblems(err)...)
	}
	cfg.File = path
	cfg.Dir = filepath.Dir(abs)
	cfg.lines, cfg.env, cfg.invalid, cfg.parsed = lines, envs, bad, true
	cfg.Podcast.Enabled = present["podcast"]
	cfg.Video.Enabled = present["video"]
	cfg.Reviews.Enabled = present["reviews"]
	ps.Add(cfg.Validate()...)
	return cfg, ps
}

// toolVariables are FEEDPUB_* variables of feedpub's own tests and tools,
// not config keys; any other FEEDPUB_* variable must name a key, so a
// misspelt one is an error rather than silently ignored.
var toolVariables = []string{"FEEDPUB_TEST_", "FEEDPUB_BENCH_", "FEEDPUB_PYTHON", "FEEDPUB_VERSITYGW"}

// envKeys returns, for each key set in the environment, its variable, and
// reports every FEEDPUB_* variable that names no key.
func envKeys(ps *diag.Problems) map[string]string {
	byVar := map[string]string{}
	var names []string
	for key := range leafDefaults(reflect.ValueOf(Default()), "") {
		name := EnvVar(key)
		byVar[name] = key
		names = append(names, name)
	}
	out := map[string]string{}
	environ := os.Environ()
	sort.Strings(environ)
	for _, kv := range environ {
		name, val, _ := strings.Cut(kv, "=")
		if !strings.HasPrefix(name, EnvPrefix+"_") {
			continue
		}
		if key, ok := byVar[name]; ok {
			if val != "" { // viper ignores empty variables
				out[key] = name
			}
			continue
		}
		if slices.ContainsFunc(toolVariables, func(p string) bool { return strings.HasPrefix(name, p) }) {
			continue
		}
		msg := "unknown environment variable: it names no config key"
		if best := diag.Closest(name, names); best != "" {
			msg += fmt.Sprintf(" (did you mean %s?)", best)
		} else {
			msg += fmt.Sprintf(" (they are %s_<SECTION>_<KEY>, such as %s_PUBLISH_TARGET)", EnvPrefix, EnvPrefix)
		}
		ps.Errorf("FP106", "", 0, name, "%s", msg)
	}
	return out
}

// EnvVar returns the environment variable that overrides key:
// "publish.s3.region" is FEEDPUB_PUBLISH_S3_REGION.
func EnvVar(key string) string {
	return EnvPrefix + "_" + strings.ToUpper(strings.ReplaceAll(key, ".", "_"))
}

// Parsed reports whether the file could be read as YAML at all. When it
// could not, nothing in it (content.dir, the feeds) is known, so no later
// check can run; otherwise every key without a problem applies.
func (c *Config) Parsed() bool { return c.parsed }

// Valid reports whether no key had a problem.
func (c *Config) Valid() bool { return len(c.invalid) == 0 }

// Invalid reports whether a problem was reported for key (e.g.
// "site.base_url") or the mapping holding it: the checks that need its
// value skip, saying so once.
func (c *Config) Invalid(key string) bool {
	for key != "" {
		if c.invalid[key] {
			return true
		}
		i := strings.LastIndexAny(key, ".[")
		if i < 0 {
			break
		}
		key = key[:i]
	}
	return false
}

// dropKey removes the key at path ("site.title", "podcast.persons[0].name":
// the whole list) from a decoded YAML mapping.
func dropKey(m map[string]any, path string) {
	path, _, _ = strings.Cut(path, "[")
	parts := strings.Split(path, ".")
	for i, p := range parts {
		if i == len(parts)-1 {
			delete(m, p)
			return
		}
		next, ok := m[p].(map[string]any)
		if !ok {
			return
		}
		m = next
	}
}

// Line returns the line of key (e.g. "podcast.type") in the config file, or
// 0 when the key came from a default or the environment.
func (c *Config) Line(key string) int { return c.lines[key] }

// Resolve returns the absolute path of p, which is relative to the site
// folder unless absolute.
func (c *Config) Resolve(p string) string {
	if filepath.IsAbs(p) {
		return p
	}
	return filepath.Join(c.Dir, filepath.FromSlash(p))
}

// leafDefaults flattens a struct of defaults into viper keys.
func leafDefaults(v reflect.Value, prefix string) map[string]any {
	out := map[string]any{}
	t := v.Type()
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		tag := f.Tag.Get("mapstructure")
		if tag == "" || tag == "-" || !f.IsExported() {
			continue
		}
		fv := v.Field(i)
		if fv.Kind() == reflect.Struct {
			for k, x := range leafDefaults(fv, prefix+tag+".") {
				out[k] = x
			}
			continue
		}
		out[prefix+tag] = fv.Interface()
	}
	return out
}

func kindName(n *yaml.Node) string {
	switch n.Kind {
	case yaml.SequenceNode:
		return "a list"
	case yaml.MappingNode:
		return "a mapping"
	default:
		return fmt.Sprintf("%q", n.Value)
	}
}

var languageRE = regexp.MustCompile(`^[a-zA-Z]{2,3}(-[a-zA-Z0-9]{2,8})*$`)

// Validate checks the values and returns every problem. It also normalises
// base_url to end in "/".
func (c *Config) Validate() diag.Problems {
	var ps diag.Problems
	req := func(key, val string) {
		if strings.TrimSpace(val) == "" && !c.Invalid(key) { // a bad value is reported already
			c.errorf(&ps, "FP103", key, "required")
		}
	}
	req("site.title", c.Site.Title)
	req("site.description", c.Site.Description)
	req("site.link", c.Site.Link)
	req("site.base_url", c.Site.BaseURL)
	req("site.language", c.Site.Language)
	c.checkURL(&ps, "site.link", c.Site.Link)
	c.checkBaseURL(&ps)
	if c.Site.BaseURL != "" && !strings.HasSuffix(c.Site.BaseURL, "/") {
		c.Site.BaseURL += "/"
	}
	if c.Site.Language != "" && !languageRE.MatchString(c.Site.Language) {
		c.errorf(&ps, "FP109", "site.language", "%q is not a language tag; want ISO 639 such as en, en-gb, fr", c.Site.Language)
	}
	c.checkEmail(&ps, "site.email", c.Site.Email)
	if d := filepath.Clean(filepath.FromSlash(c.Content.Dir)); filepath.IsAbs(d) || d == ".." || strings.HasPrefix(d, ".."+string(filepath.Separator)) {
		c.errorf(&ps, "FP111", "content.dir", "%q: want a folder inside the site folder, such as reviews; feedpub reads only files inside it", c.Content.Dir)
	}
	if c.Content.MaxFileSize < 1 {
		c.errorf(&ps, "FP112", "content.max_file_size", "want a size in bytes, 1 or more, got %d", c.Content.MaxFileSize)
	}
	if d := c.Content.DurationMax; !(d > 0) || math.IsInf(d, 0) {
		c.errorf(&ps, "FP112", "content.duration_max", "want seconds, more than 0, got %v", d)
	}
	for _, s := range []struct {
		name string
		show *Show
	}{{"podcast", &c.Podcast}, {"video", &c.Video}} {
		if !s.show.Enabled {
			continue
		}
		c.checkShow(&ps, s.name, s.show)
	}
	// Every feed needs a file of its own; letter case counts, as on a
	// case-insensitive disk or bucket listing two such keys collide.
	first := map[string]string{}
	for _, o := range c.Outputs() {
		k := strings.ToLower(o.Key)
		if prev, ok := first[k]; ok && o.Key != "" {
			c.errorf(&ps, "FP115", o.Field, "%q is also %s; each feed needs a file of its own", o.Key, prev)
			continue
		}
		first[k] = o.Field
	}
	if c.Reviews.Enabled {
		c.checkReviews(&ps)
	}
	if c.Publish.Concurrency < 1 {
		c.errorf(&ps, "FP112", "publish.concurrency", "want 1 or more, got %d", c.Publish.Concurrency)
	}
	if c.Publish.MaxDeletes < 0 {
		c.errorf(&ps, "FP112", "publish.max_deletes", "want 0 or more, got %d", c.Publish.MaxDeletes)
	}
	if strings.TrimSpace(c.Publish.Target) == "" {
		c.errorf(&ps, "FP103", "publish.target", "required: a folder or s3://bucket/prefix")
	}
	if c.Publish.S3.Endpoint != "" {
		c.checkURL(&ps, "publish.s3.endpoint", c.Publish.S3.Endpoint)
	}
	c.checkAfterPublish(&ps)
	if d := c.Publish.S3.Timeout; d < 0 || d > 0 && d < time.Second {
		c.errorf(&ps, "FP112", "publish.s3.timeout", "want a duration of at least 1s, such as 60s, got %v", d)
	}
	if PlainHTTP(c.Site.BaseURL) && !c.Invalid("site.base_url") {
		// Checked once here rather than on every enclosure built on it.
		ps.Warnf("FP405", c.File, lineOf(c.lines, "site.base_url"), "site.base_url", "%q is http: Apple Podcasts and most apps want media over https", c.Site.BaseURL)
	}
	c.checkPlaceholders(&ps)
	diag.CheckIgnore(&ps, c.Ignore, c.File, "ignore", func(i int) int { return lineOf(c.lines, fmt.Sprintf("ignore[%d]", i)) })
	return ps
}

// checkShow checks the settings of an enabled podcast or video section,
// named name in the messages.
func (c *Config) checkShow(ps *diag.Problems, name string, sh *Show) {
	if sh.Type != "episodic" && sh.Type != "serial" {
		c.errorf(ps, "FP113", name+".type", "%q: want episodic or serial", sh.Type)
	}
	if sh.ItemDescription != "full" && sh.ItemDescription != "summary" {
		c.errorf(ps, "FP113", name+".item_description", "%q: want full or summary", sh.ItemDescription)
	}
	if sh.SizeBudget < 0 {
		c.errorf(ps, "FP112", name+".size_budget", "want a size in bytes, 0 for no budget, got %d", sh.SizeBudget)
	}
	if sh.Limit < 0 {
		c.errorf(ps, "FP112", name+".limit", "want 0 (all) or a positive number, got %d", sh.Limit)
	}
	c.checkKey(ps, name+".path", sh.Path)
	c.checkEmail(ps, name+".email", sh.Email)
	c.checkURL(ps, name+".new_feed_url", sh.NewFeedURL)
	for i, f := range sh.Funding {
		c.checkURL(ps, fmt.Sprintf("%s.funding[%d].url", name, i), f.URL)
	}
	for i, p := range sh.Persons {
		if strings.TrimSpace(p.Name) == "" {
			key := fmt.Sprintf("%s.persons[%d]", name, i)
			c.errorf(ps, "FP103", key+".name", "required")
		}
	}
	if sh.Locked && sh.Email == "" && c.Site.Email == "" {
		c.errorf(ps, "FP114", name+".locked", "podcast:locked needs an owner email: set site.email")
	}
}

// checkReviews checks the settings of the enabled reviews section.
func (c *Config) checkReviews(ps *diag.Problems) {
	c.checkKey(ps, "reviews.rss", c.Reviews.RSS)
	c.checkKey(ps, "reviews.atom", c.Reviews.Atom)
	c.checkKey(ps, "reviews.json", c.Reviews.JSON)
	if c.Reviews.Limit < 0 {
		c.errorf(ps, "FP112", "reviews.limit", "want 0 (all) or a positive number, got %d", c.Reviews.Limit)
	}
	if id := c.Reviews.AtomID; id != "" {
		if u, err := url.Parse(id); err != nil || u.Scheme == "" {
			c.errorf(ps, "FP117", "reviews.atom_id", "%q: want a permanent IRI such as tag:example.com,2026:reviews", id)
		}
	}
	if c.Reviews.Link != "" {
		c.checkURL(ps, "reviews.link", strings.ReplaceAll(c.Reviews.Link, "{slug}", "x"))
	}
}

// StarterDomain is the domain of the addresses feedpub init writes, so
// that a site published before they are replaced is refused (FP136).
const StarterDomain = "reviews.example"

// checkPlaceholders refuses init's placeholder addresses and warns of
// other domains reserved for examples (RFC 2606, RFC 6761): no listener
// can reach a feed or a file there.
func (c *Config) checkPlaceholders(ps *diag.Problems) {
	hostOf := func(key, val string) string {
		if key == "site.email" || strings.HasSuffix(key, ".email") {
			_, h, _ := strings.Cut(val, "@")
			return strings.ToLower(h)
		}
		u, err := url.Parse(strings.ReplaceAll(val, "{slug}", "x"))
		if err != nil {
			return ""
		}
		return strings.ToLower(u.Hostname())
	}
	for _, k := range []struct{ key, val string }{
		{"site.link", c.Site.Link}, {"site.base_url", c.Site.BaseURL}, {"site.email", c.Site.Email},
		{"reviews.link", c.Reviews.Link}, {"podcast.email", c.Podcast.Email}, {"video.email", c.Video.Email},
	} {
		h := hostOf(k.key, k.val)
		if h == "" || c.Invalid(k.key) {
			continue
		}
		switch {
		case h == StarterDomain || strings.HasSuffix(h, "."+StarterDomain):
			c.Errorf(ps, "FP136", k.key, "%q is feedpub init's placeholder: set your site's own address", k.val)
		case reservedDomain(h):
			c.Warnf(ps, "FP137", k.key, "%q is on %s, a domain reserved for examples: no listener can reach it", k.val, h)
		}
	}
}

// reservedDomain says whether h is under a name reserved for examples and
// tests, which is never served on the internet.
func reservedDomain(h string) bool {
	h = strings.TrimSuffix(h, ".")
	for _, tld := range []string{"example", "test", "invalid"} {
		if h == tld || strings.HasSuffix(h, "."+tld) {
			return true
		}
	}
	for _, d := range []string{"example.com", "example.net", "example.org"} {
		if h == d || strings.HasSuffix(h, "."+d) {
			return true
		}
	}
	return false
}

func (c *Config) checkURL(ps *diag.Problems, key, val string) {
	if val == "" {
		return
	}
	u, err := url.Parse(val)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		c.errorf(ps, "FP107", key, "%q is not an absolute http(s) URL", redact(val, u))
		return
	}
	if msg := safehttp.HostProblem(u); msg != "" {
		c.errorf(ps, "FP107", key, "%q has %s", redact(val, u), msg)
	}
}

// PlainHTTP reports whether u is an http: URL, which rule FP405 warns of
// wherever media URLs come from (the config, an imported feed, a feed
// feedpub check reads): Apple Podcasts and most apps want https.
func PlainHTTP(u string) bool {
	const http = "http://"
	return len(u) >= len(http) && strings.EqualFold(u[:len(http)], http)
}

// checkBaseURL holds base_url to what every media and feed URL can be built
// on by appending a key: an absolute http(s) URL of a folder, with nothing
// after its path and nothing that needs escaping.
func (c *Config) checkBaseURL(ps *diag.Problems) {
	val := c.Site.BaseURL
	if val == "" {
		return
	}
	u, err := url.Parse(val)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		c.errorf(ps, "FP108", "site.base_url", "%q is not an absolute http(s) URL", redact(val, u))
		return
	}
	var wrong []string
	if msg := safehttp.HostProblem(u); msg != "" {
		wrong = append(wrong, msg)
	}
	if strings.ContainsFunc(val, func(r rune) bool { return r <= ' ' || r == 0x7f }) {
		wrong = append(wrong, "a space or control character (write it as %20)")
	}
	if strings.ContainsAny(val, `"<>\^`+"`"+`{|}`) {
		wrong = append(wrong, `a character URLs must escape ("<>\^`+"`"+`{|})`)
	}
	if u.User != nil {
		wrong = append(wrong, "a user name or password (podcast apps would publish it)")
	}
	if u.RawQuery != "" || u.ForceQuery {
		wrong = append(wrong, "a query (?...)")
	}
	if u.Fragment != "" || strings.Contains(val, "#") {
		wrong = append(wrong, "a fragment (#...)")
	}
	if len(wrong) > 0 {
		c.errorf(ps, "FP108", "site.base_url", "%q has %s; want the folder the published tree is served from, such as https://media.example.com/podcast/", redact(val, u), strings.Join(wrong, ", "))
	}
}

// redact hides a password in a URL quoted back in a message.
func redact(val string, u *url.URL) string {
	if u != nil && u.User != nil {
		return u.Redacted()
	}
	return val
}

func (c *Config) checkEmail(ps *diag.Problems, key, val string) {
	if val == "" {
		return
	}
	if a, err := mail.ParseAddress(val); err != nil || a.Address != val {
		c.errorf(ps, "FP110", key, "%q is not an email address (want name@example.com)", val)
	}
}

// checkKey requires an output file name. Whether it is a valid key of the
// published tree is the store's rule, checked by the build (feeds/site)
// with every other key, so config needs nothing from the media packages.
func (c *Config) checkKey(ps *diag.Problems, key, val string) {
	if val == "" {
		c.errorf(ps, "FP103", key, "required: a file name such as podcast.xml")
	}
}

// Output is one feed file the config asks for.
type Output struct {
	Field string // e.g. "reviews.atom"
	Key   string // e.g. "reviews.atom"
}

// Outputs lists the feed files of the enabled feeds, in a fixed order.
func (c *Config) Outputs() []Output {
	var out []Output
	if c.Podcast.Enabled {
		out = append(out, Output{"podcast.path", c.Podcast.Path})
	}
	if c.Video.Enabled {
		out = append(out, Output{"video.path", c.Video.Path})
	}
	if c.Reviews.Enabled {
		for _, o := range []Output{{"reviews.rss", c.Reviews.RSS}, {"reviews.atom", c.Reviews.Atom}, {"reviews.json", c.Reviews.JSON}} {
			if o.Key != "" {
				out = append(out, o)
			}
		}
	}
	return out
}

// decodeProblems turns viper's decode error (every field that did not fit
// its type, joined) into one problem per field, located at the variable that
// set it or its line in the file.
func (c *Config) decodeProblems(err error) diag.Problems {
	var ps diag.Problems
	var walk func(error)
	walk = func(e error) {
		if de, ok := e.(*mapstructure.DecodeError); ok && de.Unwrap() != nil {
			msg := typeMessage(de.Unwrap())
			if isDuration(de.Name()) {
				// The hook's own words ("time: missing unit") name no fix.
				msg = fmt.Sprintf("want a duration such as 60s, 1m30s or 2h, got %q", os.Getenv(c.envOf(de.Name())))
			}
			c.errorf(&ps, "FP102", de.Name(), "%s", msg)
			return
		}
		if j, ok := e.(interface{ Unwrap() []error }); ok {
			for _, x := range j.Unwrap() {
				walk(x)
			}
			return
		}
		if u := errors.Unwrap(e); u != nil {
			walk(u)
			return
		}
		ps.Errorf("FP102", c.File, 0, "", "%s", strings.ReplaceAll(e.Error(), "\n", " "))
	}
	walk(err)
	return ps
}

// errorf reports a problem with key where its value came from: the
// FEEDPUB_* variable that set it, or its line in the file (or, for a key
// the file leaves out, its nearest parent's).
func (c *Config) errorf(ps *diag.Problems, rule, key, format string, args ...any) {
	if c.invalid == nil {
		c.invalid = map[string]bool{}
	}
	c.invalid[key] = true
	c.Errorf(ps, rule, key, format, args...)
}

// Ref locates key for a problem found later (by the build, the media
// checks): the FEEDPUB_* variable that set it, or else its line in the
// file (or its nearest parent's), so an error is never blamed on a line
// that did not set the value.
func (c *Config) Ref(key string) diag.Problem {
	if name := c.envOf(key); name != "" {
		return diag.Problem{Field: name}
	}
	return diag.Problem{File: c.File, Line: lineOf(c.lines, key), Field: key}
}

// Errorf reports an error with key where its value came from (see Ref).
func (c *Config) Errorf(ps *diag.Problems, rule, key, format string, args ...any) {
	c.report(ps, diag.Error, rule, key, format, args...)
}

// Warnf reports a warning with key where its value came from (see Ref).
func (c *Config) Warnf(ps *diag.Problems, rule, key, format string, args ...any) {
	c.report(ps, diag.Warning, rule, key, format, args...)
}

func (c *Config) report(ps *diag.Problems, sev diag.Severity, rule, key, format string, args ...any) {
	p := c.Ref(key)
	p.Severity, p.Rule, p.Msg = sev, rule, fmt.Sprintf(format, args...)
	if p.File == "" && p.Field != key {
		p.Msg += " (" + key + ")" // the variable is the field; say which key it set
	}
	ps.Add(p)
}

// envOf returns the variable that set key or the list or mapping holding it.
func (c *Config) envOf(key string) string {
	for key != "" {
		if name, ok := c.env[key]; ok {
			return name
		}
		i := strings.LastIndexAny(key, ".[")
		if i < 0 {
			break
		}
		key = key[:i]
	}
	return ""
}

// lineOf finds the line of key, or of its nearest parent in the file.
func lineOf(lines map[string]int, key string) int {
	for key != "" {
		if l, ok := lines[key]; ok {
			return l
		}
		i := strings.LastIndexAny(key, ".[")
		if i < 0 {
			break
		}
		key = key[:i]
	}
	return 0
}

// yesNo reads yes/no and on/off (any case) as booleans, as the front
// matter's YAML decoder does, so explicit: no means the same in
// feedpub.yaml, in an entry and in FEEDPUB_* variables.
func yesNo(from, to reflect.Type, data any) (any, error) {
	s, ok := data.(string)
	if !ok || to.Kind() != reflect.Bool {
		return data, nil
	}
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "yes", "y", "on":
		return true, nil
	case "no", "n", "off":
		return false, nil
	}
	return data, nil
}

// isDuration says whether the config key holds a time.Duration.
func isDuration(key string) bool {
	v, ok := leafDefaults(reflect.ValueOf(Default()), "")[key]
	_, dur := v.(time.Duration)
	return ok && dur
}

// typeMessage says what value was found and what kind of value fits.
func typeMessage(err error) string {
	var pe *mapstructure.ParseError
	var ue *mapstructure.UnconvertibleTypeError
	switch {
	case errors.As(err, &pe):
		return fmt.Sprintf("%q is not %s", fmt.Sprint(pe.Value), schema.KindWord(pe.Expected.Kind()))
	case errors.As(err, &ue):
		return fmt.Sprintf("%v is not %s", ue.Value, schema.KindWord(ue.Expected.Kind()))
	}
	return err.Error()
}
