#!/bin/bash
# ci_systemd_test.sh BUILD_DIR - install tributary with `cmake --install` into
# a throwaway Debian bookworm tree, boot a real systemd in it with
# `systemd-nspawn -b`, and test the shipped unit for real:
#
#   static   systemd-analyze verify prints nothing; security --offline exposure <= 1.5
#   start    an invalid config fails the start (never active); a good one is
#            active (running) only once READY=1 came, and serves at that moment
#   state    the store is written under DynamicUser (uid != 0, /var/lib/private)
#   serve    the outputs are served on loopback with the upstream feeds' items
#   reload   `systemctl reload` applies an edit (feed + output added, same PID);
#            an invalid edit is rejected with line:col and the old config kept
#   watchdog pings arrive (WatchdogSec=2s, no restart); a frozen daemon is
#            restarted with result 'watchdog' and keeps its store
#   sandbox  a probe with the unit's own [Service] lines: read-only /usr and
#            /etc, no netlink, no ptrace, dynamic uid
#   stop     graceful (Deactivated successfully, no SIGKILL), nothing lost:
#            every entry served before the stop is in the store afterwards,
#            which passes PRAGMA integrity_check
#
# Exit 0 pass, 1 fail, 77 skipped (not root, no systemd-nspawn, no tree and
# no debootstrap, no namespaces). Needs the host's build to match bookworm's
# libc (it is built on Debian 12 here).
#
# The debootstrapped tree is cached as a tarball in $CACHE_DIR (default
# /var/cache/tributary-ci), keyed by its package list: the first run takes a
# few minutes, later ones seconds.
set -euo pipefail

BUILD=${1:?usage: ci_systemd_test.sh BUILD_DIR}
BUILD=$(cd "$BUILD" && pwd)
MAX_EXPOSURE=${MAX_EXPOSURE:-15}   # systemd-analyze's --threshold scale: 15 = 1.5
PORT=8080
UP_PORT=8081

HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/nspawn_lib.sh"
[ -x "$BUILD/daemon/tributary" ] || die "no $BUILD/daemon/tributary: build the tributary target first"
nspawn_prepare

# ---- install exactly as an admin would -----------------------------------------------------------
DESTDIR=$TREE cmake --install "$BUILD" --prefix /usr >"$WORK/install.log" || { cat "$WORK/install.log"; die "cmake --install"; }
for f in /usr/bin/tributary /usr/lib/systemd/system/$UNIT /etc/tributary/tributary.toml \
         /usr/share/man/man1/tributary.1 /usr/share/doc/tributary/config.md; do
  [ -e "$TREE$f" ] || die "cmake --install did not install $f"
done
ok "cmake --install: binary, unit, config, man page and docs in place"

# Upstream feeds, served by python's http.server on loopback inside the container.
mkdir -p "$TREE/srv/upstream"
# Item titles unlike each other's, so that dedup keeps the feeds apart.
feed() {  # feed NAME TITLE_FORMAT COUNT
  { echo '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
    echo "<title>$1</title><link>http://127.0.0.1:$UP_PORT/</link><description>test</description>"
    for i in $(seq 1 "$3"); do
      printf "<item><title>$2</title><link>http://127.0.0.1:$UP_PORT/$1/$i.html</link>\n" "$i"
      echo "<guid>urn:test:$1:$i</guid><pubDate>Mon, 0$((i % 9 + 1)) Jan 2024 10:00:00 GMT</pubDate>"
      echo "<description>Body $i of $1.</description></item>"
    done
    echo '</channel></rss>'; } >"$TREE/srv/upstream/$1.xml"
}
feed alpha "Harvest festival number %d draws record crowds" 5
feed beta "Bridge repairs on route %d delayed again" 4
feed gamma "Comet %d visible tonight from the north" 3
cat >"$TREE/etc/systemd/system/upstream.service" <<U
[Service]
ExecStart=/usr/bin/python3 -m http.server $UP_PORT --bind 127.0.0.1 --directory /srv/upstream
[Install]
WantedBy=multi-user.target
U
systemctl --root="$TREE" enable upstream.service >/dev/null 2>&1

