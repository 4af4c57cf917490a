#!/usr/bin/python3
"""Checks `tributary parse --json` on the generated 2000-feed corpus against its
manifest (shared/bench/gen_feeds.py writes CORPUS/manifest.json and items.tsv).

Usage: corpus_check.py TRIBUTARY CORPUS [--min-recovered 0.995] [--list N]

What is checked, per feed and per item:
  - every feed parses: a dialect is recognized and the entry count equals the
    manifest's item count;
  - bozo is true exactly for the feeds whose defects make them not well-formed
    (undeclared_entity, bare_ampersand, control_char, invalid_utf8,
    leading_whitespace), except that undeclared entities are legal where the
    document names an external DTD (XML 1.0 section 4.1), and for the feeds
    whose declared charset is wrong (the contract's "declared/actual
    encoding conflict");
  - every item (items.tsv): its link equals the manifest's (a path-only link
    of a `relative_links` item must equal the manifest's link without its
    https://domain), its id equals the guid (RSS 2.0 and Atom: RSS 1.0 and
    0.91 items carry none), its published (else updated) date equals the
    manifest's unless the item has a `bad_date` (RSS 0.91 items have none);
  - titles: items of duplicate groups carry their title in the manifest; the
    parsed title (as text: HTML titles unescaped) must equal it once
    whitespace is collapsed. In an item whose
    title received an injected defect (an entity, a control character, " & "),
    and in RSS 0.91 feeds that use the HTML entities of their DTD, the
    manifest keeps the clean title: there the letters and digits must match,
    ignoring the characters the generator injects;
An item is "recovered" when its link, id and (where known) title are right.
The run fails (exit 1) when fewer than --min-recovered of the items of the
malformed feeds are recovered, or when any feed fails to parse. Exit 77 when
CORPUS is missing, unless --generate SHARED names the shared test material:
then a --feeds sized corpus (default 300) is generated into a temporary
folder with SHARED/bench/gen_feeds.py first (what CI does).
"""
import argparse
import html
import json
import re
import os
import subprocess
import sys
import tempfile
import time

NOT_WELL_FORMED = {"undeclared_entity", "bare_ampersand", "control_char", "invalid_utf8",
                   "leading_whitespace"}
TITLE_DEFECTS = {"undeclared_entity", "bare_ampersand", "control_char"}
# What gen_feeds.py's inject_entity puts into a title (the manifest keeps the
# clean title); RSS 0.91 feeds with the Netscape DTD use them legitimately.
INJECTED = set("\u00a0\u2014\u2026\u2019\u00e9\u00ab\u00a9")


def collapse(s):
    return " ".join((s or "").replace("\u00a0", " ").split())


def alnum(s):
    return "".join(c for c in (s or "") if c.isalnum())


def title_ok(got, want, defective):
    if collapse(got) == collapse(want):
        return True
    if not defective:
        return False
    strip = lambda s: "".join(c for c in alnum(s) if c not in INJECTED)
    return strip(got) == strip(want)


def title_text(entry):
    """The title as plain text (an HTML title is markup: "&amp;" means "&")."""
    t = entry.get("title") or ""
    if entry.get("title_type") in ("text/html", "application/xhtml+xml"):
        t = html.unescape(re.sub(r"<[^>]*>", "", t))
    return t


def date_key(s):
    return (s or "").replace("+00:00", "Z")


