#!/usr/bin/env python3
"""Print what python feedparser reads from a feed file, as JSON.

Usage: feedparser_dump.py FILE
Output: {"parser": "feedparser", "items": [{"guid", "title", "enclosures":
[{"url", "length", "type"}], "duration", "media"}]}, media being the Media RSS
video of the item (content url, medium, duration, player and thumbnail url)
or null. Needs Debian's python3-feedparser (6.0, which reads RSS and Atom
but not JSON Feed).
"""
import json
import sys

import feedparser


def duration(entry):
    d = entry.get("itunes_duration")
    if d is None or str(d).strip() == "":
        return None
    return int(str(d))


def media(entry):
    contents = entry.get("media_content") or []
    if not contents:
        return None
    c = contents[0]
    thumbs = entry.get("media_thumbnail") or [{}]
    return {
        "url": c.get("url"),
        "medium": c.get("medium"),
        "duration": int(c["duration"]) if c.get("duration") else None,
        "player": (entry.get("media_player") or {}).get("url"),
        "thumbnail": thumbs[0].get("url"),
    }


def main(path):
    with open(path, "rb") as f:
        d = feedparser.parse(f.read())
    if d.get("bozo") and not d.entries:
        print(f"feedparser: {path}: {d.get('bozo_exception')}", file=sys.stderr)
        return 1
    items = []
    for e in d.entries:
        encs = []
        for enc in e.get("enclosures", []):
            length = enc.get("length")
            encs.append({
                "url": enc.get("href"),
                "length": int(length) if length not in (None, "") else None,
                "type": enc.get("type"),
            })
        items.append({"guid": e.get("id"), "title": e.get("title"), "enclosures": encs, "duration": duration(e),
                      "media": media(e)})
    json.dump({"parser": "feedparser " + feedparser.__version__, "bozo": bool(d.get("bozo")), "items": items},
              sys.stdout, ensure_ascii=False, indent=1)
    print()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
