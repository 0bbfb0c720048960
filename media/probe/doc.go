// Package probe reads the facts a podcast feed needs (duration, bitrate,
// MIME type, codecs, frame or image size) from media files themselves, in
// pure Go and without ffmpeg.
//
// Every parser reads only headers through io.ReaderAt, in small reads, so
// memory stays bounded whatever the file size: a two-hour MP4 whose moov box
// sits at the end costs a few hundred kilobytes of reads, not a pass over the
// file. Length fields from the file are never trusted for allocation; any
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
// An MP4 file with no video track is reported as Format "m4a" and MIME
// audio/x-m4a whatever its brand (except QuickTime), because that is what
// Apple Podcasts expects for audio; CheckExtension accepts such a file named
// .mp4 and Probe adds a warning suggesting .m4a.
package probe
