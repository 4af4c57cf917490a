#!/usr/bin/env bash
# A bounded run of fuzz_dedup for ctest (label `fuzz`), seeded with runs of
# 8 lines of each labeled corpus in shared/corpora/dedup (when ../shared is
# present) under each option byte 0-7, and a few lines written here. Skips
# (exit 77) when the libFuzzer build is absent.
#
#   run_fuzz_dedup.sh FUZZ_DEDUP_BINARY SOURCE_DIR SHARED_DIR [SECONDS]
set -u
bin=$1 src=$2 shared=$3 seconds=${4:-60}
. "$(dirname "$0")/fuzz_lib.sh"
fuzz_prepare "$bin"
{ printf '\0'; cat <<'J'
{"id":"1","title":"Fed official says weak data caused by weather","link":"https://a.example/x?utm_source=rss","feed":"Reuters","published":1394470370}
{"id":"2","title":"UPDATE 2-Fed official says weak data caused by weather - Reuters","guid":"g2","published":1394470371}
{"id":"3","title":"Fed official says weak data caused by...","summary":"<p>Weather &amp; data</p>","published":null}
J
} >"$work/seeds/inline"
n=0
if [ -d "$shared/corpora/dedup" ]; then
    for f in "$shared"/corpora/dedup/*.jsonl; do
        # Up to 40 runs of 8 lines per file, spread over it.
        lines=$(wc -l <"$f")
        step=$(( lines / 320 + 1 ))
        for ((start = 1; start <= lines && start <= 320 * step; start += 8 * step)); do
            { printf "\\$(printf '%03o' $((n % 8)))"; sed -n "${start},$((start + 7))p" "$f"; } >"$work/seeds/$n"
            n=$((n + 1))
        done
    done
fi
fuzz_run "$bin" "$seconds" 8192 "$src/tests/fuzz/dedup.dict"
