#!/usr/bin/env bash
# Regenerates the example site's tiny media with ffmpeg. The files are
# committed, so neither building the example nor its tests need ffmpeg;
# this script documents how they were made.
set -euo pipefail
cd "$(dirname "$0")"
ff() { ffmpeg -hide_banner -loglevel error -y "$@"; }
# Audio: a few seconds of tone, 32 kb/s mono MP3 with a Xing/Info header.
ff -f lavfi -i "sine=frequency=330:duration=4.2" -ac 1 -ar 22050 -c:a libmp3lame -b:a 32k -map_metadata -1 -fflags +bitexact media/past-lives.mp3
ff -f lavfi -i "sine=frequency=440:duration=5.5" -ac 1 -ar 22050 -c:a libmp3lame -b:a 32k -map_metadata -1 -fflags +bitexact media/heroine.mp3
ff -f lavfi -i "sine=frequency=550:duration=2.5" -ac 1 -ar 22050 -c:a libmp3lame -b:a 32k -map_metadata -1 -fflags +bitexact media/season-3-trailer.mp3
# Video: H.264 + AAC in MP4 with moov first, small frame, low bitrate.
ff -f lavfi -i "testsrc2=size=320x180:rate=12:duration=4" -f lavfi -i "sine=frequency=440:duration=4" \
  -c:v libx264 -profile:v main -pix_fmt yuv420p -b:v 60k -c:a aac -b:a 24k -ac 1 -ar 22050 \
  -movflags +faststart -map_metadata -1 -fflags +bitexact media/heroine.mp4
ff -f lavfi -i "testsrc=size=320x180:rate=12:duration=3" -f lavfi -i "sine=frequency=660:duration=3" \
  -c:v libx264 -profile:v main -pix_fmt yuv420p -b:v 60k -c:a aac -b:a 24k -ac 1 -ar 22050 \
  -movflags +faststart -map_metadata -1 -fflags +bitexact media/dune-part-two.mp4
# Art: square 1400 px RGB JPEGs.
ff -f lavfi -i "gradients=s=1400x1400:c0=0x3a0ca3:c1=0xf72585:seed=7" -frames:v 1 -q:v 12 -pix_fmt yuvj420p artwork/cover.jpg
ff -f lavfi -i "gradients=s=1400x1400:c0=0x003049:c1=0xfcbf49:seed=3" -frames:v 1 -q:v 12 -pix_fmt yuvj420p artwork/heroine.jpg
