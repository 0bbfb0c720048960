package importer

import (
	"errors"
	"fmt"
	"io"
	"strings"

	htmltomarkdown "github.com/JohannesKaufmann/html-to-markdown/v2"
	"golang.org/x/net/html"
)

// ToMarkdown converts show notes from HTML to Markdown with
// html-to-markdown (links, lists and emphasis kept; scripts, styles and
// iframes dropped). Plain text comes back as it is.
func ToMarkdown(s string) (string, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return "", nil
	}
	md, err := htmltomarkdown.ConvertString(s)
	if err != nil {
		return "", err
	}
	return strings.TrimSpace(md), nil
}

// voidElements never have an end tag.
var voidElements = map[string]bool{
	"area": true, "base": true, "br": true, "col": true, "embed": true, "hr": true, "img": true,
	"input": true, "link": true, "meta": true, "source": true, "track": true, "wbr": true,
	// Optional end tags browsers close themselves.
	"p": true, "li": true, "dt": true, "dd": true, "tr": true, "td": true, "th": true, "option": true,
}

// CheckHTML says where show notes are not well-formed HTML: an end tag
// that closes nothing open, or an element never closed. Browsers (and the
// converter) repair such HTML by guessing, so the Markdown may not say what
// the author meant.
func CheckHTML(s string) error {
	z := html.NewTokenizer(strings.NewReader(s))
	var open []string
	for {
		switch z.Next() {
		case html.ErrorToken:
			if !errors.Is(z.Err(), io.EOF) {
				return z.Err()
			}
			if len(open) > 0 {
				return fmt.Errorf("<%s> is never closed", open[len(open)-1])
			}
			return nil
		case html.StartTagToken:
			name, _ := z.TagName()
			if n := string(name); !voidElements[n] {
				open = append(open, n)
			}
		case html.EndTagToken:
			name, _ := z.TagName()
			n := string(name)
			if voidElements[n] {
				continue
			}
			if len(open) == 0 || open[len(open)-1] != n {
				return fmt.Errorf("</%s> closes no open <%s>", n, n)
			}
			open = open[:len(open)-1]
		}
	}
}
