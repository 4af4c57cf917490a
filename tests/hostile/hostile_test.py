#!/usr/bin/env python3
"""The hostile-server suite: tributary against every misbehaving path of
../shared/hostile/hostile_server.py.

    hostile_test.py TRIBUTARY_BINARY [--seconds N] [--shared DIR] [--keep DIR]

Starts the server on a free loopback port (its canary on the next one),
writes a config that subscribes to every case of its index with
?good_first=1 (allow_private = exactly the server's origin, 4 s intervals
and floor, 16 connections to the one test host), runs the daemon for a
bounded time, then checks every case against the server's /_stats, the
daemon's log and its store, plus global properties: no canary hit, the
daemon stayed up and kept serving, its peak RSS (VmHWM) stayed below the
budget (not checked for sanitizer builds), nothing stored or published is
invalid UTF-8, holds C0 controls, the canary token or /etc/passwd lines, and
every XSS output passes check_sanitized.py.

The seed documents date their items in 2023: the daemon stretches the poll
interval of such a quiet feed by its posting rate, up to 8x (32 s here), so
a successful feed is polled about every 32 s and a failing one backs off
from 4 s (4, 8, 16, 32 s...), with 10% jitter either way.

Prints one line per case (PASS/FAIL and why), then "N passed, M failed".
Exit status: 0 all passed, 1 failures, 77 skipped (no ../shared).
"""

import argparse
import json
import os
import re
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.request
import xml.etree.ElementTree as ET

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_SHARED = os.path.normpath(os.path.join(HERE, "..", "..", "..", "shared"))
RSS_BUDGET_KB = 150 * 1024
CANARY_TOKEN = "TRIBUTARY-CANARY-7f3a9c"


def free_port_pair():
    """A port P with P+1 also free (the server puts its canary there)."""
    for _ in range(200):
        s = socket.socket()
        s.bind(("127.0.0.1", 0))
        p = s.getsockname()[1]
        s.close()
        if p >= 65000:
            continue
        try:
            t = socket.socket()
            t.bind(("127.0.0.1", p + 1))
            t.close()
            return p
        except OSError:
            continue
    raise RuntimeError("no free port pair")


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    p = s.getsockname()[1]
    s.close()
    return p


def get(url, timeout=10):
    with urllib.request.urlopen(url, timeout=timeout) as r:
        return r.status, r.read()


def sanitized(binary):
    """True for an ASan/UBSan build, whose RSS says nothing about ours."""
    try:
        with open(binary, "rb") as f:
            return b"__asan_init" in f.read()
    except OSError:
        return False


def polls(times, window=1.0):
    """Request times grouped into polls: the hops of one poll's redirect
    chain arrive within milliseconds of each other."""
    out = []
    for t in times:
        if out and t - out[-1][-1] < window:
            out[-1].append(t)
        else:
            out.append([t])
    return out


def announced_delay(line):
    """Seconds of "next poll in 40s" / "3m" / "1h05m" / "2d3h" in a log line."""
    m = re.search(r"next poll in (?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?\b", line)
    if not m or not any(m.groups()):
        return None
    d, h, mi, s = (int(g or 0) for g in m.groups())
    return ((d * 24 + h) * 60 + mi) * 60 + s


def vm_hwm_kb(pid):
    try:
        with open("/proc/%d/status" % pid) as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return None


# --------------------------------------------------------------- expectations
#
# Each case path maps to what a robust poll of it looks like. Every case also
# gets the common checks (seed items kept, one clear log line per failure,
# polled more than once unless held back).
#
#   ok      polls succeed: no error recorded, items stored
#   error   polls fail with a log line naming the URL and a cause matching `cause`
#   either  success or a clean, logged failure (documented tolerant decoding)
#   held    after the seed, one failed poll and then no more during the run
#   moved   a validated 301/308: the stored URL is /moved/rss.xml and the
#           original path is not polled after the move

