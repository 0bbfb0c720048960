package xmlw_test

import (
	"bufio"
	"bytes"
	"encoding/xml"
	"testing"

	"github.com/feedpub/feedpub/feeds/internal/xmlw"
	"github.com/feedpub/feedpub/feeds/xmltext"
)

// doc is a document of each kind of value the writer writes: attributes,
// element text, an empty element and a CDATA section, nested.
type doc struct {
	XMLName xml.Name `xml:"d"`
	E       struct {
		A string `xml:"a,attr"`
		T string `xml:",chardata"`
	} `xml:"e"`
	Empty struct {
		A string `xml:"a,attr"`
	} `xml:"x:empty"`
	Inner struct {
		T string `xml:"t"`
		C struct {
			Text string `xml:",cdata"`
		} `xml:"c"`
	} `xml:"inner"`
}

func write(attr, text, cdata string, hex bool) []byte {
	var buf bytes.Buffer
	bw := bufio.NewWriter(&buf)
	bw.WriteString(xmlw.Header)
	x := xmlw.New(bw, hex)
	x.Open("d")
	x.Gt()
	x.TextElem("e", "a", attr, text)
	x.Open("x:empty")
	x.Attr("a", attr)
	x.Gt()
	x.Close("x:empty")
	x.Open("inner")
	x.Gt()
	x.Elem("t", text)
	x.CDATAElem("c", cdata)
	x.Close("inner")
	x.Close("d")
	bw.Flush()
	return buf.Bytes()
}

func reference(t *testing.T, attr, text, cdata string, hex bool) []byte {
	var d doc
	d.E.A, d.E.T, d.Empty.A, d.Inner.T, d.Inner.C.Text = attr, text, attr, text, cdata
	var buf bytes.Buffer
	buf.WriteString(xmlw.Header)
	enc := xml.NewEncoder(&buf)
	enc.Indent("", "  ")
	if err := enc.Encode(d); err != nil {
		t.Fatal(err)
	}
	if hex {
		return xmltext.HexEscapes(buf.Bytes())
	}
	return buf.Bytes()
}

// FuzzMatchesEncodingXML: for any values, the writer makes the bytes
// encoding/xml makes of the same document (then xmltext.HexEscapes, for
// hexadecimal text), the promise every XML feed's golden files rest on.
func FuzzMatchesEncodingXML(f *testing.F) {
	f.Add("https://e.x/?a=1&b=2", "Heat & \"Dune\" <3", "<p>]]></p>", true)
	f.Add("tab\there", "line\r\nbreak \x00 \xff \uFFFE 🎬", "", false)
	f.Add("", "", "]]]]>", true)
	f.Fuzz(func(t *testing.T, attr, text, cdata string, hex bool) {
		if got, want := write(attr, text, cdata, hex), reference(t, attr, text, cdata, hex); !bytes.Equal(got, want) {
			t.Errorf("writer:\n%q\nencoding/xml:\n%q", got, want)
		}
	})
}
