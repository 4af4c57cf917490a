#!/usr/bin/env python3
"""Full-text SSRF check against the shared hostile server.

Starts ../shared/hostile/hostile_server.py on a free loopback port P (its
canary, the fake internal service, on P+1), writes a file:// feed whose items
link to internal addresses in every spelling and to redirects towards them,
subscribes it together with the server's own /xml/internal-links and
/xml/article-links-hostile feeds, runs `tributary run --once` with
allow_private = exactly the server's origin and full text on, and checks:

  * /_stats canary_hit_count is 0;
  * the canary token is nowhere in the store or the outputs;
  * /ok/article.html was fetched and its article extracted (in the store and
    in all.atom);
  * every internal link and redirect has a failed article row with reason
    'blocked' (or 'bad_url'/'network' for non-http schemes).

Exit 0 when every check passes, 1 otherwise, 77 (skipped) when ../shared is
absent. The last line reads "N passed, M failed".

usage: fulltext_ssrf.py --tributary BUILD/daemon/tributary [--shared DIR]
"""

import argparse
import json
import os
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.request

CANARY_TOKEN = "TRIBUTARY-CANARY-7f3a9c"
SKIP = 77


def free_port_pair():
    """A port P with P and P+1 free on 127.0.0.1."""
    for _ in range(50):
        s = socket.socket()
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
        s.close()
        if port >= 65535:
            continue
        t = socket.socket()
        try:
            t.bind(("127.0.0.1", port + 1))
            return port
        except OSError:
            continue
        finally:
            t.close()
    raise RuntimeError("no free port pair")


def get_json(url):
    with urllib.request.urlopen(url, timeout=10) as r:
        return json.loads(r.read().decode("utf-8"))


def wait_for(url, seconds=15):
    deadline = time.time() + seconds
    while time.time() < deadline:
        try:
            return get_json(url)
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("hostile server did not start at " + url)


