package config

import (
	"errors"
	"fmt"
	"io/fs"
	"net/mail"
	"net/url"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"sort"
	"strings"
	"time"

	"github.com/go-viper/mapstructure/v2"
	"github.com/spf13/viper"
	"go.yaml.in/yaml/v3"

	"github.com/feedpub/feedpub/config/diag"
	"github.com/feedpub/feedpub/media/store"
)

// EnvPrefix is the prefix of environment overrides: site.title is
// FEEDPUB_SITE_TITLE, publish.s3.region is FEEDPUB_PUBLISH_S3_REGION.
const EnvPrefix = "FEEDPUB"

// Load reads the config file at path into v (a fresh viper instance owned by
// the caller), applies defaults and FEEDPUB_* environment overrides, and
// checks the result. It returns
// every problem found, not just the first; the Config is usable only when
// the problems hold no errors.
func Load(v *viper.Viper, path string) (Config, diag.Problems) {
	var ps diag.Problems
	cfg := Default()
	cfg.File = path
	abs, err := filepath.Abs(path)
	if err != nil {
		ps.Errorf(path, 0, "", "%v", err)
		return cfg, ps
	}
	cfg.Dir = filepath.Dir(abs)

	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		ps.Errorf(path, 0, "", "no such config file (run `feedpub init` to start a site, or pass --config FILE)")
		return cfg, ps
	}
	if err != nil {
		ps.Errorf(path, 0, "", "%v", err)
		return cfg, ps
	}

	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		line, msg := diag.YAMLError(err)
		ps.Errorf(path, line, "", "not valid YAML: %s", msg)
		return cfg, ps
	}
	lines := map[string]int{}
	present := map[string]bool{}
	if len(doc.Content) > 0 {
		root := doc.Content[0]
		if root.Kind != yaml.MappingNode {
			ps.Errorf(path, root.Line, "", "want a mapping of sections (site:, podcast:, ...), got %s", kindName(root))
			return cfg, ps
		}
		checkKeys(root, reflect.TypeOf(Config{}), "", path, lines, &ps)
		for i := 0; i+1 < len(root.Content); i += 2 {
			present[root.Content[i].Value] = true
		}
	}
	for _, kv := range os.Environ() {
		name, _, _ := strings.Cut(kv, "=")
		for _, sec := range []string{"podcast", "video", "reviews"} {
			if strings.HasPrefix(name, EnvPrefix+"_"+strings.ToUpper(sec)+"_") {
				present[sec] = true
			}
		}
	}
	if ps.HasErrors() {
		return cfg, ps
	}

	v.SetConfigFile(path)
	v.SetConfigType("yaml")
	v.SetEnvPrefix(EnvPrefix)
	v.SetEnvKeyReplacer(strings.NewReplacer(".", "_"))
	v.AutomaticEnv()
	// AutomaticEnv only consults keys viper knows, so every leaf key gets a
	// default; that is also what makes FEEDPUB_<SECTION>_<KEY> work for keys
	// absent from the file.
	for key, val := range leafDefaults(reflect.ValueOf(Default()), "") {
		v.SetDefault(key, val)
	}
	if err := v.ReadInConfig(); err != nil {
		ps.Errorf(path, 0, "", "%v", err)
		return cfg, ps
	}
	if err := v.Unmarshal(&cfg); err != nil {
		ps.Add(decodeProblems(path, lines, err)...)
		return cfg, ps
	}
	cfg.File = path
	cfg.Dir = filepath.Dir(abs)
	cfg.lines = lines
	cfg.Podcast.Enabled = present["podcast"]
	cfg.Video.Enabled = present["video"]
	cfg.Reviews.Enabled = present["reviews"]
	ps.Add(cfg.Validate()...)
	return cfg, ps
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

