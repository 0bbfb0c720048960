package site

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"
	"unsafe"

	"golang.org/x/sync/errgroup"

	"github.com/feedpub/feedpub/config/diag"
	"github.com/feedpub/feedpub/config/state"
	"github.com/feedpub/feedpub/feeds/content"
	"github.com/feedpub/feedpub/feeds/internal/wire"
)

// entryShards is how many files the records are packed into, by the first
// byte of their name: a build that changes one entry writes one shard
// again, a thirty-second of the cache, and opens the same few files at ten
// entries or ten thousand.
const entryShards = 32

// maxShard bounds a shard read whole.
const maxShard = 1 << 30

// indexFile, in EntriesDir, maps each entry file, by what stat says of it,
// to its key, so an unchanged file is not even read.
const indexFile = state.EntriesDir + "/index"

// shardFile is the name of shard i in the store.
func shardFile(i int) string { return fmt.Sprintf("%s/%02x", state.EntriesDir, i) }

func shardOf(name [sha256.Size]byte) int { return int(name[0]) % entryShards }

// entryPack is the entry cache's files: the index, the shards, and a spill
// file that takes each record made by this build as soon as it is made
// (so its Apple form can be read back rather than held), from which save
// copies it into its shard.
type entryPack struct {
	st  *state.Store
	max int64

	index   map[string]indexEntry // as stored, by entry file
	indexIn string                // the inputs it was made under

	mu     sync.Mutex
	seen   map[string]indexEntry // the next index
	inputs string

	shards [entryShards]shard

	spillMu  sync.Mutex
	spillF   *os.File
	spillAt  int64
	spillBad bool
}

// indexEntry is what the index holds of one entry file.
type indexEntry struct {
	stat state.Stat
	key  [sha256.Size]byte
}

// shard is one shard as this build read it.
type shard struct {
	once sync.Once
	f    *os.File // open until close, for read-back; nil for none
	recs map[[sha256.Size]byte]*entryRecord
	// bad: the file is there but unusable (damaged, foreign, another
	// build's): a build that writes replaces it.
	bad bool
}

// packRef is where some bytes lie in a file the pack keeps open; with sum
// set, bytes checks them against it (the file may have been written over
// in place since).
type packRef struct {
	f   *os.File
	off int64
	n   int
	sum *[sha256.Size]byte
}

func (p *packRef) bytes() ([]byte, bool) {
	buf := make([]byte, p.n)
	if _, err := p.f.ReadAt(buf, p.off); err != nil {
		return nil, false
	}
	if p.sum != nil && sha256.Sum256(buf) != *p.sum {
		return nil, false
	}
	return buf, true
}

// uvarintLen is the length of x as binary.AppendUvarint writes it.
func uvarintLen(x uint64) int {
	n := 1
	for ; x >= 0x80; x >>= 7 {
		n++
	}
	return n
}

// readInto reads the bytes into dst[at:at+n], within dst's capacity,
// checked as bytes checks them; dst's length is left alone.
func (p *packRef) readInto(dst []byte, at int) bool {
	if at+p.n > cap(dst) {
		return false
	}
	buf := dst[at : at+p.n]
	if _, err := p.f.ReadAt(buf, p.off); err != nil {
		return false
	}
	return p.sum == nil || sha256.Sum256(buf) == *p.sum
}

func (p *packRef) string() (string, bool) {
	buf, ok := p.bytes()
	if !ok || len(buf) == 0 {
		return "", ok
	}
	// buf is ours alone and never written again: the string can be it
	// rather than a copy, as strings.Builder does.
	return unsafe.String(&buf[0], len(buf)), true
}

func openEntryPack(st *state.Store, max int64) *entryPack {
	p := &entryPack{st: st, max: max, seen: map[string]indexEntry{}}
	p.index, p.indexIn = readIndex(st)
	return p
}

// readIndex reads the index; any fault is an empty one.
func readIndex(st *state.Store) (map[string]indexEntry, string) {
	data, ok := st.Read(indexFile, maxShard)
	if !ok {
		return nil, ""
	}
	rd := wire.NewReader(data)
	inputs := rd.String()
	n := rd.Count()
	idx := make(map[string]indexEntry, n)
	for range n {
		file := rd.String()
		e := indexEntry{stat: state.Stat{Size: int64(rd.Int()), ModNS: int64(rd.Int()), ChangeNS: int64(rd.Int()), Inode: rd.Uint()}}
		copy(e.key[:], rd.Bytes())
		idx[file] = e
	}
	if rd.Err() != nil || rd.Len() != 0 {
		return nil, ""
	}
	return idx, inputs
}

