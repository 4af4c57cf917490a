#!/usr/bin/env bash
# The XSS corpus through the whole daemon: the 9 hostile feeds of
# ../shared/hostile/xss (686 payload units) are polled once (file:// URLs,
# full text off), rendered as Atom and RSS, and both files are judged by the
# corpus's own checker, which must report every unit present and clean:
# "686 passed, 0 failed" for each.
#
#   usage: xss_outputs.sh TRIBUTARY SHARED_DIR
# Exit 0 pass, 1 fail, 77 skip (SHARED_DIR absent).
set -u
tributary=${1:?usage: xss_outputs.sh TRIBUTARY SHARED_DIR}
shared=${2:?usage: xss_outputs.sh TRIBUTARY SHARED_DIR}
xss=$shared/hostile/xss
py=/usr/bin/python3
[ -f "$xss/check_sanitized.py" ] || { echo "SKIP: $xss not found (../shared absent)"; exit 77; }
units=$("$py" -c 'import json,sys; m=json.load(open(sys.argv[1])); print(len(m.get("units", m)) if isinstance(m, dict) else len(m))' "$xss/manifest.json")

work=$(mktemp -d "${TMPDIR:-/tmp}/tributary-xss.XXXXXX")
if [ -n "${KEEP:-}" ]; then echo "work dir: $work"; else trap 'rm -rf "$work"' EXIT; fi
{
  printf '[daemon]\nstate_dir = "%s/state"\noutput_dir = "%s/public"\nlisten = ""\n' "$work" "$work"
  printf 'public_url = "http://127.0.0.1:8080"\n\n'
  for f in "$xss"/feeds/*.xml; do
    printf '[[feed]]\nurl = "file://%s"\nfull_text = false\n\n' "$f"
  done
  printf '[[output]]\nname = "xss"\nformats = ["atom", "rss"]\nlimit = 5000\n'
} > "$work/feeds.toml"

if ! "$tributary" run --config "$work/feeds.toml" --once > "$work/run.log" 2>&1; then
  echo "FAIL: tributary run --once failed:"; tail -20 "$work/run.log"; exit 1
fi
status=0
for ext in atom rss; do
  "$py" "$xss/check_sanitized.py" --require-all "$work/public/xss.$ext" > "$work/check.$ext.log" 2>&1
  grep -v '^PASS' "$work/check.$ext.log" | tail -15
  last=$(tail -1 "$work/check.$ext.log")
  missing=$(grep -c 'missing from output' "$work/check.$ext.log")
  echo "xss.$ext: $last (expected $units passed, 0 failed; of the failures, $missing are units missing from the output, e.g. merged by dedup)"
  [ "$last" = "$units passed, 0 failed" ] || status=1
done
exit $status
