#!/usr/bin/env python3
"""Checks the duplicate groups of a tributary store against a generated corpus.

The corpus comes from shared/bench/gen_feeds.py: `items.tsv` says which story
every item of every feed tells (feed, item index, story, variant, guid, link),
and `manifest.json` lists the stories told by more than one feed
(`dup_groups`). After `tributary run --once` polled that corpus, every copy
is an item_sources row of the store (feed_id, item_key, item_id): copies
with the same item_id are one stored item. Copies are matched to the corpus
by their feed file (fNNNN from the feed URL) and their key ("id:" + guid or
"link:" + link, as daemon/refresh.cpp item_key builds it).

Reports pairwise precision and recall of "same item" against "same story"
over all copies, and how many dup_groups are stored as exactly one item with
all their copies. Exits 1 when precision or recall is below the minimum, or
when too few copies are found in the store.

  check_store_groups.py STORE.db CORPUS_DIR [--min-precision 0.999]
                        [--min-recall 0.99] [--min-coverage 0.99]
"""
import argparse
import csv
import json
import os
import sqlite3
import sys
import urllib.parse
from collections import Counter, defaultdict


def url_path(url):
    """The path and query of a URL, relative or absolute."""
    parts = urllib.parse.urlsplit(url)
    return parts.path + ("?" + parts.query if parts.query else "")


def c2(n):
    return n * (n - 1) // 2


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("store")
    ap.add_argument("corpus")
    ap.add_argument("--min-precision", type=float, default=0.999)
    ap.add_argument("--min-recall", type=float, default=0.99)
    ap.add_argument("--min-coverage", type=float, default=0.99,
                    help="share of the corpus's items that must be found in the store")
    ap.add_argument("--show", type=int, default=5, help="examples of errors to print")
    args = ap.parse_args()

    # Truth: (feed, key) -> story; also by the path of the link, for links
    # and GUIDs a feed wrote relative (resolved against whatever base).
    truth = {}
    by_path = {}
    titles = {}
    with open(os.path.join(args.corpus, "items.tsv"), newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f, delimiter="\t"):
            for key in ("id:" + row["guid"], "link:" + row["link"]):
                truth.setdefault((row["feed"], key), row["story"])
            by_path.setdefault((row["feed"], url_path(row["link"])), row["story"])
            by_path.setdefault((row["feed"], url_path(row["guid"])), row["story"])
    with open(os.path.join(args.corpus, "manifest.json"), encoding="utf-8") as f:
        manifest = json.load(f)
    groups = manifest["dup_groups"]
    for g in groups:
        for m in g["members"]:
            titles[(m["feed"], g["story"])] = m["title"]
    total_items = manifest["totals"]["items"]

    db = sqlite3.connect("file:%s?mode=ro" % args.store, uri=True)
    rows = db.execute(
        "SELECT f.url, s.item_key, s.item_id FROM item_sources s JOIN feeds f ON f.id = s.feed_id").fetchall()
    copies = []  # (feed, story, item_id)
    keys_of_item = defaultdict(list)
    unmatched = 0
    for url, key, item_id in rows:
        keys_of_item[item_id].append((os.path.basename(url), key))
        feed = os.path.splitext(os.path.basename(url.split("?")[0]))[0]
        story = truth.get((feed, key))
        if story is None and key.startswith("id:"):  # RSS 1.0: rdf:about is the link
            story = truth.get((feed, "link:" + key[3:]))
        if story is None and ":" in key:
            story = by_path.get((feed, url_path(key.split(":", 1)[1])))
        if story is None:
            unmatched += 1
            continue
        copies.append((feed, story, item_id))

    by_story = Counter(story for _, story, _ in copies)
    by_item = Counter(item for _, _, item in copies)
    cells = Counter((story, item) for _, story, item in copies)
    tp = sum(c2(n) for n in cells.values())
    true_pairs = sum(c2(n) for n in by_story.values())
    # Pairs of the corpus whose copies the store never got count as missed.
    corpus_pairs = sum(c2(len(g["members"])) for g in groups)
    pred_pairs = sum(c2(n) for n in by_item.values())
    precision = tp / pred_pairs if pred_pairs else 1.0
    recall = tp / corpus_pairs if corpus_pairs else 1.0
    coverage = len(copies) / total_items if total_items else 1.0

    items_of_story = defaultdict(set)
    members_found = Counter()
    for feed, story, item in copies:
        items_of_story[story].add(item)
        members_found[story] += 1
    whole = sum(1 for g in groups
                if len(items_of_story[g["story"]]) == 1 and members_found[g["story"]] == len(g["members"]))

    print("store: %d copies (%d matched to the corpus, %d not), %d items" %
          (len(rows), len(copies), unmatched, len(by_item)))
    print("coverage: %.4f of the corpus's %d items are in the store" % (coverage, total_items))
    print("pairwise: P=%.4f R=%.4f | %d true pairs (%d with both copies stored), %d predicted, %d correct" %
          (precision, recall, corpus_pairs, true_pairs, pred_pairs, tp))
    print("dup groups stored as one item with all their copies: %d of %d" % (whole, len(groups)))

    shown = 0
    stories_of_item = defaultdict(set)
    for _, story, item in copies:
        stories_of_item[item].add(story)
    for item, stories in stories_of_item.items():
        if len(stories) > 1 and shown < args.show:
            print("  false merge: item %d holds stories %s: %s" % (item, sorted(stories), keys_of_item[item]))
            shown += 1
    shown = 0
    for g in groups:
        items = items_of_story[g["story"]]
        if len(items) > 1 and shown < args.show:
            print("  split: story %s in items %s: %s" % (
                g["story"], sorted(items), [(m["feed"], m["variant"], m["title"][:60]) for m in g["members"]]))
            shown += 1

    ok = True
    for name, value, minimum in (("precision", precision, args.min_precision),
                                 ("recall", recall, args.min_recall),
                                 ("coverage", coverage, args.min_coverage)):
        passed = value >= minimum
        ok = ok and passed
        print("%s %s: %.4f >= %.4f" % ("PASS" if passed else "FAIL", name, value, minimum))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
