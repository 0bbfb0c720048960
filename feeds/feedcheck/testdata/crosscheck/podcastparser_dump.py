#!/usr/bin/env python3
"""Print what gPodder's podcastparser reads from a podcast feed file, as JSON.

Usage: podcastparser_dump.py FILE
Output: {"parser": "podcastparser", "items": [{"guid", "title", "enclosures":
[{"url", "length", "type"}], "duration"}]}, items newest first as
podcastparser returns them. Needs Debian's python3-podcastparser.
"""
import json
import sys

import podcastparser


def main(path):
    with open(path, "rb") as f:
        feed = podcastparser.parse("file://" + path, f)
    items = []
    for ep in feed.get("episodes", []):
        encs = [{"url": e.get("url"), "length": e.get("file_size"), "type": e.get("mime_type")}
                for e in ep.get("enclosures", [])]
        items.append({"guid": ep.get("guid"), "title": ep.get("title"), "enclosures": encs,
                      "duration": ep.get("total_time")})
    json.dump({"parser": "podcastparser", "items": items}, sys.stdout, ensure_ascii=False, indent=1)
    print()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
