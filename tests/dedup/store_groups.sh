#!/bin/sh
# The daemon's dedup end to end: generates a small feed corpus with the
# shared generator (shared/bench/gen_feeds.py, its duplicate groups known),
# serves it on loopback, runs `tributary run --once` on it and checks the
# store's items against the corpus's groups (check_store_groups.py).
# Exits 77 (skipped) when shared/ is absent.
#
#   store_groups.sh TRIBUTARY_BINARY SHARED_DIR [FEEDS] [--keep]
set -u
bin=$1
shared=$2
feeds=${3:-200}
keep=${4:-}
here=$(cd "$(dirname "$0")" && pwd)
gen=$shared/bench/gen_feeds.py
if [ ! -f "$gen" ]; then
  echo "SKIP: $shared (the shared test material) is not present"
  exit 77
fi
work=$(mktemp -d "${TMPDIR:-/tmp}/tributary-store-groups.XXXXXX")
server=
cleanup() {
  [ -n "$server" ] && kill "$server" 2>/dev/null
  if [ "$keep" = "--keep" ]; then echo "kept $work"; else rm -rf "$work"; fi
}
trap cleanup EXIT INT TERM

python3 "$gen" "$work/corpus" --feeds "$feeds" --no-gz > "$work/gen.log" 2>&1 || {
  cat "$work/gen.log"
  exit 1
}
# A free loopback port, then a plain static server on it.
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
python3 -m http.server --bind 127.0.0.1 --directory "$work/corpus" "$port" > "$work/server.log" 2>&1 &
server=$!
for _ in 1 2 3 4 5 6 7 8 9 10; do
  python3 -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:$port/feeds.txt', timeout=1)" \
    2> /dev/null && break
  sleep 0.5
done

config=$work/tributary.toml
{
  echo "[daemon]"
  echo "state_dir = \"$work/state\""
  echo "output_dir = \"$work/out\""
  echo "listen = \"\""
  while read -r path; do
    echo
    echo "[[feed]]"
    echo "url = \"http://127.0.0.1:$port/$path\""
    echo "full_text = false"
  done < "$work/corpus/feeds.txt"
} > "$config"

"$bin" run --config "$config" --once > "$work/run.log" 2>&1 || {
  tail -20 "$work/run.log"
  echo "FAIL: tributary run --once exited with an error"
  exit 1
}
grep -E "polled [0-9]+ feeds" "$work/run.log" | tail -1
python3 "$here/check_store_groups.py" "$work/state/tributary.db" "$work/corpus"