func (p *entryPack) known(file, inputs string, st state.Stat) ([sha256.Size]byte, bool) {
	e, ok := p.index[file]
	if !ok || inputs != p.indexIn || e.stat != st {
		return [sha256.Size]byte{}, false
	}
	p.saw(file, inputs, st, e.key)
	return e.key, true
}

func (p *entryPack) saw(file, inputs string, st state.Stat, key [sha256.Size]byte) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.seen[file], p.inputs = indexEntry{stat: st, key: key}, inputs
}

// get returns the stored record name, or nil.
func (p *entryPack) get(name [sha256.Size]byte) *entryRecord {
	s := p.load(shardOf(name))
	return s.recs[name]
}

// load reads shard i once: the whole file, through the store (checked as
// sitefs checks, its signature verified), decoded into records; the file
// stays open for the Apple forms to be read back.
func (p *entryPack) load(i int) *shard {
	s := &p.shards[i]
	s.once.Do(func() {
		s.recs = map[[sha256.Size]byte]*entryRecord{}
		name := shardFile(i)
		f, err := p.st.Open(name, maxShard)
		if err != nil {
			s.bad = !errors.Is(err, fs.ErrNotExist)
			return
		}
		data, err := readWhole(f)
		payload, ok := p.st.Unseal(name, data)
		if err != nil || !ok {
			f.Close()
			s.bad = true
			return
		}
		s.f = f
		for at := 0; at < len(payload); {
			n, k := binary.Uvarint(payload[at:])
			if k <= 0 || n > uint64(len(payload)-at-k) {
				break
			}
			start := at + k
			rec := payload[start : start+int(n)]
			at = start + int(n)
			if r, ok := decodeEntryRecord(rec, f, int64(state.HeaderSize+start)); ok && shardOf(r.name) == i {
				s.recs[r.name] = r
			}
		}
	})
	return s
}

// readWhole reads the open file f from its start, in one buffer of its
// size (a shard is megabytes: no growing and copying); a file that changed
// size meanwhile fails its signature.
func readWhole(f *os.File) ([]byte, error) {
	st, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if st.Size() > maxShard {
		return nil, errors.New("too large")
	}
	data := make([]byte, st.Size())
	_, err = f.ReadAt(data, 0)
	return data, err
}

// spill writes r's record to the spill file at once, and points r at it;
// false when it cannot (the record is then encoded again by save).
func (p *entryPack) spill(r *entryRecord) bool {
	b, appleAt, err := r.encode()
	if err != nil || int64(len(b)) > p.max {
		return false
	}
	p.spillMu.Lock()
	defer p.spillMu.Unlock()
	if p.spillF == nil && !p.spillBad {
		p.spillBad = true
		if p.st.Writable(indexFile) && os.MkdirAll(p.st.Path(state.EntriesDir), 0o755) == nil {
			if f, err := os.CreateTemp(p.st.Path(state.EntriesDir), "spill-*"); err == nil {
				p.spillF, p.spillBad = f, false
			}
		}
	}
	if p.spillF == nil {
		return false
	}
	off := p.spillAt
	if _, err := p.spillF.WriteAt(b, off); err != nil {
		return false
	}
	p.spillAt += int64(len(b))
	sum := sha256.Sum256(b)
	r.raw = &packRef{f: p.spillF, off: off, n: len(b), sum: &sum}
	if r.hasApple {
		// The form's bytes as encoded: no copy of the string to hash.
		apple := sha256.Sum256(b[appleAt : appleAt+int64(len(r.apple))])
		r.appleAt = &packRef{f: p.spillF, off: off + appleAt, n: len(r.apple), sum: &apple}
		r.apple = ""
	}
	r.hadSafe, r.hadApple = r.hasSafe, r.hasApple
	return true
}

// save writes again every shard that gained, changed or lost a record, and
// the index if it changed; it returns how many records it encoded anew and
// how many it dropped.
func (p *entryPack) save(recs map[[sha256.Size]byte]*entryRecord) (written, removed int, err error) {
	var byShard [entryShards][]*entryRecord
	var dirty [entryShards]bool
	for i := range p.shards {
		p.load(i)
	}
	for _, r := range recs {
		i := shardOf(r.name)
		byShard[i] = append(byShard[i], r)
		if r.changed() || r.raw.f != p.shards[i].f {
			dirty[i] = true
		}
	}
	for i := range p.shards {
		dirty[i] = dirty[i] || p.shards[i].bad
		for name := range p.shards[i].recs {
			if recs[name] == nil {
				removed++
				dirty[i] = true
			}
		}
	}
	var g errgroup.Group
	g.SetLimit(2)
	counts := make([]int, entryShards)
	for i := range entryShards {
		if dirty[i] {
			g.Go(func() error {
				var err error
				counts[i], err = p.writeShard(i, byShard[i])
				return err
			})
		}
	}
	err = g.Wait()
	for _, n := range counts {
		written += n
	}
	if ierr := p.saveIndex(); err == nil {
		err = ierr
	}
	p.prune()
	return written, removed, err
}

