#!/usr/bin/env bash
# A bounded run of fuzz_parse for ctest (label `fuzz`), seeded from the
# feed corpora: shared/corpora/feedparser (when ../shared is present) and
# tests/fixtures. Skips (exit 77) when the libFuzzer build is absent.
#
#   run_fuzz_parse.sh FUZZ_PARSE_BINARY SOURCE_DIR SHARED_DIR [SECONDS]
set -u
bin=$1 src=$2 shared=$3 seconds=${4:-60}
. "$(dirname "$0")/fuzz_lib.sh"
fuzz_prepare "$bin"
n=0
for dir in "$shared/corpora/feedparser" "$src/tests/fixtures"; do
    [ -d "$dir" ] || continue
    while IFS= read -r -d '' f; do
        # The first byte of an input picks the HTTP context; 0 = none.
        { printf '\0'; head -c 65535 "$f"; } > "$work/seeds/$n"
        n=$((n + 1))
    done < <(find "$dir" -type f \( -name '*.xml' -o -name '*.json' -o -name '*.rss' -o -name '*.atom' \) -print0)
done
fuzz_run "$bin" "$seconds" 65536 "$src/tests/fuzz/feed.dict"
