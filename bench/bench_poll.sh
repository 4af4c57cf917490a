#!/usr/bin/env bash
# Polling benchmark: tributary against newsboat and sfeed_update on the same
# loopback corpus, cold and warm, in one invocation (issue 6).
#
#   bench/bench_poll.sh TRIBUTARY CORPUS_DIR [RUNS] [PORT]
#
# CORPUS_DIR comes from shared/bench/gen_feeds.py (2000 feeds by default);
# it is served by shared/bench/serve_feeds.sh (nginx, one worker, ETag and
# Last-Modified, gzip_static) on 127.0.0.1:PORT (default 18431), started here
# when nothing answers there and stopped at the end in that case. The client
# files come from shared/bench/prepare_poll.sh (its tributary.toml is the
# config contract: every feed, full text off, nothing else set).
#
#   cold  client state removed first: every feed is a 200, parsed and stored
#   warm  after the cold run and one priming run: a client with conditional
#         GET gets 304s and parses nothing
#
# Peers (skipped when not installed):
#   tributary   run --config tributary.toml --once (parse, sanitize, dedup,
#               store in SQLite, render the outputs)
#   newsboat    -x reload with reload-threads 8 (libcurl + libxml2 + SQLite)
#   sfeed       sfeed_update with the sfeedrc.cond of prepare_poll.sh: 8 jobs,
#               curl per feed with ETag/If-Modified-Since and gzip, TSV files
#
# SKIP="newsboat sfeed" leaves peers out.
# Every figure is the median of RUNS runs (default 1; newsboat alone takes
# about 5 minutes per cold+warm pair): wall seconds, CPU seconds (user+sys
# of the whole process tree) and peak RSS of the largest process (GNU time).
# "server saw" counts the status codes nginx logged for the last run. Then
# the ratios peer / tributary for wall and CPU. The machine's 2 cores are
# shared: CPU seconds are the steadier figure; the load average is printed.
set -euo pipefail
tributary=${1:?usage: bench_poll.sh TRIBUTARY CORPUS_DIR [RUNS] [PORT]}
corpus=${2:?usage: bench_poll.sh TRIBUTARY CORPUS_DIR [RUNS] [PORT]}
runs=${3:-1}
port=${4:-18431}
here=$(cd "$(dirname "$0")" && pwd)
shared=${SHARED_DIR:-$here/../../shared}/bench
[ -x "$shared/serve_feeds.sh" ] || { echo "SKIP: $shared/serve_feeds.sh not found"; exit 77; }
[ -f "$corpus/feeds.txt" ] || { echo "no corpus at $corpus (python3 $shared/gen_feeds.py $corpus)"; exit 1; }
tributary=$(cd "$(dirname "$tributary")" && pwd)/$(basename "$tributary")
corpus=$(cd "$corpus" && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/tributary-poll-bench.XXXXXX")
started=0
cleanup() {
    [ "$started" = 1 ] && "$shared/serve_feeds.sh" stop "$port" > /dev/null 2>&1 || true
    [ -n "${KEEP:-}" ] && echo "work dir: $work" || rm -rf "$work"
}
trap cleanup EXIT
if ! curl -sf -o /dev/null "http://127.0.0.1:$port/healthz"; then
    "$shared/serve_feeds.sh" start "$corpus" "$port" > /dev/null
    started=1
fi
"$shared/prepare_poll.sh" "$corpus" "$port" "$work" > /dev/null
alog="${RUNDIR:-${TMPDIR:-/tmp}/tributary-feeds-$port}/access.log"
feeds=$(wc -l < "$work/urls.txt")

names=(); cmds=(); resets=()
add() {
    case " ${SKIP:-} " in *" $1 "*) return ;; esac
    names+=("$1"); cmds+=("$2"); resets+=("$3")
}
add tributary "$tributary run --config $work/tributary.toml --once" "rm -rf $work/tributary"
command -v newsboat > /dev/null &&
    add newsboat "env LANG=C.UTF-8 newsboat -u $work/newsboat/urls -c $work/newsboat/cache.db -C $work/newsboat/config -x reload" \
        "rm -f $work/newsboat/cache.db $work/newsboat/cache.db.lock"
