#!/usr/bin/python3
"""Reads tributary's generated outputs with feedparser (Debian's python3-feedparser).

    feedparser_check.py OUTPUT_DIR

For every NAME.atom / NAME.rss in OUTPUT_DIR:
  * feedparser must read it with bozo == 0 (no recovery needed);
  * it must find as many entries as the document holds (<entry>, <item>);
NAME.json is read with the json module as the JSON Feed 1.1 spec describes
its fields (Debian's feedparser 6.0.10 predates JSON Feed support); its
schema validity is validate_output.sh's job.
and for every output present in more than one format, entry by entry:
  * the same id, title, link, publication date, authors, categories,
    enclosures, summary text and body text (content, else summary) in each
    format.
Titles, summaries and content are compared by the text a reader shows: HTML
(feedparser's text/html) is reduced to its text, whitespace collapsed.

One line per output and format ("ok ..." or "FAIL ..." with the first
differences), then "N passed, M failed" (N, M count files).
"""

import html
import json
import os
import re
import sys
import xml.etree.ElementTree as ET
from html.parser import HTMLParser

import feedparser
from feedparser.datetimes import _parse_date

ATOM = "{http://www.w3.org/2005/Atom}"


class _Text(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts = []

    def handle_data(self, data):
        self.parts.append(data)

    def handle_starttag(self, tag, attrs):
        self.parts.append(" ")

    def handle_endtag(self, tag):
        self.parts.append(" ")


def shown_text(value, ctype):
    if value is None:
        return ""
    if ctype in ("text/html", "application/xhtml+xml"):
        p = _Text()
        p.feed(value)
        p.close()
        value = "".join(p.parts)
    return re.sub(r"\s+", " ", value).strip()


def detail_text(entry, key):
    d = entry.get(key + "_detail")
    if d is not None:
        return shown_text(d.get("value"), d.get("type"))
    if key == "summary" and entry.get("content"):
        # feedparser copies the content into `summary` (without a detail)
        # when an entry has none: it has the content's type.
        return shown_text(entry.get(key), entry["content"][0].get("type"))
    return shown_text(entry.get(key), "text/plain")


def content_text(entry):
    c = entry.get("content")
    if c:
        return shown_text(c[0].get("value"), c[0].get("type"))
    return None


def date(entry, key):
    t = entry.get(key + "_parsed")
    return tuple(t[:6]) if t else None


def view(entry):
    """What a reader shows of an entry, format-independently."""
    published = date(entry, "published") or date(entry, "updated")
    link = entry.get("link")
    if link == entry.get("id") and not str(link).startswith("http"):
        link = None  # feedparser's fallback from an Atom id, not a link
    summary = detail_text(entry, "summary")
    return {
        "id": entry.get("id"),
        "title": detail_text(entry, "title"),
        "link": link,
        "published": published,
        "authors": sorted(a.get("name", "") for a in entry.get("authors", []) if a.get("name")),
        "categories": sorted(t.get("term", "") for t in entry.get("tags", [])),
        "enclosures": sorted(e.get("href", "") for e in entry.get("enclosures", [])),
        "summary": summary,
        "body": summary if content_text(entry) is None else content_text(entry),
    }


def json_view(item):
    """The same view of a JSON Feed item, read as the JSON Feed 1.1 spec says
    (Debian's feedparser 6.0.10 has no JSON Feed reader)."""
    published = item.get("date_published") or item.get("date_modified")
    parsed = _parse_date(published) if published else None
    if item.get("content_html") is not None:
        body = shown_text(item["content_html"], "text/html")
    else:
        body = shown_text(item.get("content_text"), "text/plain")
    # As feedparser does for the other formats: no summary, the body stands in.
    summary = shown_text(item["summary"], "text/plain") if "summary" in item else body
    return {
        "id": item.get("id"),
        "title": shown_text(item.get("title"), "text/plain"),
        "link": item.get("url"),
        "published": tuple(parsed[:6]) if parsed else None,
        "authors": sorted(a.get("name", "") for a in item.get("authors", []) if a.get("name")),
        "categories": sorted(item.get("tags", [])),
        "enclosures": sorted(a.get("url", "") for a in item.get("attachments", [])),
        "summary": summary,
        "body": body,
    }


def document_entry_count(path, fmt):
    with open(path, "rb") as fh:
        data = fh.read()
    if fmt == "json":
        return len(json.loads(data.decode("utf-8")).get("items", []))
    root = ET.fromstring(data)
    if fmt == "atom":
        return len(root.findall(ATOM + "entry"))
    return len(root.findall("./channel/item"))


def main():
    out_dir = sys.argv[1]
    outputs = {}
    for name in sorted(os.listdir(out_dir)):
        base, ext = os.path.splitext(name)
        if ext in (".atom", ".rss", ".json"):
            outputs.setdefault(base, {})[ext[1:]] = os.path.join(out_dir, name)
    passed = failed = 0
    for base, files in outputs.items():
        views = {}
        problems = {}
        for fmt, path in files.items():
            probs = problems.setdefault(fmt, [])
            if fmt == "json":
                with open(path, "rb") as fh:
                    try:
                        doc = json.loads(fh.read().decode("utf-8"))
                        views[fmt] = [json_view(i) for i in doc.get("items", [])]
                    except ValueError as e:
                        probs.append("not JSON: %s" % e)
                        views[fmt] = []
                continue
            d = feedparser.parse(path)
            if d.bozo:
                probs.append("bozo: %r" % (d.get("bozo_exception"),))
            expected = document_entry_count(path, fmt)
            if len(d.entries) != expected:
                probs.append("feedparser found %d entries, the document has %d" % (len(d.entries), expected))
            if not d.feed.get("title"):
                probs.append("no feed title")
            views[fmt] = [view(e) for e in d.entries]
        # Cross-format comparison, against Atom when present.
        ref = "atom" if "atom" in views else sorted(views)[0]
        for fmt, entries in views.items():
            if fmt == ref:
                continue
            probs = problems[fmt]
            for i, (a, b) in enumerate(zip(views[ref], entries)):
                for key in a:
                    if a[key] != b[key]:
                        probs.append("entry %d %s: %s %r != %s %r" % (i, key, ref, a[key], fmt, b[key]))
                if len(probs) > 5:
                    break
        for fmt in sorted(files):
            probs = problems[fmt]
            if probs:
                failed += 1
                print("FAIL %s.%s (%d entries): %s" % (base, fmt, len(views[fmt]), "; ".join(probs[:6])))
            else:
                passed += 1
                print("ok %s.%s (%d entries)" % (base, fmt, len(views[fmt])))
    print("%d passed, %d failed" % (passed, failed))
    return 0 if failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
