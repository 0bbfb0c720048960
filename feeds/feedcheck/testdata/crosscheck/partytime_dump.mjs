// Print what Podcast Index's podcast-partytime reads from a podcast feed
// file, as JSON: {"parser", "items": [{"guid", "title", "enclosures":
// [{"url", "length", "type"}], "duration", "alternates": [{"type", "length",
// "default", "sources"}]}]}.
//
// Usage: node partytime_dump.mjs FILE   (after `npm ci` in this folder)
import { readFileSync } from "node:fs";
import { parseFeed } from "podcast-partytime";

const path = process.argv[2];
const feed = parseFeed(readFileSync(path, "utf8"), { allowMissingGuid: false });
if (!feed) {
  console.error(`partytime: ${path}: not a podcast feed`);
  process.exit(1);
}
const items = feed.items.map((it) => ({
  guid: it.guid,
  title: it.title,
  enclosures: it.enclosure ? [{ url: it.enclosure.url, length: it.enclosure.length, type: it.enclosure.type }] : [],
  duration: it.duration ?? null,
  alternates: (it.alternativeEnclosures ?? []).map((a) => ({
    type: a.type,
    length: a.length ?? null,
    default: a.default ?? false,
    sources: (a.source ?? []).map((s) => s.uri),
  })),
}));
process.stdout.write(JSON.stringify({ parser: "podcast-partytime", guid: feed.guid ?? null, medium: feed.medium ?? null, items }, null, 1) + "\n");
