#!/bin/sh
# gen.sh regenerates the probe fixtures and expected.json.
#
# Run from anywhere: sh media/probe/testdata/gen.sh
# Needs ffmpeg, ffprobe, a POSIX sh and Go (for the grayscale and CMYK
# JPEGs, which ffmpeg's mjpeg encoder cannot write). The output is committed so
# that tests do not need ffmpeg; keep every file small (all of them < 2 MB).
set -eu
cd "$(dirname "$0")"

ff() { ffmpeg -nostdin -hide_banner -loglevel error -y "$@"; }
sine() { echo "sine=frequency=$1:sample_rate=$2:duration=$3"; }
video() { echo "testsrc=size=160x120:rate=10:duration=$1"; }

# MP3: CBR with the LAME Info header, without it, VBR with and without Xing,
# mono, MPEG-2 (22.05 kHz) and MPEG-2.5 (11.025 kHz).
ff -f lavfi -i "$(sine 440 44100 3.3)" -ac 2 -c:a libmp3lame -b:a 32k mp3_cbr.mp3
ff -f lavfi -i "$(sine 440 44100 3.3)" -ac 2 -c:a libmp3lame -b:a 32k -write_xing 0 mp3_cbr_noxing.mp3
ff -f lavfi -i "$(sine 440 44100 3.7)" -ac 2 -c:a libmp3lame -q:a 7 mp3_vbr.mp3
ff -f lavfi -i "$(sine 440 44100 3.7)" -ac 2 -c:a libmp3lame -q:a 7 -write_xing 0 mp3_vbr_noxing.mp3
ff -f lavfi -i "$(sine 330 44100 2.9)" -ac 1 -c:a libmp3lame -b:a 32k mp3_mono.mp3
ff -f lavfi -i "$(sine 330 22050 2.6)" -ac 2 -c:a libmp3lame -b:a 24k mp3_mpeg2.mp3
ff -f lavfi -i "$(sine 330 11025 2.2)" -ac 1 -c:a libmp3lame -b:a 16k mp3_mpeg25.mp3

# MP4 family.
ff -f lavfi -i "$(sine 440 44100 3.1)" -c:a aac -b:a 32k m4a_moov_end.m4a
ff -f lavfi -i "$(sine 440 44100 3.1)" -c:a aac -b:a 32k -movflags +faststart m4a_faststart.m4a
ff -f lavfi -i "$(video 2.5)" -f lavfi -i "$(sine 440 44100 2.5)" \
	-c:v libx264 -preset ultrafast -crf 40 -pix_fmt yuv420p -c:a aac -b:a 32k -shortest mp4_h264_aac.mp4
ff -f lavfi -i "$(video 2.5)" -f lavfi -i "$(sine 440 44100 2.5)" \
	-c:v libx264 -preset ultrafast -crf 40 -pix_fmt yuv420p -c:a aac -b:a 32k -shortest mov_h264_aac.mov
ff -f lavfi -i "$(video 2.2)" -f lavfi -i "$(sine 440 44100 2.2)" \
	-c:v libx264 -preset ultrafast -crf 40 -pix_fmt yuv420p -c:a aac -b:a 32k -shortest -f mp4 -brand 'M4V ' m4v_h264_aac.m4v
ff -f lavfi -i "$(video 2.5)" -f lavfi -i "$(sine 440 44100 2.5)" \
	-c:v libx264 -preset ultrafast -crf 40 -pix_fmt yuv420p -g 10 -c:a aac -b:a 32k -shortest \
	-movflags frag_keyframe+empty_moov mp4_frag.mp4
ff -f lavfi -i "$(video 2.5)" -f lavfi -i "$(sine 440 44100 2.5)" \
	-c:v libx264 -preset ultrafast -crf 40 -pix_fmt yuv420p -g 10 -c:a aac -b:a 32k -shortest \
	-movflags frag_keyframe+empty_moov+default_base_moof mp4_frag_dbm.mp4
ff -f lavfi -i "$(sine 440 44100 2.4)" -c:a aac -b:a 32k mp4_audio_only.mp4

# Ogg, FLAC, WAV.
ff -f lavfi -i "$(sine 440 48000 3.2)" -c:a libopus -b:a 16k opus.opus
ff -f lavfi -i "$(sine 440 44100 3.4)" -c:a libvorbis -q:a 0 vorbis.ogg
ff -f lavfi -i "$(sine 440 8000 2.3)" -c:a flac flac.flac
ff -f lavfi -i "$(sine 440 8000 1.9)" -c:a pcm_s16le wav.wav

# Artwork. Solid colours compress to almost nothing.
ff -f lavfi -i color=c=0x3366aa:s=1400x1400 -frames:v 1 -q:v 31 -pix_fmt yuvj444p art_rgb_1400.jpg
ff -f lavfi -i color=c=0x3366aa:s=1400x1600 -frames:v 1 -q:v 31 -pix_fmt yuvj420p art_nonsquare.jpg
ff -f lavfi -i color=c=0x3366aa:s=1400x1400 -frames:v 1 -pix_fmt rgb24 art_rgb_1400.png
ff -f lavfi -i color=c=0x3366aa@0.5:s=1400x1400,format=rgba -frames:v 1 -pix_fmt rgba art_rgba_1400.png
ff -f lavfi -i color=c=0x3366aa:s=1000x1000 -frames:v 1 -pix_fmt rgb24 art_rgb_1000.png
go run ./mkjpeg -gray art_gray_1400.jpg -cmyk art_cmyk_1400.jpg

# expected.json: ffprobe's view of every fixture.
exec >expected.json
echo '{'
first=1
for f in *.mp3 *.m4a *.mp4 *.mov *.m4v *.opus *.ogg *.flac *.wav *.jpg *.png; do
	[ "$first" = 1 ] || echo ','
	first=0
	dur=$(ffprobe -v error -show_entries format=duration -of default=nw=1:nk=1 "$f")
	case "$dur" in N/A | "") dur=0 ;; esac
	size=$(wc -c <"$f" | tr -d ' ')
	codecs=$(ffprobe -v error -show_entries stream=codec_name -of csv=p=0 "$f" | tr '\n' ',' | sed 's/,$//')
	wh=$(ffprobe -v error -select_streams v:0 -show_entries stream=width,height -of csv=p=0:s=x "$f" | head -n 1)
	w=${wh%x*}
	h=${wh#*x}
	[ -n "$wh" ] || { w=0; h=0; }
	# For MP3, ffprobe's format duration is a bitrate estimate when there is no
	# Xing/VBRI header, which is wrong for VBR; the packet count is not.
	frames=0
	case "$f" in *.mp3)
		frames=$(ffprobe -v error -count_packets -select_streams a:0 -show_entries stream=nb_read_packets -of csv=p=0 "$f") ;;
	esac
	rate=$(ffprobe -v error -select_streams a:0 -show_entries stream=sample_rate -of csv=p=0 "$f" | head -n 1)
	[ -n "$rate" ] || rate=0
	channels=$(ffprobe -v error -select_streams a:0 -show_entries stream=channels -of csv=p=0 "$f" | head -n 1)
	[ -n "$channels" ] || channels=0
	printf '  "%s": {"duration": %s, "size": %s, "codecs": "%s", "width": %s, "height": %s, "mp3_frames": %s, "sample_rate": %s, "channels": %s}' \
		"$f" "$dur" "$size" "$codecs" "$w" "$h" "$frames" "$rate" "$channels"
done
echo
echo '}'