# The admin's config. The file watch is off here so that this test sees
# `systemctl reload` itself do the work (tests/ops/reload_test.sh covers the watch).
write_config() {  # write_config [extra TOML]
  cat >"$TREE/etc/tributary/tributary.toml" <<C
# tributary CI config
[daemon]
listen = "127.0.0.1:$PORT"
reload_on_change = false

[[feed]]
url = "http://127.0.0.1:$UP_PORT/alpha.xml"
tags = ["a"]
full_text = false

[[feed]]
url = "http://127.0.0.1:$UP_PORT/beta.xml"
full_text = false
$1
C
}
write_config ""

# Faster watchdog for the test, and a short abort timeout for the frozen-daemon check.
mkdir -p "$TREE/etc/systemd/system/$UNIT.d"
printf '[Service]\nWatchdogSec=2s\nTimeoutAbortSec=3s\nRestartSec=1s\n' >"$TREE/etc/systemd/system/$UNIT.d/ci.conf"
if [ "$(nspawn_add_sanitizer_runtime "$TREE/usr/bin/tributary")" = sanitized ]; then
  printf 'Environment=ASAN_OPTIONS=detect_leaks=0\n' >>"$TREE/etc/systemd/system/$UNIT.d/ci.conf"
  log "sanitizer build: its runtime copied into the tree, leak detection off (the unit forbids ptrace)"
fi

# ---- static checks with the tree's own systemd ---------------------------------------------
v=$(chroot "$TREE" systemd-analyze verify --man=no $UNIT 2>&1) || true
[ -z "$v" ] || { echo "$v"; die "systemd-analyze verify printed something"; }
ok "systemd-analyze verify: no output"
sec=$(chroot "$TREE" systemd-analyze security --offline=true --threshold="$MAX_EXPOSURE" /usr/lib/systemd/system/$UNIT 2>&1) \
  || { echo "$sec"; die "exposure above $MAX_EXPOSURE/10"; }
ok "systemd-analyze security --offline=true: $(echo "$sec" | tail -1 | sed 's/^→ //')"

# ---- boot ------------------------------------------------------------------------------------------
nspawn_boot
[ "$(IN systemctl is-active upstream.service)" = active ] || die "upstream not running"
# The .deb's postinst would enable it; cmake --install leaves that to the admin.
IN systemctl enable -q $UNIT 2>/dev/null || true

get() { IN curl -fsS --max-time 3 "http://127.0.0.1:$PORT$1"; }

# ---- start: refused with a bad config, active only after READY=1 with a good one ------------
cp "$TREE/etc/tributary/tributary.toml" "$WORK/good.toml"
printf '[[feed]]\nurl = "http://127.0.0.1:%s/alpha.xml"\nintervall = "1h"\n' "$UP_PORT" >"$TREE/etc/tributary/tributary.toml"
C=$(cursor)
IN systemctl start $UNIT 2>/dev/null && die "started with an invalid config"
IN systemctl stop $UNIT 2>/dev/null || true
IN journalctl --after-cursor="$C" -u $UNIT --no-pager -o cat | contains "tributary.toml:3:1: unknown key 'intervall'" \
  || { J | tail; die "the start failure does not name FILE:LINE:COL"; }
IN journalctl --after-cursor="$C" -u $UNIT --no-pager -o cat | contains "Started tributary" && die "was reported started"
IN systemctl reset-failed $UNIT 2>/dev/null || true
cp "$WORK/good.toml" "$TREE/etc/tributary/tributary.toml"
ok "invalid config: start fails, journal says tributary.toml:3:1, never active"

C=$(cursor)
t=$(date +%s.%N)
IN systemctl start $UNIT || { J | tail -20; die "start"; }
health=$(get /healthz) || die "not serving the moment systemctl start returned (READY=1 too early)"
[ "$(S ActiveState)/$(S SubState)" = active/running ] || die "state $(S ActiveState)/$(S SubState)"
IN systemctl status --no-pager $UNIT | contains "Active: active (running)" || die "status is not active (running)"
# READY=1 is what moved the unit to active: the daemon's ready line comes first.
order=$(IN journalctl --after-cursor="$C" --no-pager -o cat | grep -E "^tributary started|^Started tributary")
case "$(echo "$order" | head -1)" in tributary\ started*) ;; *) echo "$order"; die "active before the daemon was ready";; esac
ok "start -> active (running) after READY=1 in $(echo "$(date +%s.%N) - $t" | bc)s; /healthz: $health"
MAINPID=$(S MainPID)

