#!/bin/bash
# static_checks.sh BUILD_DIR - systemd-analyze on the configured unit, without
# a container: `verify` must print nothing (it exits 0 even on unknown keys)
# and `security --offline=true` must rate it 1.5 or better. verify runs in a
# private mount namespace with a tmpfs over the ExecStart= folder holding the
# built binary, so the host is left untouched.
# Exit 0 pass, 1 fail, 77 skipped (no systemd-analyze, or no unshare rights).
set -euo pipefail
BUILD=$(cd "${1:?usage: static_checks.sh BUILD_DIR}" && pwd)
UNIT=$BUILD/systemd/tributary.service
command -v systemd-analyze >/dev/null || { echo "SKIP: systemd-analyze missing"; exit 77; }
[ -f "$UNIT" ] || { echo "FAIL: $UNIT not configured"; exit 1; }
exposure=$(systemd-analyze security --offline=true --threshold=15 "$UNIT" 2>&1) \
  || { echo "$exposure"; echo "FAIL: exposure above 1.5"; exit 1; }
echo "PASS: $(echo "$exposure" | tail -1 | sed 's/^→ //')"
bin=$(sed -n 's/^ExecStart=\([^ ]*\).*/\1/p' "$UNIT")
unshare -m true 2>/dev/null || { echo "SKIP: verify needs unshare -m (root)"; exit 77; }
[ -d "$(dirname "$bin")" ] || { echo "SKIP: $(dirname "$bin") does not exist on this host"; exit 77; }
out=$(unshare -m sh -c "mount -t tmpfs tmpfs '$(dirname "$bin")' && cp '$BUILD/daemon/tributary' '$bin' &&
                        systemd-analyze verify --man=no '$UNIT'" 2>&1) || true
[ -z "$out" ] || { echo "$out"; echo "FAIL: systemd-analyze verify printed something"; exit 1; }
echo "PASS: systemd-analyze verify: no output"