// writeShard writes shard i with recs: each unchanged record's bytes copied
// as they are (from the old shard, read and verified again, or from the
// spill file, checked against its sum), each changed one encoded.
func (p *entryPack) writeShard(i int, recs []*entryRecord) (written int, err error) {
	slices.SortFunc(recs, func(a, b *entryRecord) int { return bytes.Compare(a.name[:], b.name[:]) })
	var old []byte
	if f := p.shards[i].f; f != nil {
		if data, err := readWhole(f); err == nil {
			if _, ok := p.st.Unseal(shardFile(i), data); ok {
				old = data
			}
		}
	}
	size := 0
	for _, r := range recs {
		if r.raw != nil {
			size += binary.MaxVarintLen64 + r.raw.n
		}
	}
	payload := make([]byte, 0, size)
	for _, r := range recs {
		var b []byte
		if !r.changed() {
			if r.raw.f == p.shards[i].f {
				if old != nil && r.raw.off+int64(r.raw.n) <= int64(len(old)) {
					b = old[r.raw.off : r.raw.off+int64(r.raw.n)]
				}
			} else if at := len(payload) + uvarintLen(uint64(r.raw.n)); r.raw.readInto(payload, at) {
				// Straight from the spill file into the shard: a first
				// build copies every record here, and a buffer per record
				// would double what it holds.
				payload = binary.AppendUvarint(payload, uint64(r.raw.n))
				payload = payload[:at+r.raw.n]
				continue
			}
		}
		if b == nil {
			// An entry the encoding cannot hold, or one too large to be
			// read back, is left out: it is parsed each time.
			if b, _, err = r.encode(); err != nil || int64(len(b)) > p.max {
				continue
			}
			written++
		}
		payload = binary.AppendUvarint(payload, uint64(len(b)))
		payload = append(payload, b...)
	}
	if len(payload) == 0 {
		if err := p.st.Remove(shardFile(i)); err != nil && !errors.Is(err, os.ErrNotExist) {
			return written, err
		}
		return written, nil
	}
	return written, p.st.Write(shardFile(i), payload)
}

// saveIndex writes the index of the files this build saw, sorted, when it
// is not what was read.
func (p *entryPack) saveIndex() error {
	p.mu.Lock()
	defer p.mu.Unlock()
	same := p.inputs == p.indexIn && len(p.seen) == len(p.index)
	for f, e := range p.seen {
		if !same {
			break
		}
		same = p.index[f] == e
	}
	if same {
		return nil
	}
	files := make([]string, 0, len(p.seen))
	for f := range p.seen {
		files = append(files, f)
	}
	slices.Sort(files)
	b := wire.AppendString(nil, p.inputs)
	b = wire.AppendUint(b, uint64(len(files)))
	for _, f := range files {
		e := p.seen[f]
		b = wire.AppendString(b, f)
		b = wire.AppendInt(b, int(e.stat.Size))
		b = wire.AppendInt(b, int(e.stat.ModNS))
		b = wire.AppendInt(b, int(e.stat.ChangeNS))
		b = wire.AppendUint(b, e.stat.Inode)
		b = wire.AppendString(b, string(e.key[:]))
	}
	return p.st.Write(indexFile, b)
}

// prune removes, from EntriesDir, the files of the cache's earlier layout
// (one per entry, named by 64 hex digits) and the spill and temporary
// files of builds cut short (an hour old: a concurrent build's are seconds
// old). Only names the cache makes are touched.
func (p *entryPack) prune() {
	if !p.st.Writable(indexFile) {
		return
	}
	dir := p.st.Path(state.EntriesDir)
	des, err := os.ReadDir(dir)
	if err != nil {
		return
	}
	for _, de := range des {
		n := de.Name()
		base, _, temp := strings.Cut(n, ".")
		_, hexErr := hex.DecodeString(base)
		ours := hexErr == nil && strings.ToLower(base) == base && (len(base) == 2 || len(base) == 2*sha256.Size) || base == "index"
		switch {
		case temp && ours, strings.HasPrefix(n, "spill-"):
			fi, err := de.Info()
			if err != nil || time.Since(fi.ModTime()) < time.Hour {
				continue
			}
		case ours && len(base) == 2*sha256.Size:
		default:
			continue
		}
		os.Remove(filepath.Join(dir, n))
	}
}

