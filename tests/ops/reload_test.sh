#!/bin/bash
# reload_test.sh TRIBUTARY - edit the feeds file while the daemon runs:
#   1. a valid edit (editor-style: new file renamed over the old one) that
#      removes feed beta and adds gamma: beta stops, gamma starts, alpha keeps
#      its schedule and state (not polled again, same row and validators);
#   2. an invalid edit (written in place): reported as FILE:LINE:COL, ignored,
#      the running config kept (still serving alpha and gamma);
#   3. a valid edit that brings beta back: its stored state (row, validators,
#      items) is still there;
#   4. SIGHUP without a change: another RELOADING=1/READY=1 pair.
# Between 3 and 4, `tributary backup` copies the store while it runs.
# Every reload must be framed by RELOADING=1 ... READY=1 (sd_notify, recorded
# by notify_harness.py), and a SIGTERM at the end gives STOPPING=1 and exit 0.
# Exit 0 pass, 1 fail, 77 skipped (python3 or sqlite3 missing).
set -euo pipefail
BIN=$(realpath "${1:?usage: reload_test.sh TRIBUTARY}")
HERE=$(cd "$(dirname "$0")" && pwd)
command -v python3 >/dev/null || { echo "SKIP: python3 missing"; exit 77; }
command -v sqlite3 >/dev/null || { echo "SKIP: sqlite3 missing"; exit 77; }

W=$(mktemp -d /tmp/tributary-reload.XXXXXX)
PIDS=()
cleanup() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true
            [ "${KEEP:-0}" = 1 ] && echo "kept $W" || rm -rf "$W"; }
trap cleanup EXIT
T0=$(date +%s.%N)
log() { printf '[%6.2fs] %s\n' "$(echo "$(date +%s.%N) - $T0" | bc)" "$*"; }
ok() { log "PASS: $*"; }
die() { log "FAIL: $*"; echo "--- daemon log"; tail -30 "$W/daemon.log"; echo "--- notify"; cat "$W/notify.log"; exit 1; }
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# Upstream feeds on loopback.
mkdir -p "$W/up"
# Titles unlike each other, so that dedup keeps the feeds' items apart.
declare -A TITLE=([alpha]="Harvest festival number %d draws record crowds"
                  [beta]="Bridge repairs on route %d delayed again"
                  [gamma]="Comet %d visible tonight from the north")
for name in alpha beta gamma; do
  { echo '<?xml version="1.0"?><rss version="2.0"><channel><title>'$name'</title><link>http://example.com/</link>'
    for i in 1 2 3; do
      printf "<item><title>${TITLE[$name]}</title><guid>urn:$name:$i</guid><link>http://example.com/$name/$i</link></item>\n" "$i"
    done
    echo '</channel></rss>'; } >"$W/up/$name.xml"
done
UP=$(free_port)
python3 -m http.server "$UP" --bind 127.0.0.1 --directory "$W/up" >"$W/up.log" 2>&1 &
PIDS+=($!)
PORT=$(free_port)
for _ in $(seq 50); do curl -fs "http://127.0.0.1:$UP/alpha.xml" >/dev/null && break; sleep 0.1; done

CONF=$W/etc/tributary.toml
mkdir -p "$W/etc"
conf() {  # conf FEED... (feeds by name) [then raw TOML on stdin]
  { echo "# reload test"
    echo "[daemon]"
    echo "state_dir = \"$W/state\""
    echo "listen = \"127.0.0.1:$PORT\""
    for f in "$@"; do printf '\n[[feed]]\nurl = "http://127.0.0.1:%s/%s.xml"\nfull_text = false\n' "$UP" "$f"; done
    cat; }
}
conf alpha beta </dev/null >"$CONF"

