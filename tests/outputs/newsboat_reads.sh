#!/usr/bin/env bash
# A real feed reader subscribes to the served output: the daemon polls the
# fixture feeds (file:// URLs) and serves /feeds/all.atom on a loopback
# port; newsboat reloads it into its cache, and every entry of the served
# document must be in newsboat's cache with the same title and link.
#
#   usage: newsboat_reads.sh TRIBUTARY [CORPUS_DIR]
# With CORPUS_DIR (the generated c2000 corpus), 30 of its feeds are added.
# Exit 0 pass, 1 fail, 77 skip (newsboat or sqlite3 missing).
set -u
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
fixtures=$(cd "$here/../fixtures/outputs" && pwd)
tributary=${1:?usage: newsboat_reads.sh TRIBUTARY [CORPUS_DIR]}
corpus=${2:-}
py=/usr/bin/python3
command -v newsboat >/dev/null || { echo "SKIP: newsboat not installed"; exit 77; }
command -v curl >/dev/null || { echo "SKIP: curl not installed"; exit 77; }

work=$(mktemp -d "${TMPDIR:-/tmp}/tributary-newsboat.XXXXXX")
daemon_pid=
cleanup() {
  [ -n "$daemon_pid" ] && kill "$daemon_pid" 2>/dev/null && wait "$daemon_pid" 2>/dev/null
  [ -n "${KEEP:-}" ] && echo "work dir: $work" || rm -rf "$work"
}
trap cleanup EXIT

port=$("$py" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
{
  printf '[daemon]\nstate_dir = "%s/state"\noutput_dir = "%s/public"\nlisten = "127.0.0.1:%s"\n\n' "$work" "$work" "$port"
  for f in "$fixtures"/*; do printf '[[feed]]\nurl = "file://%s"\nfull_text = false\n\n' "$f"; done
  if [ -n "$corpus" ] && [ -d "$corpus/feeds" ]; then
    find "$corpus/feeds" -name '*.xml' | sort | awk 'NR % 67 == 3' | head -30 |
      while read -r f; do printf '[[feed]]\nurl = "file://%s"\nfull_text = false\n\n' "$f"; done
  fi
  printf '[[output]]\nname = "all"\nlimit = 1000\n'
} > "$work/feeds.toml"
feeds=$(grep -c '^\[\[feed\]\]' "$work/feeds.toml")

"$tributary" run --config "$work/feeds.toml" > "$work/daemon.log" 2>&1 &
daemon_pid=$!
url="http://127.0.0.1:$port/feeds/all.atom"
# Wait until every feed has been polled and the output rendered.
for _ in $(seq 1 150); do
  polled=$(grep -c ': [0-9]* new, ' "$work/daemon.log" 2>/dev/null || true)
  if [ "${polled:-0}" -ge "$feeds" ] && curl -fsS -o "$work/served.atom" "$url" 2>/dev/null &&
     grep -q '<entry' "$work/served.atom"; then
    sleep 3  # the debounced render after the last poll
    curl -fsS -o "$work/served.atom" "$url" && break
  fi
  sleep 0.2
done
[ -s "$work/served.atom" ] || { echo "FAIL: $url never served"; tail -20 "$work/daemon.log"; exit 1; }

mkdir -p "$work/home"
echo "$url" > "$work/urls"
: > "$work/newsboat.conf"
if ! HOME="$work/home" newsboat -u "$work/urls" -c "$work/cache.db" -C "$work/newsboat.conf" -x reload \
     > "$work/newsboat.log" 2>&1; then
  echo "FAIL: newsboat reload failed"; cat "$work/newsboat.log"; exit 1
fi
HOME="$work/home" newsboat -u "$work/urls" -c "$work/cache.db" -C "$work/newsboat.conf" -x print-unread \
  > "$work/unread.txt" 2>&1
echo "newsboat print-unread: $(cat "$work/unread.txt")"

"$py" - "$work/served.atom" "$work/cache.db" <<'PY'
import sqlite3, sys, xml.etree.ElementTree as ET
A = "{http://www.w3.org/2005/Atom}"
root = ET.parse(sys.argv[1]).getroot()
served = []
for e in root.findall(A + "entry"):
    link = next((l.get("href") for l in e.findall(A + "link") if l.get("rel", "alternate") == "alternate"), "")
    served.append((e.findtext(A + "id"), e.findtext(A + "title") or "", link))
db = sqlite3.connect(sys.argv[2])
cached = {guid: (title, url) for guid, title, url in db.execute("SELECT guid, title, url FROM rss_item")}
bad = 0
for guid, title, link in served:
    got = cached.get(guid)
    if got is None:
        bad += 1; print("MISSING %s %r" % (guid, title))
    elif got != (title, link):
        bad += 1; print("DIFFERS %s: served %r, newsboat %r" % (guid, (title, link), got))
print("newsboat: %d of %d served entries read with the right title and link (%d in its cache)"
      % (len(served) - bad, len(served), len(cached)))
sys.exit(1 if bad or not served else 0)
PY
