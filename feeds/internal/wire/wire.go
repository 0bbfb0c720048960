// Package wire is the compact binary encoding of feedpub's entry cache:
// varints, fixed 8-byte floats and length-prefixed strings, appended to a
// byte slice, and a Reader for them that treats its input as untrusted. A
// cache file may be truncated, corrupt or from another version, so reading
// never panics and never allocates more than the input could hold; the
// first short or impossible value makes every later read a zero value and
// Err non-nil.
package wire

import (
	"encoding/binary"
	"errors"
	"math"
)

// AppendUint appends v as an unsigned varint.
func AppendUint(b []byte, v uint64) []byte { return binary.AppendUvarint(b, v) }

// AppendInt appends v as a signed (zig-zag) varint.
func AppendInt(b []byte, v int) []byte { return binary.AppendVarint(b, int64(v)) }

// AppendBool appends v as one byte.
func AppendBool(b []byte, v bool) []byte {
	if v {
		return append(b, 1)
	}
	return append(b, 0)
}

// AppendFloat appends v's IEEE 754 bits, so every value (NaN included)
// reads back exactly.
func AppendFloat(b []byte, v float64) []byte {
	return binary.LittleEndian.AppendUint64(b, math.Float64bits(v))
}

// AppendString appends s's length, then s.
func AppendString(b []byte, s string) []byte {
	return append(AppendUint(b, uint64(len(s))), s...)
}

// ErrCorrupt is Reader.Err after a value ran past the end of the input or
// could not be what was written.
var ErrCorrupt = errors.New("wire: truncated or corrupt data")

// Reader reads the values the Append functions wrote, in the same order.
type Reader struct {
	data []byte
	bad  bool
}

// NewReader reads data, which it does not copy: strings are copied out.
func NewReader(data []byte) *Reader { return &Reader{data: data} }

// Err is ErrCorrupt once any read failed, else nil.
func (r *Reader) Err() error {
	if r.bad {
		return ErrCorrupt
	}
	return nil
}

// Len is how many bytes of the input are not read yet.
func (r *Reader) Len() int { return len(r.data) }

// Rest returns the input not read yet, and reads it.
func (r *Reader) Rest() []byte {
	b := r.data
	r.data = nil
	return b
}

func (r *Reader) fail() {
	r.bad, r.data = true, nil
}

// Uint reads an unsigned varint.
func (r *Reader) Uint() uint64 {
	v, n := binary.Uvarint(r.data)
	if n <= 0 {
		r.fail()
		return 0
	}
	r.data = r.data[n:]
	return v
}

// Int reads a signed varint that must fit an int (so a value written on
// a 64-bit machine never reads back cut on a 32-bit one).
func (r *Reader) Int() int {
	v, n := binary.Varint(r.data)
	if n <= 0 || int64(int(v)) != v {
		r.fail()
		return 0
	}
	r.data = r.data[n:]
	return int(v)
}

// Bool reads one byte that must be 0 or 1.
func (r *Reader) Bool() bool {
	if len(r.data) < 1 || r.data[0] > 1 {
		r.fail()
		return false
	}
	v := r.data[0] == 1
	r.data = r.data[1:]
	return v
}

// Float reads 8 bytes of IEEE 754 bits.
func (r *Reader) Float() float64 {
	if len(r.data) < 8 {
		r.fail()
		return 0
	}
	v := math.Float64frombits(binary.LittleEndian.Uint64(r.data))
	r.data = r.data[8:]
	return v
}

// String reads a length-prefixed string, copying it out of the input.
func (r *Reader) String() string {
	n := r.Uint()
	if n > uint64(len(r.data)) {
		r.fail()
		return ""
	}
	s := string(r.data[:n])
	r.data = r.data[n:]
	return s
}

// Bytes reads a length-prefixed string as a slice of the input, not
// copied.
func (r *Reader) Bytes() []byte {
	n := r.Uint()
	if n > uint64(len(r.data)) {
		r.fail()
		return nil
	}
	b := r.data[:n:n]
	r.data = r.data[n:]
	return b
}

// Count reads a length written with AppendUint for a list whose every
// element takes at least one byte: a longer count than the input could
// hold is corrupt, so a caller may allocate it.
func (r *Reader) Count() int {
	n := r.Uint()
	if n > uint64(len(r.data)) {
		r.fail()
		return 0
	}
	return int(n)
}
