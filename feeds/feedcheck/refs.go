package feedcheck

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"io"
	"net/url"
	"regexp"
	"strconv"
	"strings"
)

// References returns every object key under base that a rendered feed
// (XML, or JSON Feed when feedKey ends in .json) references, except the
// feed's own key, with the byte length the feed states for it, or -1 when
// it states none. Publishing tests use it to prove a live feed never points
// at a missing or different object. It fails if the feed does not parse.
func References(feedKey, base string, body []byte) (map[string]int64, error) {
	refs := map[string]int64{}
	add := func(u string, length int64) {
		k, ok := strings.CutPrefix(u, base)
		if !ok {
			return
		}
		if uk, err := url.PathUnescape(k); err == nil {
			k = uk
		}
		if length >= 0 || refs[k] == 0 {
			refs[k] = length
		}
	}
	anyURL := regexp.MustCompile(regexp.QuoteMeta(base) + `[^"<>\s]+`)
	for _, u := range anyURL.FindAllString(string(body), -1) {
		add(u, -1)
	}
	if strings.HasSuffix(feedKey, ".json") {
		var doc struct {
			Items []struct {
				Attachments []struct {
					URL  string `json:"url"`
					Size int64  `json:"size_in_bytes"`
				} `json:"attachments"`
			} `json:"items"`
		}
		if err := json.Unmarshal(body, &doc); err != nil {
			return nil, err
		}
		for _, it := range doc.Items {
			for _, a := range it.Attachments {
				if a.Size > 0 {
					add(a.URL, a.Size)
				}
			}
		}
	} else {
		dec := xml.NewDecoder(bytes.NewReader(body))
		for {
			tok, err := dec.Token()
			if err == io.EOF {
				break
			}
			if err != nil {
				return nil, err
			}
			se, ok := tok.(xml.StartElement)
			if !ok {
				continue
			}
			u, length := "", int64(-1)
			for _, a := range se.Attr {
				switch a.Name.Local {
				case "url", "href", "uri":
					u = a.Value
				case "length":
					length, _ = strconv.ParseInt(a.Value, 10, 64)
				}
			}
			if length >= 0 {
				add(u, length)
			}
		}
	}
	delete(refs, feedKey)
	return refs, nil
}