# ---- state directory under DynamicUser ------------------------------------------------------------
for _ in $(seq 50); do IN test -s /var/lib/private/tributary/tributary.db && break; sleep 0.1; done
uid=$(IN stat -c %u /var/lib/private/tributary/tributary.db) || die "no store in /var/lib/private/tributary"
[ "$uid" != 0 ] || die "store owned by root, not the dynamic user"
[ "$(IN readlink /var/lib/tributary)" = private/tributary ] || die "/var/lib/tributary is not the DynamicUser symlink"
ok "store written by dynamic uid $uid in /var/lib/private/tributary"

# ---- outputs on loopback ------------------------------------------------------------------
for _ in $(seq 100); do get /feeds/all.atom 2>/dev/null | contains "<title>Bridge repairs on route 4 " && break; sleep 0.2; done
all=$(get /feeds/all.atom) || die "no /feeds/all.atom"
for t in "Harvest festival number 1 " "Harvest festival number 5 " "Bridge repairs on route 4 "; do
  echo "$all" | grep -q "<title>$t" || die "all.atom lacks '$t'"
done
ok "outputs served on 127.0.0.1:$PORT: $(echo "$all" | grep -c '<entry>') entries in all.atom"
get /metrics | contains '^tributary_polls_total' && ok "/metrics: $(get /metrics | grep -c '^tributary_') samples" \
  || die "/metrics lacks tributary_polls_total"

# ---- reload: an invalid edit is rejected and the old config kept; a valid one is applied -----------
C=$(cursor)
write_config '
[[feed]]
url = "http://127.0.0.1:'$UP_PORT'/gamma.xml"
tags = "a"'
IN systemctl reload $UNIT || die "reload (invalid edit)"
for _ in $(seq 50); do IN journalctl --after-cursor="$C" -u $UNIT --no-pager -o cat | contains "reload rejected" && break; sleep 0.1; done
line=$(grep -n '^tags = "a"' "$TREE/etc/tributary/tributary.toml" | cut -d: -f1)
IN journalctl --after-cursor="$C" -u $UNIT --no-pager -o cat | contains "tributary.toml:$line:8: 'tags' must be an array of strings" \
  || { J | tail; die "rejected reload not reported with line:col"; }
sleep 1
get /feeds/all.atom | contains "<title>Comet" && die "invalid edit was applied"
[ "$(S MainPID)" = "$MAINPID" ] && [ "$(S ActiveState)" = active ] || die "invalid reload changed MainPID or state"
ok "invalid edit: rejected with tributary.toml:$line:8, old config kept, still active"

t=$(date +%s.%N)
write_config '
[[feed]]
url = "http://127.0.0.1:'$UP_PORT'/gamma.xml"
tags = ["g"]
full_text = false

[[output]]
name = "gonly"
tags = ["g"]
formats = ["atom"]'
IN systemctl reload $UNIT || die "reload"
for _ in $(seq 100); do get /feeds/gonly.atom 2>/dev/null | contains "<title>Comet 3 " && break; sleep 0.1; done
get /feeds/gonly.atom | contains "<title>Comet 3 " || { J | tail -20; die "reload did not apply the edit"; }
get /feeds/gonly.atom | contains "<title>Harvest" && die "new output lists feeds without its tag"
[ "$(S MainPID)" = "$MAINPID" ] && [ "$(S ActiveState)" = active ] || die "reload changed MainPID or state"
IN journalctl --after-cursor="$C" -u $UNIT --no-pager -o cat | contains "Reloading tributary" || die "systemd saw no reload"
ok "systemctl reload applied the edit in $(echo "$(date +%s.%N) - $t" | bc)s (feed + output added, same PID $MAINPID)"

# ---- watchdog -------------------------------------------------------------------------------------
w1=$(S WatchdogTimestampMonotonic); sleep 5; w2=$(S WatchdogTimestampMonotonic)
[ "$(S NRestarts)" = 0 ] || die "restarted while pinging"
[ "$w2" -gt "$w1" ] || die "no WATCHDOG=1 in 5 s (WatchdogTimestamp $w1 -> $w2)"
ok "watchdog fed: last ping moved $(( (w2 - w1) / 1000 )) ms in 5 s with WatchdogSec=2s, no restart"
items_before=$(IN sqlite3 -readonly /var/lib/private/tributary/tributary.db "SELECT count(*) FROM items")
C=$(cursor)
IN kill -STOP "$MAINPID"
for _ in $(seq 150); do [ "$(S NRestarts)" = 1 ] && [ "$(S ActiveState)" = active ] && break; sleep 0.1; done
IN journalctl --after-cursor="$C" -u $UNIT --no-pager -o cat | contains "Watchdog timeout" || { J | tail; die "frozen daemon: no watchdog timeout"; }
[ "$(S ActiveState)" = active ] || die "not active again after the watchdog restart"
MAINPID=$(S MainPID)
items_after=$(IN sqlite3 -readonly /var/lib/private/tributary/tributary.db "SELECT count(*) FROM items")
[ "$items_after" -ge "$items_before" ] || die "items lost over the watchdog restart ($items_before -> $items_after)"
ok "frozen daemon: watchdog timeout, restarted (NRestarts=1), store kept ($items_after items)"

