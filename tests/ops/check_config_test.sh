#!/bin/bash
# check_config_test.sh TRIBUTARY - `tributary check-config` prints every
# problem of a file as FILE:LINE:COL: message, sorted, and exits 1; a good
# file (the shipped example) prints "ok" and exits 0.
set -uo pipefail
BIN=${1:?usage: check_config_test.sh TRIBUTARY}
HERE=$(cd "$(dirname "$0")" && pwd)
W=$(mktemp -d /tmp/tributary-check.XXXXXX)
trap 'rm -rf "$W"' EXIT
cd "$W"
cat >bad.toml <<'T'
[deamon]
listen = "localhost"
[[feed]]
url = "https://a.example/rss"
intervall = "1h"
[[feed]]
url = "HTTPS://A.example/rss"
interval = "1m"
tags = "x"
[[feed]]
url = "ftp://x"
[[output]]
name = "all"
formats = ["atom", "html"]
T
cat >expected <<'E'
bad.toml:1:2: unknown key 'deamon' in the top level (did you mean 'daemon'?)
bad.toml:5:1: unknown key 'intervall' in [[feed]] (did you mean 'interval'?)
bad.toml:7:7: duplicate feed 'HTTPS://A.example/rss' (already at line 4)
bad.toml:8:12: 'interval' is below the minimum poll interval of 5 minutes
bad.toml:9:8: 'tags' must be an array of strings
bad.toml:11:7: feed url 'ftp://x' must be an http://, https:// or file:// URL
bad.toml:14:11: unknown format 'html' (use atom, rss or json)
E
"$BIN" check-config bad.toml >out 2>err
rc=$?
[ "$rc" = 1 ] || { echo "FAIL: exit $rc, not 1"; exit 1; }
diff -u expected err || { echo "FAIL: diagnostics differ"; exit 1; }
[ ! -s out ] || { echo "FAIL: stdout not empty"; exit 1; }
echo "PASS: $(wc -l <err) problems as FILE:LINE:COL, exit 1"
# Files the config names are checked where they are written: a missing
# [full_text] site_rules folder (relative to the file's folder) or a file
# given as the folder.
mkdir -p sub && touch sub/rules.txt
printf '# rules\n[full_text]\nsite_rules = "nope"\n' >sub/missing.toml
printf '[full_text]\n  site_rules = "rules.txt"\n' >sub/file.toml
"$BIN" check-config sub/missing.toml 2>err && { echo "FAIL: missing site_rules folder accepted"; exit 1; }
grep -qx "sub/missing.toml:3:14: site_rules '$W/sub/nope' cannot be read: No such file or directory" err ||
  { echo "FAIL: missing site_rules: $(cat err)"; exit 1; }
"$BIN" check-config sub/file.toml 2>err && { echo "FAIL: site_rules file accepted as a folder"; exit 1; }
grep -qx "sub/file.toml:2:16: site_rules '$W/sub/rules.txt' cannot be read: Not a directory" err ||
  { echo "FAIL: site_rules file: $(cat err)"; exit 1; }
mkdir sub/nope && "$BIN" check-config sub/missing.toml >out 2>err || { echo "FAIL: site_rules folder: $(cat err)"; exit 1; }
printf '[[feed]]\nurl = "https://a.example/rss"\nsite_rule = "nope"\n' >sub/feed.toml
"$BIN" check-config sub/feed.toml 2>err && { echo "FAIL: a folder accepted as a feed's site_rule"; exit 1; }
grep -qx "sub/feed.toml:1:1: site_rule '$W/sub/nope' cannot be read: Is a directory" err ||
  { echo "FAIL: site_rule folder: $(cat err)"; exit 1; }
echo "PASS: site_rules must be a readable folder, site_rule a readable file"
"$BIN" check-config "$HERE/../../config/tributary.example.toml" >out 2>err || { cat err; echo "FAIL: example"; exit 1; }
grep -q ": ok (" out || { echo "FAIL: no ok line"; exit 1; }
echo "PASS: $(cat out)"