// close closes the shard files and removes this build's spill file; the
// Apple forms are then made anew if asked for (the preview, after a build).
func (p *entryPack) close() {
	for i := range p.shards {
		p.shards[i].once.Do(func() {}) // a shard never loaded stays so
		if f := p.shards[i].f; f != nil {
			f.Close()
			p.shards[i].f = nil
		}
	}
	p.spillMu.Lock()
	defer p.spillMu.Unlock()
	if p.spillF != nil {
		p.spillF.Close()
		os.Remove(p.spillF.Name())
		p.spillF = nil
	}
	p.spillBad = true
}

// encode writes the record: the name (so a record copied onto another
// entry's name is a miss), the problems, the forms made so far and the
// entry (last, so it needs no length of its own and is appended in place).
// The store seals the shard it goes into (its signature makes a damaged or
// crafted file a miss rather than output: the review HTML in it goes into
// the feeds as it is).
//
// appleAt is where the Apple form's bytes start in the record.
func (r *entryRecord) encode() (data []byte, appleAt int64, err error) {
	apple := r.apple
	if r.hasApple && r.appleAt != nil {
		s, ok := r.appleAt.string()
		if !ok {
			return nil, 0, errors.New("the Apple form cannot be read back")
		}
		apple = s
	}
	size := 2<<10 + len(r.html) + len(apple)
	if r.safe != r.html {
		size += len(r.safe)
	}
	b := make([]byte, 0, size)
	b = append(b, r.name[:]...)
	b = wire.AppendUint(b, uint64(len(r.ps)))
	for _, p := range r.ps {
		b = wire.AppendInt(b, int(p.Severity))
		for _, s := range []string{p.Rule, p.File} {
			b = wire.AppendString(b, s)
		}
		b = wire.AppendInt(b, p.Line)
		for _, s := range []string{p.Field, p.Msg} {
			b = wire.AppendString(b, s)
		}
	}
	b = wire.AppendBool(b, r.hasSafe)
	if r.hasSafe {
		// Often the HTML as it is: then the HTML is not written again.
		same := r.safe == r.html
		b = wire.AppendBool(b, same)
		if !same {
			b = wire.AppendString(b, r.safe)
		}
	}
	b = wire.AppendBool(b, r.hasApple)
	if r.hasApple {
		b = wire.AppendString(b, apple)
		appleAt = int64(len(b) - len(apple))
	}
	b = wire.AppendBool(b, r.e != nil)
	if r.e != nil {
		if b, err = r.e.AppendBinary(b); err != nil {
			return nil, 0, err
		}
	}
	return b, appleAt, nil
}

// decodeEntryRecord reads a record encode wrote, found at off in the open
// file f; ok is false for anything else. The record's bytes and its Apple
// form stay in the file (raw, appleAt) until they are needed.
func decodeEntryRecord(rec []byte, f *os.File, off int64) (*entryRecord, bool) {
	if len(rec) < sha256.Size {
		return nil, false
	}
	r := &entryRecord{raw: &packRef{f: f, off: off, n: len(rec)}}
	copy(r.name[:], rec)
	rd := wire.NewReader(rec[sha256.Size:])
	if n := rd.Count(); n > 0 {
		r.ps = make(diag.Problems, n)
		for i := range r.ps {
			r.ps[i] = diag.Problem{Severity: diag.Severity(rd.Int()), Rule: rd.String(), File: rd.String(), Line: rd.Int(), Field: rd.String(), Msg: rd.String()}
		}
	}
	if r.hadSafe = rd.Bool(); r.hadSafe {
		if r.safeIsHTML = rd.Bool(); !r.safeIsHTML {
			r.safe = rd.String()
		}
	}
	if r.hadApple = rd.Bool(); r.hadApple {
		b := rd.Bytes()
		sum := sha256.Sum256(b)
		r.appleAt = &packRef{f: f, off: off + int64(len(rec)-rd.Len()-len(b)), n: len(b), sum: &sum}
	}
	hasEntry := rd.Bool()
	if rd.Err() != nil {
		return nil, false
	}
	if hasEntry {
		r.e = new(content.Entry)
		if r.e.UnmarshalBinary(rd.Rest()) != nil {
			return nil, false
		}
	} else if rd.Len() != 0 {
		return nil, false
	}
	r.hasSafe, r.hasApple = r.hadSafe, r.hadApple
	return r, true
}