// checkKeys reports every key in n that t (a struct with mapstructure tags)
// does not have, with the closest valid key, and records each key's line.
func checkKeys(n *yaml.Node, t reflect.Type, prefix, file string, lines map[string]int, ps *diag.Problems) {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch t.Kind() {
	case reflect.Struct:
		if n.Kind != yaml.MappingNode {
			if n.Tag == "!!null" {
				return
			}
			ps.Errorf(file, n.Line, strings.TrimSuffix(prefix, "."), "want a mapping of keys, got %s", kindName(n))
			return
		}
		fields := structKeys(t)
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, val := n.Content[i], n.Content[i+1]
			ft, ok := fields[k.Value]
			if !ok {
				names := make([]string, 0, len(fields))
				for name := range fields {
					names = append(names, name)
				}
				msg := fmt.Sprintf("unknown key %q", k.Value)
				if best := diag.Closest(k.Value, names); best != "" {
					msg += fmt.Sprintf(" (did you mean %q?)", best)
				} else {
					sort.Strings(names)
					msg += fmt.Sprintf(" (valid keys: %s)", strings.Join(names, ", "))
				}
				ps.Errorf(file, k.Line, prefix+k.Value, "%s", msg)
				continue
			}
			lines[prefix+k.Value] = k.Line
			checkKeys(val, ft, prefix+k.Value+".", file, lines, ps)
		}
	case reflect.Slice:
		if n.Kind != yaml.SequenceNode {
			return // viper turns a scalar into a one-element list where it can
		}
		for i, item := range n.Content {
			p := fmt.Sprintf("%s[%d]", strings.TrimSuffix(prefix, "."), i)
			lines[p] = item.Line
			checkKeys(item, t.Elem(), p+".", file, lines, ps)
		}
	}
}

func structKeys(t reflect.Type) map[string]reflect.Type {
	out := map[string]reflect.Type{}
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		tag := f.Tag.Get("mapstructure")
		if tag == "" || tag == "-" || !f.IsExported() {
			continue
		}
		out[tag] = f.Type
	}
	return out
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
		if strings.TrimSpace(val) == "" {
			ps.Errorf(c.File, c.Line(key), key, "required")
		}
	}
	req("site.title", c.Site.Title)
	req("site.description", c.Site.Description)
	req("site.link", c.Site.Link)
	req("site.base_url", c.Site.BaseURL)
	req("site.language", c.Site.Language)
	c.checkURL(&ps, "site.link", c.Site.Link)
	c.checkURL(&ps, "site.base_url", c.Site.BaseURL)
	if c.Site.BaseURL != "" && !strings.HasSuffix(c.Site.BaseURL, "/") {
		c.Site.BaseURL += "/"
	}
	if c.Site.Language != "" && !languageRE.MatchString(c.Site.Language) {
		ps.Errorf(c.File, c.Line("site.language"), "site.language", "%q is not a language tag; want ISO 639 such as en, en-gb, fr", c.Site.Language)
	}
	c.checkEmail(&ps, "site.email", c.Site.Email)
	for _, s := range []struct {
		name string
		show *Show
	}{{"podcast", &c.Podcast}, {"video", &c.Video}} {
		if !s.show.Enabled {
			continue
		}
		sh := s.show
		if sh.Type != "episodic" && sh.Type != "serial" {
			ps.Errorf(c.File, c.Line(s.name+".type"), s.name+".type", "%q: want episodic or serial", sh.Type)
		}
		if sh.Limit < 0 {
			ps.Errorf(c.File, c.Line(s.name+".limit"), s.name+".limit", "want 0 (all) or a positive number, got %d", sh.Limit)
		}
		c.checkKey(&ps, s.name+".path", sh.Path)
		c.checkEmail(&ps, s.name+".email", sh.Email)
		c.checkURL(&ps, s.name+".new_feed_url", sh.NewFeedURL)
		for i, f := range sh.Funding {
			c.checkURL(&ps, fmt.Sprintf("%s.funding[%d].url", s.name, i), f.URL)
		}
		for i, p := range sh.Persons {
			if strings.TrimSpace(p.Name) == "" {
				key := fmt.Sprintf("%s.persons[%d]", s.name, i)
				ps.Errorf(c.File, c.Line(key), key+".name", "required")
			}
		}
		if sh.Locked && sh.Email == "" && c.Site.Email == "" {
			ps.Errorf(c.File, c.Line(s.name+".locked"), s.name+".locked", "podcast:locked needs an owner email: set site.email")
		}
	}
	if c.Podcast.Enabled && c.Video.Enabled && c.Podcast.Path == c.Video.Path {
		ps.Errorf(c.File, c.Line("video.path"), "video.path", "%q is also podcast.path; the two feeds need different files", c.Video.Path)
	}
	if c.Reviews.Enabled {
		c.checkKey(&ps, "reviews.rss", c.Reviews.RSS)
		c.checkKey(&ps, "reviews.atom", c.Reviews.Atom)
		c.checkKey(&ps, "reviews.json", c.Reviews.JSON)
		if c.Reviews.Limit < 0 {
			ps.Errorf(c.File, c.Line("reviews.limit"), "reviews.limit", "want 0 (all) or a positive number, got %d", c.Reviews.Limit)
		}
		if id := c.Reviews.AtomID; id != "" {
			if u, err := url.Parse(id); err != nil || u.Scheme == "" {
				ps.Errorf(c.File, c.Line("reviews.atom_id"), "reviews.atom_id", "%q: want a permanent IRI such as tag:example.com,2026:reviews", id)
			}
		}
		if c.Reviews.Link != "" {
			c.checkURL(&ps, "reviews.link", strings.ReplaceAll(c.Reviews.Link, "{slug}", "x"))
		}
	}
	if c.Publish.Concurrency < 1 {
		ps.Errorf(c.File, c.Line("publish.concurrency"), "publish.concurrency", "want 1 or more, got %d", c.Publish.Concurrency)
	}
	if c.Publish.MaxDeletes < 0 {
		ps.Errorf(c.File, c.Line("publish.max_deletes"), "publish.max_deletes", "want 0 or more, got %d", c.Publish.MaxDeletes)
	}
	if strings.TrimSpace(c.Publish.Target) == "" {
		ps.Errorf(c.File, c.Line("publish.target"), "publish.target", "required: a folder or s3://bucket/prefix")
	}
	if c.Publish.S3.Endpoint != "" {
		c.checkURL(&ps, "publish.s3.endpoint", c.Publish.S3.Endpoint)
	}
	// A bare number decodes as nanoseconds: refuse it rather than time out
	// every request at once.
	if d := c.Publish.S3.Timeout; d != 0 && d < time.Second {
		ps.Errorf(c.File, c.Line("publish.s3.timeout"), "publish.s3.timeout", "want a duration of at least 1s, such as 60s, got %v", d)
	}
	return ps
}