python3 "$HERE/notify_harness.py" "$W/notify.log" -- "$BIN" run --config "$CONF" >"$W/daemon.log" 2>&1 &
PIDS+=($!)
HARNESS=$!
for _ in $(seq 100); do grep -q "READY=1" "$W/notify.log" 2>/dev/null && break; sleep 0.1; done
grep -q "READY=1" "$W/notify.log" || die "no READY=1"
DAEMON=$(cat "$W/notify.log.pid")
DB=$W/state/tributary.db
q() { sqlite3 -readonly "$DB" "$1"; }
polled() { q "SELECT count(*) FROM feeds WHERE url LIKE '%/$1.xml' AND last_poll IS NOT NULL" 2>/dev/null || echo 0; }
served() {  # served FEED N: item N of FEED is an entry of all.atom
  local t page; t=$(printf "${TITLE[$1]}" "$2")
  page=$(curl -fs "http://127.0.0.1:$PORT/feeds/all.atom" 2>/dev/null) && grep -q "<title>$t</title>" <<<"$page"
}
wait_for() { for _ in $(seq 150); do eval "$1" && return 0; sleep 0.1; done; return 1; }
notify_count() { grep -c "$1" "$W/notify.log" || true; }
ok "started, READY=1"

wait_for '[ "$(polled alpha)" = 1 ] && [ "$(polled beta)" = 1 ]' || die "alpha and beta not polled"
wait_for 'served beta 3 && served alpha 3' || die "alpha and beta not served"
alpha_before=$(q "SELECT id, last_poll, next_poll, etag, last_modified FROM feeds WHERE url LIKE '%/alpha.xml'")
beta_before=$(q "SELECT id, etag, last_modified FROM feeds WHERE url LIKE '%/beta.xml'")
beta_items=$(q "SELECT count(*) FROM item_sources s JOIN feeds f ON f.id = s.feed_id WHERE f.url LIKE '%/beta.xml'")
ok "alpha and beta polled and served ($beta_items beta items stored)"

# 1. valid edit, as editors save: a new file renamed over the old one.
sleep 1.1   # a reload in the same second as the first poll could hide a re-poll
conf alpha gamma </dev/null >"$CONF.new" && mv "$CONF.new" "$CONF"
wait_for '[ "$(notify_count RELOADING=1)" -ge 1 ]' || die "file change: no RELOADING=1"
wait_for '[ "$(polled gamma)" = 1 ]' || die "added feed gamma not polled"
wait_for 'served gamma 2' || die "gamma not served"
grep -q -E "1 added, 1 removed, 0 changed, 1 unchanged" "$W/daemon.log" || die "reload summary missing"
[ "$(q "SELECT id, last_poll, next_poll, etag, last_modified FROM feeds WHERE url LIKE '%/alpha.xml'")" = "$alpha_before" ] \
  || die "unchanged feed alpha lost its schedule/state: $alpha_before -> $(q "SELECT id, last_poll, next_poll, etag FROM feeds WHERE url LIKE '%/alpha.xml'")"
ok "valid edit: beta removed, gamma added and polled, alpha kept its schedule and state"
sleep 2.5
curl -fs "http://127.0.0.1:$PORT/feeds/all.atom" >"$W/after-removal.atom" || die "no all.atom"
grep -q "<title>Bridge repairs" "$W/after-removal.atom" && die "removed feed beta still in the output ($W/after-removal.atom)"
ok "removed feed beta left the outputs"

# 2. invalid edit, written in place.
reloads=$(notify_count RELOADING=1)
conf alpha gamma >"$CONF" <<'T'

[[feed]]
url = "http://127.0.0.1:1/delta.xml"
interval = "1m"
T
wait_for '[ "$(notify_count RELOADING=1)" -gt '"$reloads"' ]' || die "invalid edit: no RELOADING=1"
wait_for 'grep -q "reload rejected" "$W/daemon.log"' || die "invalid edit not rejected"
grep -q "reload rejected (1 problem); still running generation" "$W/daemon.log" \
  || die "rejection line: $(grep "reload rejected" "$W/daemon.log")"