# Paths other cases' redirects also reach, so their hits mix several feeds'
# polls (how many feeds): /redirect/temporary -> /ok/rss.xml, the permanent
# moves -> /moved/rss.xml, and the ping-pong pair into each other. Their gaps
# say nothing about one feed's schedule; only their total is bounded.
SHARED = {"/ok/rss.xml": 2, "/moved/rss.xml": 3, "/redirect/pingpong-a": 2, "/redirect/pingpong-b": 2}
MAX_HOPS = 6  # a poll and its redirects (the daemon's limit is 5)
INTERVAL = 4  # seconds, the configured interval and floor
MIN_GAP = 3.0  # below the floor minus jitter: a retry loop

TIMEOUT = r"timeout"
TOO_LARGE = r"body too large"
REDIRECTS = r"too many redirects"
BLOCKED = r"blocked private address|forbidden scheme|bad URL"
NOT_FEED = r"parse error|not a feed|empty response"
DECODE = r"content decoding failed|parse error|truncated|connection error"
PROTOCOL = r"protocol error|connection error|connection failed"

EXPECT = {
    "/ok/rss.xml": ("ok", None),
    "/ok/atom.xml": ("ok", None),
    "/ok/article.html": ("error", NOT_FEED),
    "/moved/rss.xml": ("ok", None),
    "/slow/drip": ("error", TIMEOUT),
    "/slow/headers": ("error", TIMEOUT),
    "/slow/stall": ("error", TIMEOUT),
    "/slow/no-response": ("error", TIMEOUT),
    "/size/infinite": ("error", TOO_LARGE),
    "/size/huge-announced": ("error", TOO_LARGE),
    # Content-Length: 1 GiB, then a small feed and EOF: refused up front as
    # over the body cap (what /size/huge-announced asks for; the two are the
    # same until the body) or, read on, a truncated transfer. Either way an
    # error and nothing stored.
    "/size/lying-length": ("error", r"truncated|body too large"),
    "/size/short-length": ("error", NOT_FEED),
    "/bomb/gzip": ("error", TOO_LARGE),
    "/bomb/gzip-nested": ("error", TOO_LARGE),
    "/bomb/many-encodings": ("error", DECODE),
    "/encoding/deflate-is-gzip": ("either", DECODE),
    "/encoding/deflate-raw": ("either", DECODE),
    "/encoding/br-is-gzip": ("error", DECODE),
    "/encoding/gzip-is-plain": ("error", DECODE),
    "/encoding/unknown": ("error", DECODE),
    "/encoding/gzip-truncated": ("error", DECODE),
    "/encoding/gzip-trailing-garbage": ("either", DECODE),
    "/redirect/loop": ("error", REDIRECTS),
    "/redirect/pingpong-a": ("error", REDIRECTS),
    "/redirect/pingpong-b": ("error", REDIRECTS),
    "/redirect/chain": ("error", REDIRECTS),
    "/redirect/permanent": ("moved", None),
    "/redirect/permanent-308": ("moved", None),
    "/redirect/temporary": ("ok", None),
    "/redirect/no-location": ("error", r"redirect without a Location"),
    "/redirect/malformed-location": ("error", r"bad URL|malformed|redirect"),
    "/cache/etag": ("ok", None),
    "/cache/always-304": ("ok", None),
    "/cache/304-with-body": ("ok", None),
    "/rate/429": ("held", r"rate limited until"),
    "/rate/429-http-date": ("held", r"rate limited until"),
    "/rate/503": ("held", r"rate limited until"),
    "/rate/retry-after-garbage": ("error", r"rate limited \(HTTP 503\)"),
    "/rate/retry-after-huge": ("held", r"rate limited until"),
    "/rate/retry-after-negative": ("error", r"rate limited \(HTTP 429\)"),
    "/error/500": ("error", r"http: status 500"),
    "/error/flaky": ("flaky", r"http: status 500"),
    "/error/404": ("error", r"http: status 404"),
    "/error/410": ("gone", r"gone \(HTTP 410\)"),
    "/error/reset": ("error", PROTOCOL),
    "/error/bad-status-line": ("error", PROTOCOL),
    "/error/not-http": ("error", PROTOCOL),
    "/error/huge-header": ("error", r"headers too large|protocol error|connection error"),
    "/ctype/rss-as-text-html": ("ok", None),
    "/ctype/html-as-rss": ("error", NOT_FEED),
    "/ctype/binary-as-xml": ("error", NOT_FEED),
    "/ctype/json-feed": ("either", NOT_FEED),
    "/xml/empty-body": ("error", r"empty response"),
    "/xml/not-a-feed": ("error", NOT_FEED),
    "/xml/truncated": ("either", NOT_FEED),
}
for _p in ["/redirect/permanent-to-internal", "/redirect/to-canary", "/redirect/to-localhost-name",
           "/redirect/to-decimal-ip", "/redirect/to-hex-ip", "/redirect/to-short-ip", "/redirect/to-zero",
           "/redirect/to-ipv6-loopback", "/redirect/to-ipv4-mapped", "/redirect/to-loopback-alias",
           "/redirect/to-metadata", "/redirect/to-rfc1918", "/redirect/to-file", "/redirect/to-gopher"]:
    EXPECT[_p] = ("error", BLOCKED + r"|connection failed|DNS lookup failed")
