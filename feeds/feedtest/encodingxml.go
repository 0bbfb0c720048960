package feedtest

import (
	"bytes"
	"encoding/xml"
	"testing"

	"github.com/feedpub/feedpub/feeds/internal/xmlw"
	"github.com/feedpub/feedpub/feeds/xmltext"
)

// EncodingXML is what encoding/xml makes of doc (indented as the feeds
// are, after their XML declaration), then, with hex, what
// xmltext.HexEscapes makes of that: the bytes the feeds' own writer
// (feeds/internal/xmlw) must produce for the same structs.
func EncodingXML(t testing.TB, doc any, hex bool) []byte {
	t.Helper()
	var buf bytes.Buffer
	buf.WriteString(xmlw.Header)
	enc := xml.NewEncoder(&buf)
	enc.Indent("", "  ")
	if err := enc.Encode(doc); err != nil {
		t.Fatalf("encode: %v", err)
	}
	buf.WriteByte('\n')
	if hex {
		return xmltext.HexEscapes(buf.Bytes())
	}
	return buf.Bytes()
}
