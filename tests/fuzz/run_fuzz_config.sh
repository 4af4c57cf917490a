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
if [ ! -x "$bin" ]; then
    echo "SKIP: $bin not built (configure with clang: -DTRIBUTARY_FUZZ=ON -DCMAKE_CXX_COMPILER=clang++)"
    exit 77
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/corpus" "$work/seeds"
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
artifacts=${FUZZ_ARTIFACTS:-${TMPDIR:-/tmp}/fuzz_config-artifacts}
mkdir -p "$artifacts"
echo "fuzz_config: ${seconds}s, crashes go to $artifacts/"
# libFuzzer's own failure status is 77, ctest's "skipped": use 1.
exec "$bin" -max_total_time="$seconds" -max_len=16384 -timeout=20 -rss_limit_mb=2048 \
    -error_exitcode=1 -timeout_exitcode=1 -artifact_prefix="$artifacts/" \
    -dict="$src/tests/fuzz/config.dict" -print_final_stats=1 "$work/corpus" "$work/seeds"
