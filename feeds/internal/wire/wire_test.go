package wire

import (
	"math"
	"testing"
)

func TestRoundTrip(t *testing.T) {
	var b []byte
	b = AppendUint(b, 300)
	b = AppendInt(b, -7)
	b = AppendBool(b, true)
	b = AppendFloat(b, math.Inf(-1))
	b = AppendString(b, "héllo")
	b = AppendString(b, "raw")
	b = AppendUint(b, 2)
	r := NewReader(b)
	if r.Uint() != 300 || r.Int() != -7 || !r.Bool() || !math.IsInf(r.Float(), -1) || r.String() != "héllo" || string(r.Bytes()) != "raw" {
		t.Fatal("values differ")
	}
	if r.Err() != nil {
		t.Fatal(r.Err())
	}
	// A count of 2 with nothing after it cannot be a list.
	if r.Count() != 0 || r.Err() == nil {
		t.Error("a count larger than the input was accepted")
	}
}

func TestReaderRefusesWhatCannotBe(t *testing.T) {
	for name, c := range map[string]struct {
		data []byte
		read func(*Reader)
	}{
		"empty uint":       {nil, func(r *Reader) { r.Uint() }},
		"bool of 2":        {[]byte{2}, func(r *Reader) { r.Bool() }},
		"short float":      {[]byte{1, 2, 3}, func(r *Reader) { r.Float() }},
		"string past end":  {AppendUint(nil, 5), func(r *Reader) { _ = r.String() }},
		"bytes past end":   {append(AppendUint(nil, 4), 'a'), func(r *Reader) { r.Bytes() }},
		"huge count":       {AppendUint(nil, math.MaxUint64), func(r *Reader) { r.Count() }},
		"overlong varint":  {[]byte{0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01}, func(r *Reader) { r.Uint() }},
		"truncated varint": {[]byte{0x80}, func(r *Reader) { r.Int() }},
	} {
		r := NewReader(c.data)
		c.read(r)
		if r.Err() == nil {
			t.Errorf("%s: no error", name)
		}
		// Once failed, every read is a zero value.
		if r.String() != "" || r.Uint() != 0 || r.Len() != 0 {
			t.Errorf("%s: reads after the failure gave values", name)
		}
	}
}