line=$(grep -n '^interval = "1m"' "$CONF" | cut -d: -f1)
grep -q "$CONF:$line:12: 'interval' is below the minimum poll interval" "$W/daemon.log" \
  || die "invalid edit not reported as $CONF:$line:12"
sleep 0.5
[ "$(tail -1 "$W/notify.log" | cut -d' ' -f2-)" != "" ] && tail -2 "$W/notify.log" | grep -q "READY=1" \
  || die "no READY=1 after the rejected reload"
wait_for 'served gamma 2 && served alpha 1' \
  || { curl -fs "http://127.0.0.1:$PORT/feeds/all.atom" | grep -o '<title>[^<]*</title>'
       die "running config not kept after a rejected edit (served titles above)"; }
kill -0 "$DAEMON" || die "daemon died"
ok "invalid edit: reported as tributary.toml:$line:12, ignored, READY=1, still serving"

# 3. valid edit: beta is back with its old state.
reloads=$(notify_count RELOADING=1)
conf alpha gamma beta </dev/null >"$CONF.new" && mv "$CONF.new" "$CONF"
wait_for '[ "$(notify_count RELOADING=1)" -gt '"$reloads"' ]' || die "third edit: no RELOADING=1"
wait_for 'grep -q "1 added, 0 removed, 0 changed, 2 unchanged" "$W/daemon.log"' || die "beta not re-added"
[ "$(q "SELECT id, etag, last_modified FROM feeds WHERE url LIKE '%/beta.xml'")" = "$beta_before" ] || die "beta's state changed"
[ "$(q "SELECT count(*) FROM item_sources s JOIN feeds f ON f.id = s.feed_id WHERE f.url LIKE '%/beta.xml'")" = "$beta_items" ] \
  || die "beta's items changed"
wait_for 'served beta 3' || die "beta not served again"
ok "valid edit: beta back with its row, validators and $beta_items items"

# A backup while the daemon runs: complete, checked, one self-contained file.
"$BIN" backup "$W/backup.db" --config "$CONF" 2>"$W/backup.log" || { cat "$W/backup.log"; die "tributary backup"; }
grep -q "integrity ok" "$W/backup.log" || die "backup did not report its check"
[ "$(sqlite3 "$W/backup.db" 'PRAGMA integrity_check')" = ok ] || die "backup integrity"
[ "$(sqlite3 "$W/backup.db" 'SELECT count(*) FROM items')" = "$(q 'SELECT count(*) FROM items')" ] || die "backup item count"
[ -e "$W/backup.db-wal" ] && die "backup left a WAL file"
ok "tributary backup while running: $(cat "$W/backup.log")"

# 4. SIGHUP with nothing changed still reloads (and says so).
reloads=$(notify_count RELOADING=1)
kill -HUP "$DAEMON"
wait_for '[ "$(notify_count RELOADING=1)" -gt '"$reloads"' ]' || die "SIGHUP: no RELOADING=1"
wait_for 'grep -q "0 added, 0 removed, 0 changed, 3 unchanged" "$W/daemon.log"' || die "SIGHUP reload not applied"
ok "SIGHUP: reloaded, nothing changed"

# Every RELOADING=1 is followed by a READY=1 before the next one.
awk '/RELOADING=1/{ if (open) bad=1; open=1 } /READY=1/{ open=0 } END { exit bad || open }' "$W/notify.log" \
  || die "RELOADING=1 without READY=1"
kill -TERM "$DAEMON"
wait "$HARNESS" || die "daemon exit status $?"
grep -q "STOPPING=1" "$W/notify.log" || die "no STOPPING=1"
grep -q "EXIT 0" "$W/notify.log" || die "not exit 0"
ok "$(notify_count RELOADING=1) reloads, each RELOADING=1 ... READY=1; SIGTERM -> STOPPING=1, exit 0"
