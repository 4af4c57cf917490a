# What every bounded libFuzzer run of ctest (label `fuzz`) shares; sourced
# by the run_fuzz_*.sh scripts.

# fuzz_prepare BINARY: exits 77 (ctest's "skipped") when BINARY is not
# built; else makes $work/seeds (for the caller to fill) and $work/corpus
# (what the run learns), both removed on exit.
fuzz_prepare() {
    if [ ! -x "$1" ]; then
        echo "SKIP: $1 not built (configure with clang: -DTRIBUTARY_FUZZ=ON -DCMAKE_CXX_COMPILER=clang++)"
        exit 77
    fi
    work=$(mktemp -d)
    trap 'rm -rf "$work"' EXIT
    mkdir -p "$work/corpus" "$work/seeds"
}

# fuzz_run BINARY SECONDS MAX_LEN DICT: runs BINARY on $work's seeds and
# corpus. Crashing inputs are kept in $FUZZ_ARTIFACTS (default
# /tmp/NAME-artifacts, NAME the binary's), since $work is not.
fuzz_run() {
    local bin=$1 seconds=$2 max_len=$3 dict=$4
    local name
    name=$(basename "$bin")
    local artifacts=${FUZZ_ARTIFACTS:-${TMPDIR:-/tmp}/$name-artifacts}
    mkdir -p "$artifacts"
    echo "$name: $(find "$work/seeds" -type f | wc -l) seeds, ${seconds}s, crashes go to $artifacts/"
    # libFuzzer's own failure status is 77, ctest's "skipped": use 1.
    "$bin" -max_total_time="$seconds" -max_len="$max_len" -timeout=20 -rss_limit_mb=2048 \
        -error_exitcode=1 -timeout_exitcode=1 -artifact_prefix="$artifacts/" \
        -dict="$dict" -print_final_stats=1 "$work/corpus" "$work/seeds"
}
