#!/usr/bin/env bash
# A bounded run of fuzz_parse for ctest (label `fuzz`), seeded from the
# feed corpora: shared/corpora/feedparser (when ../shared is present) and
# tests/fixtures. Skips (exit 77) when the libFuzzer build is absent.
#
#   run_fuzz_parse.sh FUZZ_PARSE_BINARY SOURCE_DIR SHARED_DIR [SECONDS]
set -u
bin=$1 src=$2 shared=$3 seconds=${4:-60}
if [ ! -x "$bin" ]; then
    echo "SKIP: $bin not built (configure with clang: -DTRIBUTARY_FUZZ=ON -DCMAKE_CXX_COMPILER=clang++)"
    exit 77
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/corpus" "$work/seeds"
n=0
for dir in "$shared/corpora/feedparser" "$src/tests/fixtures"; do
    [ -d "$dir" ] || continue
    while IFS= read -r -d '' f; do
        # The first byte of an input picks the HTTP context; 0 = none.
        { printf '\0'; head -c 65535 "$f"; } > "$work/seeds/$n"
        n=$((n + 1))
    done < <(find "$dir" -type f \( -name '*.xml' -o -name '*.json' -o -name '*.rss' -o -name '*.atom' \) -print0)
done
# Crashing inputs are kept (the work folder is not).
artifacts=${FUZZ_ARTIFACTS:-${TMPDIR:-/tmp}/fuzz_parse-artifacts}
mkdir -p "$artifacts"
echo "fuzz_parse: $n seeds, ${seconds}s, crashes go to $artifacts/"
# libFuzzer's own failure status is 77, ctest's "skipped": use 1.
exec "$bin" -max_total_time="$seconds" -max_len=65536 -timeout=20 -rss_limit_mb=2048 \
    -error_exitcode=1 -timeout_exitcode=1 -artifact_prefix="$artifacts/" \
    -dict="$src/tests/fuzz/feed.dict" -print_final_stats=1 "$work/corpus" "$work/seeds"
