#!/bin/bash
# deb_test.sh BUILD_DIR - `cpack -G DEB` in BUILD_DIR, then in a booted
# bookworm container (nspawn_lib.sh): `dpkg -i` installs it and the
# maintainer scripts enable and start the service, which comes up active
# with the shipped config (its feeds are on the internet, which the
# container does not reach: they fail and are logged, the daemon keeps
# running) and serves /healthz on 127.0.0.1:8080; `dpkg -r` stops it and
# `dpkg -P` removes its state. Exit 0 pass, 1 fail, 77 skipped.
set -euo pipefail
BUILD=$(cd "${1:?usage: deb_test.sh BUILD_DIR}" && pwd)
# A sanitizer build packages a binary that needs libasan/libubsan, which the
# container (like a real user's machine) does not have: only release-like builds.
if ldd "$BUILD/daemon/tributary" 2>/dev/null | grep -c "libasan" >/dev/null; then echo "SKIP: sanitizer build (package a release build)"; exit 77; fi
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/nspawn_lib.sh"
command -v cpack >/dev/null || skip "cpack missing"
command -v dpkg-shlibdeps >/dev/null || skip "dpkg-shlibdeps missing (dpkg-dev)"
nspawn_prepare

(cd "$BUILD" && cpack -G DEB -B "$WORK/deb" >"$WORK/cpack.log" 2>&1) || { cat "$WORK/cpack.log"; die "cpack -G DEB"; }
DEB=$(ls "$WORK"/deb/tributary_*.deb)
ok "cpack -G DEB: $(basename "$DEB") ($(stat -c %s "$DEB") bytes): $(dpkg-deb -f "$DEB" Depends)"
cp "$DEB" "$TREE/root/tributary.deb"

nspawn_boot
IN dpkg -i /root/tributary.deb >"$WORK/dpkg.log" 2>&1 || { cat "$WORK/dpkg.log"; die "dpkg -i"; }
[ "$(IN systemctl is-enabled $UNIT)" = enabled ] || die "postinst did not enable $UNIT"
for _ in $(seq 50); do [ "$(S ActiveState)" = active ] && break; sleep 0.1; done
[ "$(S ActiveState)/$(S SubState)" = active/running ] || { J | tail; die "not active after dpkg -i: $(S ActiveState)"; }
IN curl -fsS --max-time 3 http://127.0.0.1:8080/healthz >/dev/null || die "no /healthz on 127.0.0.1:8080"
J | contains -E "code=exited|Failed with result" && { J | tail; die "failures in the journal"; }
ok "dpkg -i: enabled, active (running), serving /healthz with the shipped config"
IN test -e /etc/tributary/tributary.toml || die "no /etc/tributary/tributary.toml"
IN dpkg-query -W -f='${Conffiles}\n' tributary | contains /etc/tributary/tributary.toml || die "config is not a conffile"
ok "/etc/tributary/tributary.toml is a conffile"

IN dpkg -r tributary >>"$WORK/dpkg.log" 2>&1 || { cat "$WORK/dpkg.log"; die "dpkg -r"; }
[ "$(IN systemctl is-active $UNIT || true)" != active ] || die "still active after dpkg -r"
J | contains "Deactivated successfully" || die "not stopped cleanly on removal"
IN test -d /var/lib/private/tributary || die "state removed by dpkg -r (only purge should)"
IN dpkg -P tributary >>"$WORK/dpkg.log" 2>&1 || { cat "$WORK/dpkg.log"; die "dpkg -P"; }
IN test -e /var/lib/private/tributary && die "state left after purge"
IN test -e /etc/tributary/tributary.toml && die "conffile left after purge"
ok "dpkg -r stops it cleanly and keeps the state; dpkg -P removes state and config"