def run_parser(tributary, corpus, files, chunk=250):
    """Yields (file, parsed JSON) in order, many files per process."""
    for start in range(0, len(files), chunk):
        part = files[start:start + chunk]
        paths = [os.path.join(corpus, f) for f in part]
        proc = subprocess.run([tributary, "parse", "--json"] + paths, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE)
        lines = proc.stdout.decode("utf-8").splitlines()
        if proc.returncode != 0 or len(lines) != len(part):
            raise SystemExit("parse failed on %s..: exit %d, %d lines: %s" % (
                part[0], proc.returncode, len(lines), proc.stderr.decode()[-300:]))
        for f, line in zip(part, lines):
            yield f, json.loads(line)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("tributary")
    ap.add_argument("corpus")
    ap.add_argument("--min-recovered", type=float, default=0.995)
    ap.add_argument("--list", type=int, default=20, help="problems to print (default 20)")
    ap.add_argument("--generate", metavar="SHARED", help="generate a corpus when CORPUS is missing")
    ap.add_argument("--feeds", type=int, default=300, help="feeds of a generated corpus (default 300)")
    args = ap.parse_args()
    manifest_path = os.path.join(args.corpus, "manifest.json")
    gen = os.path.join(args.generate or "", "bench", "gen_feeds.py")
    if not os.path.isfile(manifest_path) and args.generate and os.path.isfile(gen):
        tmp = tempfile.TemporaryDirectory(prefix="tributary-corpus-")
        args.corpus = tmp.name
        manifest_path = os.path.join(args.corpus, "manifest.json")
        subprocess.run([sys.executable, gen, args.corpus, "--feeds", str(args.feeds), "--no-gz"],
                       check=True, stdout=subprocess.DEVNULL)
        print("generated a %d-feed corpus in %s" % (args.feeds, args.corpus))
    if not os.path.isfile(manifest_path):
        print("SKIP: no corpus at %s (generate it with shared/bench/gen_feeds.py)" % args.corpus)
        return 77
    m = json.load(open(manifest_path, encoding="utf-8"))
    items = {}
    with open(os.path.join(args.corpus, "items.tsv"), encoding="utf-8") as fh:
        header = fh.readline().rstrip("\n").split("\t")
        for line in fh:
            row = dict(zip(header, line.rstrip("\n").split("\t")))
            items[(row["feed"], int(row["item"]))] = row
    titles = {}
    for g in m["dup_groups"]:
        for x in g["members"]:
            titles[(x["feed"], x["item"])] = x["title"]

    feeds = {f["file"]: f for f in m["feeds"]}
    problems = []
    stats = dict(feeds=0, feeds_parsed=0, bozo_right=0, items=0, items_ok=0, bad_items=0,
                 bad_items_ok=0, malformed=0, titles_checked=0, titles_ok=0, dates_checked=0,
                 dates_ok=0)
    started = time.monotonic()
    for path, doc in run_parser(args.tributary, args.corpus, [f["file"] for f in m["feeds"]]):
        f = feeds[path]
        fid = f["id"]
        defects = f["defects"]
        # Undeclared entities are legal where an external DTD is named (XML 1.0
        # section 4.1): check_corpus.py counts those feeds as well-formed.
        bad = NOT_WELL_FORMED & set(defects)
        if bad == {"undeclared_entity"} and "doctype" in f["features"]:
            bad = set()
        malformed = bool(bad)
        stats["feeds"] += 1
        stats["malformed"] += malformed
        entries = doc.get("entries", [])
        if doc.get("format") and len(entries) == f["items"]:
            stats["feeds_parsed"] += 1
        else:
            problems.append("%s: format %r, %d entries, manifest %d" % (
                fid, doc.get("format"), len(entries), f["items"]))
        # The contract counts a declared/actual charset conflict as bozo too.
        expect_bozo = malformed or "wrong_declared_encoding" in defects
        if bool(doc.get("bozo")) == expect_bozo:
            stats["bozo_right"] += 1
        else:
            problems.append("%s: bozo %s, expected %s (%s; %s)" % (
                fid, doc.get("bozo"), expect_bozo, ",".join(defects), doc.get("bozo_reason")))
        for i in range(f["items"]):
            row = items.get((fid, i))
            e = entries[i] if i < len(entries) else {}
            ok = True
            why = []
            link = e.get("link") or ""
            want = row["link"] if row else ""
            rel = i in defects.get("relative_links", [])
            if not (link == want or (rel and want.startswith("https://") and
                                     link == "/" + want.split("/", 3)[3] if want.count("/") >= 3 else False)):
                ok = False
                why.append("link %r != %r" % (link, want))
            # RSS 1.0 and 0.91 items carry no guid: their id is rdf:about or none.
            if row and f["dialect"] in ("rss20", "atom10") and (e.get("id") or "") != row["guid"]:
                ok = False
                why.append("id %r != %r" % (e.get("id"), row["guid"]))
            if (fid, i) in titles:
                stats["titles_checked"] += 1
                defective = (any(i in defects.get(d, []) for d in TITLE_DEFECTS) or
                             "html_entities_declared_by_external_dtd" in f["features"])
                if title_ok(title_text(e), titles[(fid, i)], defective):
                    stats["titles_ok"] += 1
                else:
                    ok = False
                    why.append("title %r != %r" % (title_text(e), titles[(fid, i)]))
            elif not (e.get("title") or "").strip():
                ok = False
                why.append("empty title")
            # RSS 0.91 items carry no date.
            if row and i not in defects.get("bad_date", []) and f["dialect"] != "rss091":
                stats["dates_checked"] += 1
                if date_key(e.get("published") or e.get("updated")) == date_key(row["published"]):
                    stats["dates_ok"] += 1
                elif len(problems) < 10000:
                    problems.append("%s[%d]: published %r != %r" % (
                        fid, i, e.get("published"), row["published"]))
            stats["items"] += 1
            stats["items_ok"] += ok
            if malformed:
                stats["bad_items"] += 1
                stats["bad_items_ok"] += ok
            if not ok:
                problems.append("%s[%d] (%s): %s" % (fid, i, ",".join(defects), "; ".join(why)))
    elapsed = time.monotonic() - started
    for p in problems[:args.list]:
        print(p)
    if len(problems) > args.list:
        print("... %d problems in all" % len(problems))
    s = stats
    rec = s["bad_items_ok"] / s["bad_items"] if s["bad_items"] else 1.0
    print("feeds %d, parsed with every item %d; bozo right %d/%d" % (
        s["feeds"], s["feeds_parsed"], s["bozo_right"], s["feeds"]))
    print("items %d, right (link, id, title) %d (%.3f%%)" % (
        s["items"], s["items_ok"], 100.0 * s["items_ok"] / max(1, s["items"])))
    print("titles checked %d, right %d; dates checked %d, right %d" % (
        s["titles_checked"], s["titles_ok"], s["dates_checked"], s["dates_ok"]))
    print("malformed feeds %d: items %d, recovered %d (%.3f%%; goal %.1f%%)" % (
        s["malformed"], s["bad_items"], s["bad_items_ok"], 100.0 * rec, 100.0 * args.min_recovered))
    print("wall %.1fs" % elapsed)
    failed = rec < args.min_recovered or s["feeds_parsed"] != s["feeds"]
    print("FAIL" if failed else "OK")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