command -v sfeed_update > /dev/null &&
    add sfeed "sfeed_update $work/sfeed/sfeedrc.cond" "rm -rf $work/sfeed/feeds $work/sfeed/etags"

median() { sort -g | awk '{v[NR] = $1} END {print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2}'; }
declare -A wall cpu rss saw
# one NAME KIND CMD: runs CMD once under GNU time, appends to $work/NAME.KIND
one() {
    local l0
    l0=$(wc -l < "$alog" 2> /dev/null || echo 0)
    /usr/bin/time -f "%e %U %S %M" -o "$work/time" sh -c "$3" > "$work/$1.$2.log" 2>&1 || true
    read -r e u s m < <(tail -n 1 "$work/time")
    echo "$e $(awk -v u="$u" -v s="$s" 'BEGIN {print u + s}') $m" >> "$work/$1.$2"
    sleep 0.2
    saw[$1.$2]=$(tail -n +"$((l0 + 1))" "$alog" 2> /dev/null |
        awk '{c[$1]++} END {for (s in c) printf "%s%d x %s", (n++ ? ", " : ""), c[s], s}')
}
for i in "${!names[@]}"; do
    n=${names[$i]}
    echo "== $n ($runs run(s) of cold, then warm)" >&2
    for _ in $(seq "$runs"); do
        sh -c "${resets[$i]}"
        one "$n" cold "${cmds[$i]}"
    done
    sh -c "${cmds[$i]}" > /dev/null 2>&1 || true  # priming poll (newsboat saves validators from its second)
    for _ in $(seq "$runs"); do one "$n" warm "${cmds[$i]}"; done
    for k in cold warm; do
        wall[$n.$k]=$(cut -d' ' -f1 "$work/$n.$k" | median)
        cpu[$n.$k]=$(cut -d' ' -f2 "$work/$n.$k" | median)
        rss[$n.$k]=$(cut -d' ' -f3 "$work/$n.$k" | median | awk '{printf "%.0f", $1 / 1024}')
    done
done

echo "polling $feeds feeds from 127.0.0.1:$port; $(nproc) cores; load $(cut -d' ' -f1-3 /proc/loadavg); median of $runs"
echo
printf "| %-9s | %-4s | %8s | %7s | %9s | %s |\n" peer kind "wall s" "CPU s" "peak MiB" "server saw (last run)"
echo "|---|---|---|---|---|---|"
for n in "${names[@]}"; do
    for k in cold warm; do
        printf "| %-9s | %-4s | %8.2f | %7.2f | %9s | %s |\n" "$n" "$k" "${wall[$n.$k]}" "${cpu[$n.$k]}" \
            "${rss[$n.$k]}" "${saw[$n.$k]}"
    done
done
echo
summary=$(grep -h "polled .* feeds" "$work/tributary.cold.log" | tail -n 1 | sed 's/^<[0-9]>//')
echo "tributary cold: $summary"
for n in "${names[@]}"; do
    [ "$n" = tributary ] && continue
    for k in cold warm; do
        awk -v n="$n" -v k="$k" -v pw="${wall[$n.$k]}" -v tw="${wall[tributary.$k]}" -v pc="${cpu[$n.$k]}" \
            -v tc="${cpu[tributary.$k]}" -v pr="${rss[$n.$k]}" -v tr="${rss[tributary.$k]}" 'BEGIN {
            printf "%s %s / tributary: wall %.1fx, CPU %.1fx, peak RSS %.2fx\n", n, k,
                pw / (tw > 0 ? tw : 0.001), pc / (tc > 0 ? tc : 0.001), pr / (tr > 0 ? tr : 1) }'
    done
done
