// Package probe reads the facts a podcast feed needs (duration, bitrate,
// MIME type, codecs, frame or image size) from media files themselves, in
// pure Go and without ffmpeg.
//
// Every parser reads only what it needs through io.ReaderAt, in small reads,
// so memory stays bounded whatever the file size: a two-hour MP4 whose moov
// box sits at the end costs its moov in reads (the sample tables in it are
// about 4 bytes a sample), not a pass over the file. Length fields from the
// file are never trusted for allocation; any
// buffer sized from one is capped (see MaxBoxSize) and a larger value is an
// error wrapping ErrTooLarge. Every loop advances through the file, so
// truncated, corrupted or hostile input yields an error or a sane result,
// never a panic or a hang. The parsers are fuzzed.
//
// Durations follow ffprobe's format=duration, which the tests check against
// fixtures made by testdata/gen.sh:
//   - MP3: frames × samples per frame, from the Xing/Info or VBRI header when
//     present and otherwise by walking every frame header. The LAME encoder
//     delay and padding are not subtracted, as ffprobe does not.
//   - MP4 family: the mvhd movie duration, or when it is 0 (fragmented files)
//     the mehd fragment duration or the longest track summed over moof boxes.
//   - Ogg Opus: (last granule position − pre-skip) / 48000, the playback
//     length RFC 7845 defines; ffprobe includes the pre-skip (a few ms).
//   - Ogg Vorbis: last granule position / sample rate.
//   - FLAC: STREAMINFO total samples / sample rate.
//   - WAV: data chunk size / byte rate.
//
// A probe also checks that the file's own lengths agree with its size, so
// that a file cut short or padded on its way to the feed is an error rather
// than an episode with a wrong duration. Such errors wrap ErrTruncated and
// say how many bytes are missing (exactly, "about" or "at least"), ErrPadded
// (more than 2 KB of data after the content that is no part of it) or
// ErrCorrupt (lengths that contradict each other):
//   - MP3: a Xing/Info or VBRI byte count that is exactly the audio in the
//     file is trusted; otherwise every frame header is read, jumping ID3v2
//     tags between frames and skipping junk with a warning. The frames must
//     reach the end of the audio (before ID3v1, Lyrics3v2, APEv2 and
//     appended ID3v2 tags), and there must be as many as the header counts.
//   - MP4 family: every box must fit in its parent and in the file, and
//     nothing but boxes may follow; every track's chunks (stco/co64 offsets,
//     stsc and stsz/stz2 sizes, streamed in 16 KB pieces) must lie inside an
//     mdat; a fragmented file's trun data must lie inside the file.
//   - Ogg: the last whole page must end the file; a page cut short after it
//     is truncation. A last page without the end-of-stream flag (a cut at a
//     page boundary) is a warning.
//   - FLAC: the metadata blocks must fit, frames must follow them, the last
//     frame's CRC-16 must check out and its samples reach STREAMINFO's
//     total. FLAC frames carry no length, so the bytes missing are
//     estimated.
//   - WAV/RF64: the data chunk's size (or ds64's) must fit in the file; the
//     pad byte after an odd size may be missing.
//
// An MP4 file with no video track is reported as Format "m4a" and MIME
// audio/x-m4a whatever its brand (except QuickTime), because that is what
// Apple Podcasts expects for audio; CheckExtension accepts such a file named
// .mp4 and Probe adds a warning suggesting .m4a.
package probe