# ---- sandbox probe: the unit's own [Service] lines around a small script ----------------------------
cat >"$TREE/usr/local/bin/ci-probe" <<'P'
#!/usr/bin/python3
import ctypes, errno, os, socket
libc = ctypes.CDLL(None, use_errno=True)
def res(name, fn):
    try: print("%s=%s" % (name, fn()))
    except Exception as e: print("%s=%s" % (name, type(e).__name__))
def write(p):
    with open(p, "w") as f: f.write("x")
    os.unlink(p); return "writable"
res("uid", os.getuid)
res("usr", lambda: write("/usr/.probe"))
res("etc", lambda: write("/etc/.probe"))
res("state", lambda: write(os.path.join(os.environ["STATE_DIRECTORY"], ".probe")))
res("netlink", lambda: socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, 0) and "allowed")
res("ptrace", lambda: "allowed" if libc.ptrace(0, 0, None, None) == 0 else "blocked")
P
chmod 755 "$TREE/usr/local/bin/ci-probe"
sed -e 's/^Type=.*/Type=oneshot/' -e 's#^ExecStart=.*#ExecStart=/usr/local/bin/ci-probe#' \
    -e 's/^StateDirectory=.*/StateDirectory=ci-probe/' -e '/^\(ExecReload\|WatchdogSec\|Restart\)=/d' \
    "$TREE/usr/lib/systemd/system/$UNIT" >"$TREE/etc/systemd/system/ci-probe.service"
IN systemctl daemon-reload
IN systemctl start ci-probe.service || true
probe=$(IN journalctl -b -u ci-probe.service -o cat --no-pager | grep '=')
echo "$probe" | sed 's/^/    /'
for want in "usr=OSError" "etc=OSError" "state=writable" "netlink=OSError" "ptrace=blocked"; do
  echo "$probe" | grep -qx "$want" || die "sandbox probe: expected $want"
done
echo "$probe" | grep -qx "uid=0" && die "sandbox probe ran as root"
ok "sandbox enforced (read-only /usr and /etc, no netlink, no ptrace, dynamic uid)"

# ---- graceful stop, nothing lost --------------------------------------------------------------------
ids=$(get /feeds/all.atom | grep -o 'urn:tributary:item:[0-9a-f]*' | sort -u)
[ -n "$ids" ] || die "no entry ids in all.atom"
[ "$(S NRestarts)" = 1 ] || die "unexpected restarts: $(S NRestarts)"
C=$(cursor)
t=$(date +%s.%N); IN systemctl stop $UNIT; dt=$(echo "$(date +%s.%N) - $t" | bc)
j=$(IN journalctl --after-cursor="$C" -u $UNIT --no-pager -o cat)
echo "$j" | grep -q "Deactivated successfully" || { echo "$j"; die "no clean exit"; }
echo "$j" | grep -q -E "timed out|Killing process|Failed with result|code=killed|code=dumped" && { echo "$j"; die "unclean stop"; }
db=/var/lib/private/tributary/tributary.db
[ "$(IN sqlite3 "$db" 'PRAGMA integrity_check')" = ok ] || die "integrity_check after stop"
stored=$(IN sqlite3 "$db" "SELECT output_id FROM items" | sort -u)
missing=$(comm -23 <(echo "$ids") <(echo "$stored") | wc -l)
[ "$missing" = 0 ] || die "$missing served entries missing from the store after stop"
ok "graceful stop in ${dt}s: Deactivated successfully, integrity ok, all $(echo "$ids" | wc -l) served entries stored"

J -o short-monotonic | tail -8 | sed 's/^/    /'
log "all done"
