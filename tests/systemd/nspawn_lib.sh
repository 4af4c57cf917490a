# nspawn_lib.sh - sourced by the tests in this folder: a cached Debian
# bookworm tree, booted with systemd-nspawn -b, and helpers to talk to it.
#
#   nspawn_prepare        (after setting BUILD) checks the host, extracts the tree
#                         into $TREE (debootstrapping and caching it the first time)
#   nspawn_boot           boots it; afterwards IN runs a command inside, S PROP
#                         reads a unit property of $UNIT, J prints its journal
#   the EXIT trap         powers the container off and removes $WORK
# Exit codes: die -> 1, skip -> 77 (ctest SKIP_RETURN_CODE).

CACHE_DIR=${CACHE_DIR:-/var/cache/tributary-ci}
UNIT=${UNIT:-tributary.service}
CGS=()
PKGS="systemd,systemd-sysv,dbus,procps,curl,python3,iproute2,sqlite3,libpugixml1v5,libicu72,libgumbo1,libtomlplusplus3,libcurl4,libsqlite3-0,libfmt9,libboost-json1.81.0,libboost-url1.81.0,libpsl5,libsimdjson14"

T0=$(date +%s.%N)
log()  { printf '[%6.2fs] %s\n' "$(echo "$(date +%s.%N) - $T0" | bc)" "$*"; }
ok()   { log "PASS: $*"; }
die()  { log "FAIL: $*"; exit 1; }
skip() { echo "SKIP: $*"; exit 77; }

nspawn_prepare() {
  [ "$(id -u)" = 0 ] || skip "needs root (systemd-nspawn)"
  command -v systemd-nspawn >/dev/null || skip "systemd-nspawn missing (apt-get install systemd-container; ./setup.sh deps)"
  command -v bc >/dev/null || skip "bc missing"
  unshare --user --pid --fork true 2>/dev/null || skip "cannot create namespaces here"
  KEY=$(printf %s "$PKGS" | sha256sum | cut -c1-12)
  TARBALL=$CACHE_DIR/bookworm-$KEY.tar.zst
  WORK=$(mktemp -d /var/tmp/tributary-ci.XXXXXX)
  trap nspawn_cleanup EXIT
  TREE=$WORK/tree
  M=tribci$$

  mkdir -p "$TREE" "$CACHE_DIR"
  if [ -f "$TARBALL" ]; then
    tar --zstd -C "$TREE" -xf "$TARBALL"
  else
    command -v debootstrap >/dev/null || skip "no cached tree ($TARBALL) and no debootstrap (./setup.sh deps)"
    MIRROR=${MIRROR:-$({ awk '/^URIs:/{print $2}' /etc/apt/sources.list.d/*.sources
                        awk '$1=="deb"{print $2}' /etc/apt/sources.list 2>/dev/null; } | grep -v security | head -n1 || true)}
    [ -n "$MIRROR" ] || die "no Debian mirror found in /etc/apt/sources.list* (set MIRROR=)"
    log "debootstrap bookworm from $MIRROR (once; cached in $TARBALL)"
    debootstrap --variant=minbase --include="$PKGS" bookworm "$TREE" "$MIRROR" >"$WORK/debootstrap.log" 2>&1 \
      || { tail -20 "$WORK/debootstrap.log"; die "debootstrap"; }
    tar --zstd -C "$TREE" -cf "$TARBALL.tmp" . && mv "$TARBALL.tmp" "$TARBALL"
  fi
  systemctl --root="$TREE" mask console-getty.service getty.target systemd-timesyncd.service >/dev/null 2>&1
  : >"$TREE/etc/machine-id"
  log "tree ready"
}

nspawn_cleanup() {
  set +e
  [ -n "${L:-}" ] && nsenter -t "$L" -a systemctl poweroff >/dev/null 2>&1
  if [ -n "${NSPAWN:-}" ]; then
    for _ in $(seq 100); do kill -0 "$NSPAWN" 2>/dev/null || break; sleep 0.1; done
    kill "$NSPAWN" 2>/dev/null; wait "$NSPAWN" 2>/dev/null
  fi
  [ "$(stat -f -c %T /run)" = tmpfs ] || rm -rf "/run/systemd/nspawn/propagate/$M"
  for c in "${CGS[@]}"; do
    echo $$ >"$(dirname "$c")/cgroup.procs"; find "$c" -depth -type d -exec rmdir {} + 2>/dev/null
  done
  [ "${KEEP:-0}" = 1 ] && echo "kept $WORK" || rm -rf "$WORK"
}

nspawn_boot() {
  [ "$(stat -f -c %T /sys/fs/cgroup)" = cgroup2fs ] || export SYSTEMD_NSPAWN_UNIFIED_HIERARCHY=1
  if [ "$(ps -o comm= -p 1)" != systemd ]; then  # keep nspawn's cgroups below one we can remove
  for h in /sys/fs/cgroup/unified /sys/fs/cgroup/systemd /sys/fs/cgroup; do
    [ -w "$h/cgroup.procs" ] && mkdir -p "$h/$M" && echo $$ >"$h/$M/cgroup.procs" && CGS+=("$h/$M")
  done
  fi
  systemd-nspawn -q -b -D "$TREE" -M "$M" --register=no --keep-unit --private-network \
  --console=pipe --system-call-filter=bpf </dev/null >"$WORK/console.log" 2>&1 &
  NSPAWN=$!
  for _ in $(seq 100); do L=$(pgrep -P "$NSPAWN" -x systemd) && break; sleep 0.1; done
  [ -n "${L:-}" ] || die "container did not start: $(cat "$WORK/console.log")"
  for _ in $(seq 100); do IN test -S /run/systemd/private 2>/dev/null && break; sleep 0.1; done
  st=$(IN timeout 60 systemctl is-system-running --wait || true)
  log "booted: $st"
}

# A sanitizer build links runtimes (libasan, libubsan, and libraries a release
# build does not pull in) that the tree lacks: copy every missing one in. Prints
# "sanitized" when the binary is such a build. LeakSanitizer needs ptrace, which
# the unit forbids, so callers turn leak detection off for the service.
# ldd's output is read whole first: under pipefail, `ldd | grep -q` fails
# whenever grep exits before ldd has finished writing (SIGPIPE).
nspawn_add_sanitizer_runtime() {  # nspawn_add_sanitizer_runtime BINARY
  local libs
  libs=$(ldd "$1")
  grep -Eq '^\s*lib(a|ub|t|l)san\.so' <<<"$libs" || return 0
  awk '$2 == "=>" && $3 ~ /^\// {print $3}' <<<"$libs" | while read -r l; do
    [ -e "$TREE$l" ] || cp -L "$l" "$TREE$(dirname "$l")/"
  done
  echo sanitized
}

IN() { nsenter -t "$L" -a "$@"; }
# `CMD | contains PATTERN`: grep -q that reads all of its input first, so that
# CMD never dies of SIGPIPE and fails the pipeline under pipefail.
contains() { local s; s=$(cat); grep -q "$@" <<<"$s"; }
S() { IN systemctl show -P "$1" "$UNIT"; }
J() { IN journalctl -b -u "$UNIT" --no-pager -o cat "$@"; }
cursor() { IN journalctl -n0 --show-cursor | sed -n 's/^-- cursor: //p'; }