for _p in ["/html/deep-nesting", "/html/deep-nesting-unclosed", "/html/wide", "/html/many-attributes",
           "/html/meta-refresh-to-canary", "/html/charset-mismatch"]:
    EXPECT[_p] = ("error", NOT_FEED)
# Everything else (charset, text, xml, xss, ...) must simply parse or fail
# cleanly; most parse.
DEFAULT = ("either", NOT_FEED)


class Suite:
    def __init__(self, args):
        self.args = args
        self.results = []  # (ok, name, detail)

    def check(self, ok, name, detail=""):
        self.results.append((bool(ok), name, detail))

    def run(self):
        a = self.args
        shared = a.shared or os.environ.get("TRIBUTARY_SHARED") or DEFAULT_SHARED
        server_py = os.path.join(shared, "hostile", "hostile_server.py")
        if not os.path.isfile(server_py):
            print("SKIP: %s not found (the hostile kit in ../shared is absent)" % server_py)
            return 77
        work = a.keep or tempfile.mkdtemp(prefix="tributary-hostile-")
        os.makedirs(work, exist_ok=True)
        port = free_port_pair()
        listen_port = free_port()
        origin = "http://127.0.0.1:%d" % port
        server_log = open(os.path.join(work, "server.log"), "w")
        server = subprocess.Popen([sys.executable, server_py, "--port", str(port), "--quiet",
                                   "--max-stream-seconds", "60"],
                                  stdout=server_log, stderr=subprocess.STDOUT)
        daemon = None
        try:
            for _ in range(100):
                try:
                    get(origin + "/", 2)
                    break
                except OSError:
                    time.sleep(0.1)
            index = json.loads(get(origin + "/")[1])
            cases = [c["path"] for c in index["cases"]]
            config = os.path.join(work, "tributary.toml")
            with open(config, "w") as f:
                f.write('[daemon]\nstate_dir = "state"\noutput_dir = "out"\n')
                f.write('listen = "127.0.0.1:%d"\n' % listen_port)
                f.write('min_interval = "%ds"\ninterval = "%ds"\n' % (INTERVAL, INTERVAL))
                f.write('allow_private = ["%s"]\n' % origin)
                f.write("domain_connections = 16\nmax_connections = 32\n")
                for path in cases:
                    tags = '["xss"]' if path.startswith("/xss/") else '["hostile"]'
                    f.write('\n[[feed]]\nurl = "%s%s?good_first=1"\ntags = %s\nfull_text = false\n'
                            % (origin, path, tags))
                f.write('\n[[output]]\nname = "xss"\ntags = ["xss"]\nformats = ["atom"]\nlimit = 5000\n')
                f.write('\n[[output]]\nname = "hostile"\ntags = ["hostile"]\nformats = ["atom", "rss", "json"]\n'
                        'limit = 5000\n')
            log_path = os.path.join(work, "daemon.log")
            log = open(log_path, "w")
            env = dict(os.environ)
            env.pop("NOTIFY_SOCKET", None)
            t0 = time.time()
            daemon = subprocess.Popen([a.tributary, "run", "--config", config], stdout=log, stderr=subprocess.STDOUT,
                                      env=env, cwd=work)
            served = 0
            peak = 0
            while time.time() - t0 < a.seconds:
                time.sleep(2)
                if daemon.poll() is not None:
                    break
                peak = max(peak, vm_hwm_kb(daemon.pid) or 0)
                try:
                    if get("http://127.0.0.1:%d/feeds/hostile.atom" % listen_port, 5)[0] == 200:
                        served += 1
                except OSError:
                    pass
            alive = daemon.poll() is None
            peak = max(peak, vm_hwm_kb(daemon.pid) or 0) if alive else peak
            health = metrics = ""
            if alive:
                try:
                    health = get("http://127.0.0.1:%d/healthz" % listen_port, 5)[1].decode()
                    metrics = get("http://127.0.0.1:%d/metrics" % listen_port, 5)[1].decode()
                except OSError as e:
                    health = health or "unreachable: %s" % e
            stats = json.loads(get(origin + "/_stats")[1])
            with open(os.path.join(work, "stats.json"), "w") as f:
                json.dump(stats, f, indent=1)
            if alive:
                daemon.send_signal(signal.SIGTERM)
                try:
                    daemon.wait(30)
                except subprocess.TimeoutExpired:
                    daemon.kill()
                    daemon.wait()
            log.close()
            elapsed = time.time() - t0
            self.check(alive, "daemon stayed up for %.0f s" % a.seconds,
                       "" if alive else "exited with %s" % daemon.returncode)
            self.check(daemon.returncode == 0, "daemon exited cleanly on SIGTERM", "status %s" % daemon.returncode)
            self.check(served >= 3, "daemon kept serving its outputs", "%d successful GETs" % served)
            self.check(health.startswith("ok:"), "/healthz is ok: %s" % health.strip(), health)
            polled = sum(float(l.split()[-1]) for l in metrics.splitlines() if l.startswith("tributary_polls_total{"))
            failed_polls = sum(float(l.split()[-1]) for l in metrics.splitlines()
                               if l.startswith("tributary_poll_errors_total{"))
            self.check(polled >= len(cases) and failed_polls > 0,
                       "/metrics counts polls (%d, %d failed)" % (polled, failed_polls), metrics[:300])
            if sanitized(a.tributary):
                self.check(peak > 0, "peak RSS %.1f MiB (budget not checked: sanitizer build)" % (peak / 1024))
            else:
                self.check(0 < peak < RSS_BUDGET_KB, "peak RSS %.1f MiB < %d MiB" % (peak / 1024, RSS_BUDGET_KB // 1024))
            self.check(stats["canary_hit_count"] == 0, "0 canary hits", json.dumps(stats["canary_hits"])[:300])
            lines = open(log_path, errors="replace").read().splitlines()
            self.check(not any("terminate called" in l or "Assertion" in l or "AddressSanitizer" in l for l in lines),
                       "no crash or assertion in the log")
            db = sqlite3.connect("file:%s?mode=ro" % os.path.join(work, "state", "tributary.db"), uri=True)
            self.check_cases(cases, origin, stats, lines, db, elapsed)
            self.check_store(db)
            self.check_outputs(work, shared)
            print("work directory: %s (%.0f s run)" % (work, elapsed))
        finally:
            if daemon and daemon.poll() is None:
                daemon.kill()
            server.terminate()
            try:
                server.wait(10)
            except subprocess.TimeoutExpired:
                server.kill()
        failed = [r for r in self.results if not r[0]]
        for ok, name, detail in self.results:
            print("%s %s%s" % ("PASS" if ok else "FAIL", name, (": " + detail) if detail and not ok else ""))
        print("%d passed, %d failed" % (len(self.results) - len(failed), len(failed)))
        return 1 if failed else 0

    def check_cases(self, cases, origin, stats, lines, db, elapsed):
        hits = stats["hits"]
        times = stats["hit_times"]
        rows = {}
        for r in db.execute("SELECT id, url, effective_url, last_status, last_error, error_count, hold, next_poll "
                            "FROM feeds"):
            rows[r[1]] = r
        items = dict(db.execute("SELECT feed_id, count(*) FROM item_sources GROUP BY feed_id").fetchall())
        # Items other than the seed's (whose GUIDs are urn:tributary-test:seed-...).
        unseeded = dict(db.execute("SELECT feed_id, count(*) FROM item_sources "
                                   "WHERE item_key NOT LIKE 'id:urn:tributary-test:seed-%' GROUP BY feed_id").fetchall())
        for path in cases:
            url = "%s%s?good_first=1" % (origin, path)
            kind, cause = EXPECT.get(path, DEFAULT)
            row = rows.get(url)
            if row is None:
                self.check(False, path, "no feed row in the store")
                continue
            fid, _, effective, status, error, errors, hold, next_poll = row
            n_items = items.get(fid, 0)
            feed_lines = [l for l in lines if (" %s: " % url) in l]
            warn = [l for l in feed_lines if l.startswith("<4>") or l.startswith("<3>")]
            n = hits.get(path, 0)
            # /_stats keeps the last 50 request times of a path.
            runs = polls(times.get(path, []))
            starts = [r[0] for r in runs]
            gaps = [b - a for a, b in zip(starts, starts[1:])] if path not in SHARED else []
            problems = []
            # Common: the seed poll's three items are never lost.
            if n_items < 3:
                problems.append("only %d items stored (the 3 seed items must stay)" % n_items)
            if n < 2 and kind not in ("moved",):
                problems.append("polled %d time(s)" % n)
            if gaps and min(gaps) < MIN_GAP:
                problems.append("tight retry loop (gap %.1f s)" % min(gaps))
            feeds_here = SHARED.get(path, 1)
            if max(len(r) for r in runs or [[]]) > MAX_HOPS * feeds_here:
                problems.append("tight retry loop (%d requests within a second)" % max(len(r) for r in runs))
            if len(runs) > feeds_here * (elapsed / MIN_GAP + 1):
                problems.append("tight retry loop (%d polls in %.0f s)" % (len(runs), elapsed))
            if any(l.startswith("<3>") for l in feed_lines):
                problems.append("error-level log line: %s" % [l for l in feed_lines if l.startswith("<3>")][0][:200])
            if kind in ("error", "held", "gone", "flaky"):
                matching = [l for l in warn if cause and re.search(cause, l)]
                if not matching:
                    problems.append("no log line naming the URL with cause /%s/; saw %s" %
                                    (cause, (warn[-1][:200] if warn else "no warning")))
            if kind == "ok":
                if error:
                    problems.append("last poll failed: %s" % error)
                if warn:
                    problems.append("warning logged: %s" % warn[0][:200])
            if kind == "error":
                if not error:
                    problems.append("last poll recorded no error (status %s)" % status)
                # Backoff: the delays the daemon announces after each failure
                # grow, and the server saw it wait at least that long. (The
                # gaps between requests also hold each poll's own length, up
                # to the 20 s timeout, so they alone cannot show the doubling.)
                delays = [d for d in (announced_delay(l) for l in warn) if d is not None]
                if len(delays) >= 3 and any(b <= a for a, b in zip(delays, delays[1:])):
                    problems.append("no growing backoff: announced delays %s" % delays)
                # gaps[0] is seed -> first failure; gaps[i] follows failure i.
                early = [(g, d) for g, d in zip(gaps[1:], delays) if g < d - 1.5]
                if early:
                    problems.append("polled %.1f s after announcing %d s" % early[0])
            if kind == "held":
                if n != 2:
                    problems.append("polled %d times (seed + one limited poll expected)" % n)
                if hold != "rate-limited":
                    problems.append("hold is %r" % hold)
                if next_poll and next_poll - time.time() > 24 * 3600 * 1.11:
                    problems.append("held for more than 24 h (until %s)" % next_poll)
            if kind == "gone":
                if n != 2 or hold != "gone":
                    problems.append("410: polled %d times, hold %r" % (n, hold))
            if kind == "flaky":
                if errors > 1:
                    problems.append("error count %d not reset by successes" % errors)
                if not any(" new, " in l for l in feed_lines[1:]) and n < 3:
                    problems.append("never recovered")
            if kind == "moved":
                if not effective.endswith("/moved/rss.xml"):
                    problems.append("stored URL %r, expected /moved/rss.xml" % effective)
                if n != 2:
                    problems.append("original path polled %d times (seed + the 301 expected)" % n)
                if not any("moved permanently to" in l for l in feed_lines):
                    problems.append("move not logged")
            if path == "/redirect/temporary" and effective:
                problems.append("302 rewrote the stored URL to %s" % effective)
            if path in ("/redirect/permanent-to-internal",) and effective:
                problems.append("internal URL persisted: %s" % effective)
            if path == "/cache/etag" and status != 304:
                problems.append("last status %s, expected 304 from the validators" % status)
            if path == "/ok/rss.xml" and unseeded.get(fid, 0) != 3:
                problems.append("%d items besides the seed's, expected exactly 3" % unseeded.get(fid, 0))
            if path == "/xml/many-items" and n_items > 1003:
                problems.append("%d items stored from one document (cap 1000)" % n_items)
            detail = "; ".join(problems) if problems else "%s, %d hits, %d items%s" % (
                kind, n, n_items, (", " + error[:80]) if error else "")
            self.check(not problems, path, detail)

    def check_store(self, db):
        bad_utf8 = controls = canary = passwd = 0
        for (blob,) in db.execute("SELECT CAST(entry_json AS BLOB) FROM items"):
            try:
                text = blob.decode("utf-8")
            except UnicodeDecodeError:
                bad_utf8 += 1
                continue
            value = json.loads(text)
            flat = json.dumps(value, ensure_ascii=False)
            if re.search(r"[\x00-\x08\x0b\x0c\x0e-\x1f]", flat):
                controls += 1
            canary += CANARY_TOKEN in flat
            passwd += bool(re.search(r"root:.*:0:0:", flat))
        self.check(bad_utf8 == 0, "stored items are valid UTF-8", "%d invalid" % bad_utf8)
        self.check(controls == 0, "stored items hold no C0 control characters", "%d items" % controls)
        self.check(canary == 0 and passwd == 0, "no canary token or /etc/passwd line stored",
                   "canary %d, passwd %d" % (canary, passwd))

    def check_outputs(self, work, shared):
        out = os.path.join(work, "out")
        for name in ("hostile.atom", "hostile.rss", "xss.atom"):
            p = os.path.join(out, name)
            if not os.path.isfile(p):
                self.check(False, "output %s is written" % name)
                continue
            data = open(p, "rb").read()
            try:
                data.decode("utf-8")
                ET.fromstring(data)
                ok, detail = True, ""
            except (UnicodeDecodeError, ET.ParseError) as e:
                ok, detail = False, str(e)
            self.check(ok, "output %s is well-formed UTF-8 XML (%d KB)" % (name, len(data) // 1024), detail)
            self.check(CANARY_TOKEN.encode() not in data, "output %s holds no canary token" % name)
        checker = os.path.join(shared, "hostile", "xss", "check_sanitized.py")
        xss = os.path.join(out, "xss.atom")
        if os.path.isfile(checker) and os.path.isfile(xss):
            r = subprocess.run([sys.executable, checker, "-q", xss], capture_output=True, text=True)
            last = (r.stdout.strip().splitlines() or ["(no output)"])[-1]
            m = re.match(r"(\d+) passed, (\d+) failed", last)
            self.check(m is not None and int(m.group(2)) == 0 and int(m.group(1)) > 0,
                       "XSS outputs: check_sanitized.py says %s" % last, r.stdout[-500:])


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("tributary")
    ap.add_argument("--seconds", type=float, default=100)
    ap.add_argument("--shared", help="the ../shared folder (default: next to the checkout)")
    ap.add_argument("--keep", help="work directory to use and keep")
    sys.exit(Suite(ap.parse_args()).run())


if __name__ == "__main__":
    main()
