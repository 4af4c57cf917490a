#!/usr/bin/env bash
# A bounded run of fuzz_config for ctest (label `fuzz`), seeded with the
# example feeds file (mode byte 0: TOML) and OPML files (mode byte 1)
# written here, including a newsboat-style export. Skips (exit 77) when the
# libFuzzer build is absent.
#
#   run_fuzz_config.sh FUZZ_CONFIG_BINARY SOURCE_DIR [SECONDS]
# The issue's figure is a 10 minute run: SECONDS=600.
set -u
bin=$1 src=$2 seconds=${3:-60}
. "$(dirname "$0")/fuzz_lib.sh"
fuzz_prepare "$bin"
{ printf '\0'; cat "$src/config/tributary.example.toml"; } >"$work/seeds/example"
{ printf '\1'; cat <<'O'
<?xml version="1.0"?>
<opml version="1.0"><head><title>newsboat - Exported Feeds</title></head><body>
<outline type="rss" xmlUrl="https://a.example.com/feed.xml" htmlUrl="" title="A &amp; B &lt;blog&gt;"/>
<outline text="Tech"><outline text="Linux" title="Linux">
<outline type="rss" text="LWN" xmlUrl="https://lwn.net/headlines/rss" category="/news/linux,/weekly"/>
</outline></outline></body></opml>
O
} >"$work/seeds/opml"
fuzz_run "$bin" "$seconds" 16384 "$src/tests/fuzz/config.dict"
