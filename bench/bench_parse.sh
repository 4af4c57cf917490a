#!/usr/bin/env bash
# Parse benchmark: tributary and its Debian-packaged peers on the same feed
# corpus, in one invocation, measured in CPU seconds (user+sys, GNU time),
# which the 2-core shared machine makes steadier than wall time.
#
#   bench/bench_parse.sh BUILD_DIR CORPUS_DIR
#
# BUILD_DIR holds a Release build (daemon/tributary, bench/parse_corpus);
# CORPUS_DIR is a corpus from shared/bench/gen_feeds.py (feeds.txt,
# manifest.json). Every run parses every file of the corpus in one process:
#
#   tributary-json    `tributary parse --json FILE...` > /dev/null: reads the
#                     files, builds the full model (charset, recovery, every
#                     field, dates, URLs, HTML sanitized) and prints JSON
#   tributary-model   bench/parse_corpus: the same model, no JSON (the
#                     parser's own cost; the files are read one at a time into
#                     one reused buffer, so the read(2) calls are counted, as
#                     sfeed's reads of its pipe are)
#   sfeed             every file through one `sfeed` (Debian package sfeed;
#                     C, no sanitizing, no charset conversion, TSV out); only
#                     the sfeed process is timed, not the `cat` feeding it
#   feedparser        /usr/bin/python3 + python3-feedparser, default options,
#                     expat (shared/bench/peers/parse_feedparser.py); it is
#                     ~50x slower, so by default it parses every 10th file
#                     (FEEDPARSER_EVERY=1 for all of them; 0 skips it)
#
# Prints one line per peer (CPU s, MB/s, items/s, peak RSS) and the ratios of
# tributary's MB/s to each peer's.
set -euo pipefail
build=${1:?BUILD_DIR}
corpus=${2:?CORPUS_DIR}
every=${FEEDPARSER_EVERY:-10}
here=$(cd "$(dirname "$0")" && pwd)
shared=${SHARED_DIR:-$here/../../shared}
corpus=$(cd "$corpus" && pwd)
tributary=$build/daemon/tributary
parse_corpus=$build/bench/parse_corpus
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

mapfile -t files < <(sed "s|^|$corpus/|" "$corpus/feeds.txt")
bytes=$(cat "${files[@]}" | wc -c)
echo "corpus $corpus: ${#files[@]} files, $bytes bytes; $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"

# run NAME ITEMS_CMD... : times the command with GNU time into $tmp/NAME.time
declare -A cpu rss items mb
measure() {  # name bytes items timefile
    local name=$1 b=$2 n=$3 t=$4
    read -r u s m < "$t"
    cpu[$name]=$(awk -v u="$u" -v s="$s" 'BEGIN {printf "%.2f", u + s}')
    rss[$name]=$((m / 1024))
    items[$name]=$n
    mb[$name]=$(awk -v b="$b" -v c="${cpu[$name]}" 'BEGIN {printf "%.1f", b / 1e6 / c}')
    printf "%-16s cpu %7.2f s  %8.1f MB/s  %9.0f items/s  peak RSS %5d MiB  (%d bytes, %d items)\n" \
        "$name" "${cpu[$name]}" "${mb[$name]}" "$(awk -v n="$n" -v c="${cpu[$name]}" 'BEGIN {print n / c}')" \
        "${rss[$name]}" "$b" "$n"
}

/usr/bin/time -f "%U %S %M" -o "$tmp/tj.time" "$tributary" parse --json "${files[@]}" > "$tmp/tj.out"
n=$(/usr/bin/python3 -c "import json,sys; print(sum(len(json.loads(l)['entries']) for l in open(sys.argv[1])))" "$tmp/tj.out")
rm -f "$tmp/tj.out"
measure tributary-json "$bytes" "$n" "$tmp/tj.time"

/usr/bin/time -f "%U %S %M" -o "$tmp/tm.time" "$parse_corpus" "$corpus" > "$tmp/tm.out"
n=$(sed -n 's/.* items=\([0-9]*\) .*/\1/p' "$tmp/tm.out")
measure tributary-model "$bytes" "$n" "$tmp/tm.time"

if command -v sfeed > /dev/null; then
    cat "${files[@]}" | /usr/bin/time -f "%U %S %M" -o "$tmp/sf.time" sfeed > "$tmp/sf.out"
    n=$(wc -l < "$tmp/sf.out")
    rm -f "$tmp/sf.out"
    measure sfeed "$bytes" "$n" "$tmp/sf.time"
fi

if [ "$every" != 0 ] && /usr/bin/python3 -c 'import feedparser' 2> /dev/null; then
    sample=()
    for ((i = 0; i < ${#files[@]}; i += every)); do sample+=("${files[$i]}"); done
    sbytes=$(cat "${sample[@]}" | wc -c)
    /usr/bin/time -f "%U %S %M" -o "$tmp/fp.time" /usr/bin/python3 "$shared/bench/peers/parse_feedparser.py" \
        "${sample[@]}" > "$tmp/fp.out"
    n=$(sed -n 's/.* items=\([0-9]*\) .*/\1/p' "$tmp/fp.out")
    name=feedparser
    [ "$every" != 1 ] && name="feedparser(1/$every)"
    measure "$name" "$sbytes" "$n" "$tmp/fp.time"
fi

echo
for t in tributary-json tributary-model; do
    for p in "${!mb[@]}"; do
        case $p in tributary*) continue ;; esac
        awk -v a="${mb[$t]}" -v b="${mb[$p]}" -v t="$t" -v p="$p" \
            'BEGIN {printf "%-16s / %-16s MB/s ratio %.2fx\n", t, p, a / b}'
    done
done