def rss(items):
    now = time.strftime("%a, %d %b %Y %H:%M:%S GMT", time.gmtime())
    out = ['<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0"><channel>',
           "<title>fulltext ssrf test</title><link>https://example.invalid/</link>"]
    for i, (title, link) in enumerate(items):
        esc = link.replace("&", "&amp;").replace("<", "&lt;")
        out.append("<item><title>%s</title><link>%s</link><guid>urn:ft-ssrf:%d</guid>"
                   "<pubDate>%s</pubDate><description>Teaser %d.</description></item>" % (title, esc, i, now, i))
    out.append("</channel></rss>\n")
    return "".join(out)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--tributary", required=True)
    here = os.path.dirname(os.path.abspath(__file__))
    ap.add_argument("--shared", default=os.path.join(here, "..", "..", "..", "shared"))
    ap.add_argument("--timeout", type=int, default=150)
    args = ap.parse_args()

    server_py = os.path.join(args.shared, "hostile", "hostile_server.py")
    if not os.path.exists(server_py):
        print("SKIP: %s not found (the shared hostile kit is absent)" % server_py)
        return SKIP

    port = free_port_pair()
    canary = port + 1
    base = "http://127.0.0.1:%d" % port
    server = subprocess.Popen([sys.executable, server_py, "--port", str(port), "--quiet",
                               "--max-stream-seconds", "40"],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    results = []

    def check(name, ok, detail=""):
        results.append(ok)
        print("%s %s%s" % ("PASS" if ok else "FAIL", name, (": " + detail) if detail and not ok else ""))

    try:
        wait_for(base + "/_stats")
        urllib.request.urlopen(base + "/_reset", timeout=10).read()
        with tempfile.TemporaryDirectory(prefix="tributary-ft-ssrf-") as tmp:
            internal = [
                ("redirect to canary", base + "/redirect/to-canary"),
                ("redirect to localhost name", base + "/redirect/to-localhost-name"),
                ("redirect to decimal IP", base + "/redirect/to-decimal-ip"),
                ("redirect to hex IP", base + "/redirect/to-hex-ip"),
                ("redirect to short IP", base + "/redirect/to-short-ip"),
                ("redirect to 0.0.0.0", base + "/redirect/to-zero"),
                ("redirect to [::1]", base + "/redirect/to-ipv6-loopback"),
                ("redirect to ::ffff:127.0.0.1", base + "/redirect/to-ipv4-mapped"),
                ("redirect to 127.0.0.2", base + "/redirect/to-loopback-alias"),
                ("redirect to metadata", base + "/redirect/to-metadata"),
                ("redirect to RFC 1918", base + "/redirect/to-rfc1918"),
                ("301 to internal", base + "/redirect/permanent-to-internal"),
                ("canary direct", "http://127.0.0.1:%d/" % canary),
                ("canary by localhost", "http://localhost:%d/" % canary),
                ("canary decimal", "http://2130706433:%d/" % canary),
                ("canary hex", "http://0x7f000001:%d/" % canary),
                ("canary short", "http://127.1:%d/" % canary),
                ("canary octal", "http://0177.0.0.1:%d/" % canary),
                ("canary zero", "http://0.0.0.0:%d/" % canary),
                ("canary ipv6", "http://[::1]:%d/" % canary),
                ("canary mapped", "http://[::ffff:127.0.0.1]:%d/" % canary),
            ]
            other = [
                ("redirect to file", base + "/redirect/to-file"),
                ("redirect to gopher", base + "/redirect/to-gopher"),
                ("meta refresh to canary", base + "/html/meta-refresh-to-canary"),
                ("gopher link", "gopher://127.0.0.1:%d/_x" % canary),
                ("file link", "file:///etc/passwd"),
            ]
            good = ("good article", base + "/ok/article.html")
            feed_path = os.path.join(tmp, "ssrf.xml")
            with open(feed_path, "w", encoding="utf-8") as f:
                f.write(rss([good] + internal + other))
            config_path = os.path.join(tmp, "feeds.toml")
            with open(config_path, "w", encoding="utf-8") as f:
                f.write('[daemon]\nstate_dir = "state"\noutput_dir = "public"\nlisten = ""\n'
                        'allow_private = ["%s"]\n\n'
                        '[full_text]\nmax_age = "0"\nper_poll = 100\n\n'
                        '[[feed]]\nurl = "file://%s"\n\n'
                        '[[feed]]\nurl = "%s/xml/internal-links"\n\n'
                        '[[feed]]\nurl = "%s/xml/article-links-hostile"\n\n'
                        '[[output]]\nname = "all"\nformats = ["atom", "rss", "json"]\nlimit = 500\n'
                        % (base, feed_path, base, base))
            started = time.time()
            run = subprocess.run([args.tributary, "run", "--config", config_path, "--once"],
                                 stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=args.timeout)
            log = run.stdout.decode("utf-8", "replace")
            check("run --once exits 0", run.returncode == 0, "exit %d\n%s" % (run.returncode, log[-3000:]))
            print("info: run --once took %.1f s" % (time.time() - started))
            for line in log.splitlines():
                if "article " in line or "full text" in line:
                    print("info: " + line)

            stats = get_json(base + "/_stats")
            check("canary_hit_count is 0", stats.get("canary_hit_count") == 0,
                  json.dumps(stats.get("canary_hits"))[:2000])
            hits = stats.get("hits", {})
            check("/ok/article.html was fetched", hits.get("/ok/article.html", 0) >= 1, json.dumps(hits)[:500])

            db_path = os.path.join(tmp, "state", "tributary.db")
            con = sqlite3.connect(db_path)
            rows = con.execute(
                "SELECT json_extract(i.entry_json, '$.link'), a.status, a.reason, a.detail, a.text "
                "FROM items i LEFT JOIN articles a ON a.item_id = i.id").fetchall()
            by_link = {r[0]: r for r in rows}
            print("info: %d items, %d with an article row" % (len(rows), sum(1 for r in rows if r[1])))
            g = by_link.get(good[1])
            check("the good article is extracted", g is not None and g[1] == "ok" and "Lorem ipsum" in (g[4] or ""),
                  repr(g))
            for name, link in internal:
                r = by_link.get(link)
                check("%s: refused as blocked" % name, r is not None and r[1] == "failed" and r[2] == "blocked",
                      repr(r))
            for name, link in other:
                r = by_link.get(link)
                refused = r is not None and (r[1] is None or r[1] == "failed")
                check("%s: no article" % name, refused, repr(r))
            internal_links = [r for r in rows if r[0] and (":%d" % canary) in r[0]]
            check("internal-links feed items stored and refused",
                  len(internal_links) >= 4 and all(r[1] != "ok" for r in internal_links), repr(internal_links))
            con.close()

            def files_under(path):
                for root, _, names in os.walk(path):
                    for n in names:
                        yield os.path.join(root, n)

            leaked = []
            for p in list(files_under(os.path.join(tmp, "state"))) + list(files_under(os.path.join(tmp, "public"))):
                with open(p, "rb") as f:
                    data = f.read()
                if CANARY_TOKEN.encode() in data:
                    leaked.append(p)
            check("no canary token in the store or outputs", not leaked, ", ".join(leaked))
            atom_path = os.path.join(tmp, "public", "all.atom")
            atom = open(atom_path, encoding="utf-8").read() if os.path.exists(atom_path) else ""
            check("all.atom carries the extracted article", "Lorem ipsum dolor sit amet" in atom)
            blocked_lines = [line for line in log.splitlines() if "blocked private address" in line]
            check("blocked fetches are logged", len(blocked_lines) >= len(internal), "%d lines" % len(blocked_lines))
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()

    failed = results.count(False)
    print("%d passed, %d failed" % (len(results) - failed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
