package main

import (
	"fmt"
	"io"
	"sync"
	"time"

	"github.com/vbauerster/mpb/v8"
	"github.com/vbauerster/mpb/v8/decor"

	"github.com/feedpub/feedpub/media/publish"
)

// largeUpload is the size from which an upload gets a bar of its own.
const largeUpload = 1 << 20

// barProgress shows publish progress on a terminal: a bar per upload of at
// least largeUpload bytes, and an overall bar with the speed and the time
// left. It implements publish.Progress and the optional Planned method.
//
// Bookkeeping is by key and clamped to each file's size, so a body read
// again (a retried request) never pushes the overall bar past its total.
type barProgress struct {
	p *mpb.Progress

	mu      sync.Mutex
	overall *mpb.Bar // nil until Planned
	files   map[string]*fileState
	planned int64 // bytes to upload
	sent    int64 // sum of every file's clamped progress
	done    int   // uploads finished, successfully or not
	failed  int
}

type fileState struct {
	size int64
	sent int64
	bar  *mpb.Bar // nil for small files
}

var _ publish.Progress = (*barProgress)(nil)

// newBarProgress renders to w, which the caller knows is a terminal (or a
// fake one in tests); width 0 means the terminal's.
func newBarProgress(w io.Writer, width int, opts ...mpb.ContainerOption) *barProgress {
	opts = append([]mpb.ContainerOption{
		mpb.WithOutput(w),
		mpb.WithAutoRefresh(), // the caller knows w is a terminal, or a fake one
		mpb.WithRefreshRate(150 * time.Millisecond),
	}, opts...)
	if width > 0 {
		opts = append(opts, mpb.WithWidth(width))
	}
	return &barProgress{p: mpb.New(opts...), files: map[string]*fileState{}}
}

// Planned adds the overall bar for files uploads of bytes in total.
func (b *barProgress) Planned(files int, bytes int64) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.planned = bytes
	if files == 0 || b.overall != nil {
		return
	}
	label := fmt.Sprintf("uploading %d files", files)
	if files == 1 {
		label = "uploading 1 file"
	}
	// Created without a total, so that it completes only in Finish: a
	// bar that completes by itself renders for the last time at once, and
	// log lines printed after that would be lost.
	b.overall = b.p.AddBar(0,
		mpb.BarPriority(1<<30), // always the last line
		mpb.PrependDecorators(
			decor.Name(label, decor.WCSyncSpaceR),
			decor.CountersKibiByte("% .1f / % .1f", decor.WCSyncSpace),
		),
		mpb.AppendDecorators(
			decor.AverageSpeed(decor.SizeB1024(0), "% .1f", decor.WCSyncSpace),
			decor.OnComplete(decor.AverageETA(decor.ET_STYLE_GO, decor.WCSyncSpace), "done"),
		),
	)
	b.overall.SetTotal(bytes, false)
}

// Start implements publish.Progress.
func (b *barProgress) Start(key string, size int64) {
	b.mu.Lock()
	defer b.mu.Unlock()
	f := b.files[key]
	if f == nil {
		f = &fileState{size: size}
		b.files[key] = f
	}
	if size >= largeUpload && f.bar == nil {
		f.bar = b.p.AddBar(size,
			mpb.BarRemoveOnComplete(),
			mpb.PrependDecorators(
				decor.Name(key, decor.WCSyncSpaceR),
				decor.CountersKibiByte("% .1f / % .1f", decor.WCSyncSpace),
			),
			mpb.AppendDecorators(
				decor.OnAbort(decor.AverageSpeed(decor.SizeB1024(0), "% .1f", decor.WCSyncSpace), "failed"),
			),
		)
	}
}

// Add implements publish.Progress.
func (b *barProgress) Add(key string, n int64) {
	b.mu.Lock()
	defer b.mu.Unlock()
	f := b.files[key]
	if f == nil {
		return
	}
	next := min(max(f.sent+n, 0), f.size)
	d := next - f.sent
	if d == 0 {
		return
	}
	f.sent = next
	b.sent += d
	if f.bar != nil {
		f.bar.SetCurrent(next)
	}
	if b.overall != nil {
		b.overall.SetCurrent(b.sent)
	}
}

// Done implements publish.Progress.
func (b *barProgress) Done(key string, err error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	f := b.files[key]
	if f == nil {
		return
	}
	b.done++
	if err != nil {
		b.failed++
		if f.bar != nil {
			f.bar.Abort(false)
		}
		return
	}
	// A complete upload counts fully, whatever was read.
	b.sent += f.size - f.sent
	f.sent = f.size
	if f.bar != nil {
		f.bar.SetCurrent(f.size)
	}
	if b.overall != nil {
		b.overall.SetCurrent(b.sent)
	}
}

// Printf prints a line above the bars.
func (b *barProgress) Printf(format string, args ...any) {
	fmt.Fprintf(b.p, format+"\n", args...)
}

// Finish stops every bar and waits for the last render.
func (b *barProgress) Finish() {
	b.mu.Lock()
	for _, f := range b.files {
		if f.bar != nil && !f.bar.Completed() {
			f.bar.Abort(true)
		}
	}
	if b.overall != nil && !b.overall.Completed() {
		if b.failed == 0 && b.sent == b.planned {
			b.overall.SetTotal(-1, true)
		} else {
			b.overall.Abort(false)
		}
	}
	b.mu.Unlock()
	b.p.Wait()
}

// stats returns the bookkeeping, for tests.
func (b *barProgress) stats() (sent, planned int64, done, failed, bars int) {
	b.mu.Lock()
	defer b.mu.Unlock()
	for _, f := range b.files {
		if f.bar != nil {
			bars++
		}
	}
	return b.sent, b.planned, b.done, b.failed, bars
}

// newProgress picks how publish shows progress: bars on a terminal, nothing
// otherwise (--verbose prints one plain line per finished upload through
// the log instead), and nothing with --quiet or --json. logf is the log to
// use (nil for none); on a terminal its lines are printed above the bars.
// finish must be called once the publish is over.
func newProgress(e *env, quiet bool, logf func(string, ...any)) (p publish.Progress, log func(string, ...any), finish func()) {
	if quiet || !e.IsTerminal(e.Stderr) {
		return nil, logf, func() {}
	}
	bp := newBarProgress(e.Stderr, 0)
	log = logf
	if logf != nil && (e.Stdout == e.Stderr || e.IsTerminal(e.Stdout)) {
		// The same screen: print log lines above the bars, not through them.
		log = func(format string, args ...any) { bp.Printf(format, args...) }
	}
	return bp, log, bp.Finish
}