func (c *Config) checkURL(ps *diag.Problems, key, val string) {
	if val == "" {
		return
	}
	u, err := url.Parse(val)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		ps.Errorf(c.File, c.Line(key), key, "%q is not an absolute http(s) URL", val)
	}
}

func (c *Config) checkEmail(ps *diag.Problems, key, val string) {
	if val == "" {
		return
	}
	if a, err := mail.ParseAddress(val); err != nil || a.Address != val {
		ps.Errorf(c.File, c.Line(key), key, "%q is not an email address (want name@example.com)", val)
	}
}

// checkKey checks an output file name: a relative slash path inside the
// published tree.
func (c *Config) checkKey(ps *diag.Problems, key, val string) {
	if val == "" {
		ps.Errorf(c.File, c.Line(key), key, "required: a file name such as podcast.xml")
		return
	}
	if err := store.CheckFileKey(val); err != nil {
		ps.Errorf(c.File, c.Line(key), key, "%v", err)
	}
}

// decodeProblems turns viper's decode error (every field that did not fit
// its type, joined) into one located problem per field.
func decodeProblems(file string, lines map[string]int, err error) diag.Problems {
	var ps diag.Problems
	var walk func(error)
	walk = func(e error) {
		if de, ok := e.(*mapstructure.DecodeError); ok && de.Unwrap() != nil {
			ps.Errorf(file, lineOf(lines, de.Name()), de.Name(), "%s", typeMessage(de.Unwrap()))
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
		ps.Errorf(file, 0, "", "%s", strings.ReplaceAll(e.Error(), "\n", " "))
	}
	walk(err)
	return ps
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

// typeMessage says what value was found and what kind of value fits.
func typeMessage(err error) string {
	var pe *mapstructure.ParseError
	var ue *mapstructure.UnconvertibleTypeError
	switch {
	case errors.As(err, &pe):
		return fmt.Sprintf("%q is not %s", fmt.Sprint(pe.Value), kindWord(pe.Expected.Kind()))
	case errors.As(err, &ue):
		return fmt.Sprintf("%v is not %s", ue.Value, kindWord(ue.Expected.Kind()))
	}
	return err.Error()
}

func kindWord(k reflect.Kind) string {
	switch k {
	case reflect.Bool:
		return "true or false"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return "a whole number"
	case reflect.Float32, reflect.Float64:
		return "a number"
	case reflect.Slice:
		return "a list"
	case reflect.Struct, reflect.Map:
		return "a mapping of keys"
	}
	return "a text value"
}
