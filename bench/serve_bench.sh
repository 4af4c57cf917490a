#!/usr/bin/env bash
# Load test of tributary's HTTP server against nginx serving the same file.
#
#   serve_bench.sh TRIBUTARY CORPUS_DIR [RUNS] [SECONDS]
#
# 1. Polls feeds of CORPUS_DIR/feeds (file:// URLs) once into a fresh store
#    and renders a 100-entry output (`all`, Atom).
# 2. Starts `tributary run` on a loopback port (it serves the output from
#    memory) and nginx (Debian nginx-light) on another, serving the rendered
#    file from disk (sendfile, etag on, WORKERS worker processes, default 1:
#    tributary answers on one thread).
# 3. Runs wrk (-t1 -c${CONNS:-50}) RUNS times (default 5) per side and
#    case, alternating sides: plain GETs (200, identity) and conditional
#    GETs with the document's ETag (304). Prints every run, the medians,
#    the ratios and the error counts, then stops both servers.
# Loopback only; the servers are stopped on exit. CPU is shared with wrk:
# compare the ratios, not the absolute numbers.
set -eu
tributary=${1:?usage: serve_bench.sh TRIBUTARY CORPUS_DIR [RUNS] [SECONDS]}
corpus=${2:?usage: serve_bench.sh TRIBUTARY CORPUS_DIR [RUNS] [SECONDS]}
runs=${3:-5}
secs=${4:-5}
conns=${CONNS:-50}
workers=${WORKERS:-1}
py=/usr/bin/python3
for tool in wrk nginx curl; do
  command -v "$tool" >/dev/null || [ -x "/usr/sbin/$tool" ] || { echo "SKIP: $tool not installed"; exit 77; }
done
nginx_bin=$(command -v nginx || echo /usr/sbin/nginx)

work=$(mktemp -d "${TMPDIR:-/tmp}/tributary-serve-bench.XXXXXX")
daemon_pid=
nginx_pid=
cleanup() {
  [ -n "$daemon_pid" ] && kill "$daemon_pid" 2>/dev/null && wait "$daemon_pid" 2>/dev/null
  [ -n "$nginx_pid" ] && kill "$nginx_pid" 2>/dev/null
  sleep 0.2
  [ -n "${KEEP:-}" ] && echo "work dir: $work" || rm -rf "$work"
}
trap cleanup EXIT
free_port() { "$py" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
tport=$(free_port)
nport=$(free_port)

{
  printf '[daemon]\nstate_dir = "%s/state"\noutput_dir = "%s/public"\nlisten = "127.0.0.1:%s"\n\n' "$work" "$work" "$tport"
  find "$corpus/feeds" -name '*.xml' | sort | head -20 |
    while read -r f; do printf '[[feed]]\nurl = "file://%s"\nfull_text = false\n\n' "$f"; done
  printf '[[output]]\nname = "all"\nformats = ["atom"]\nlimit = 100\n\n'
  # The corpus is dated in the past: retention would delete items a minute
  # in and re-render the output, so the 304 runs would send a stale ETag.
  printf '[retention]\nmax_age = "0"\nmax_items_per_feed = 0\n'
} > "$work/feeds.toml"
"$tributary" run --config "$work/feeds.toml" --once > "$work/once.log" 2>&1
entries=$(grep -c '<entry' "$work/public/all.atom")
echo "output: $work/public/all.atom, $entries entries, $(stat -c %s "$work/public/all.atom") bytes"

"$tributary" run --config "$work/feeds.toml" > "$work/daemon.log" 2>&1 &
daemon_pid=$!

mkdir -p "$work/nginx/tmp"
user_line=""
[ "$(id -u)" = 0 ] && user_line="user $(id -un) $(id -gn);"
cat > "$work/nginx/nginx.conf" <<EOF
$user_line
worker_processes $workers;
daemon off;
pid $work/nginx/nginx.pid;
error_log $work/nginx/error.log warn;
events { worker_connections 1024; }
http {
  access_log off;
  sendfile on;
  tcp_nopush on;
  etag on;
  keepalive_requests 1000;
  client_body_temp_path $work/nginx/tmp; proxy_temp_path $work/nginx/tmp;
  fastcgi_temp_path $work/nginx/tmp; uwsgi_temp_path $work/nginx/tmp; scgi_temp_path $work/nginx/tmp;
  types { application/atom+xml atom; }
  server {
    listen 127.0.0.1:$nport;
    location /feeds/ { alias $work/public/; }
  }
}
EOF
"$nginx_bin" -c "$work/nginx/nginx.conf" -p "$work/nginx" > "$work/nginx/out.log" 2>&1 &
nginx_pid=$!

turl="http://127.0.0.1:$tport/feeds/all.atom"
nurl="http://127.0.0.1:$nport/feeds/all.atom"
for _ in $(seq 1 100); do
  curl -fsS -o /dev/null "$turl" 2>/dev/null && curl -fsS -o /dev/null "$nurl" 2>/dev/null && break
  sleep 0.1
done
# The daemon re-polls its feeds at start: wait for it to be idle again.
sleep 3
cmp <(curl -fsS "$turl") <(curl -fsS "$nurl") || { echo "FAIL: the two servers serve different bytes"; exit 1; }
tetag=$(curl -fsSI "$turl" | tr -d '\r' | awk -F': ' 'tolower($1)=="etag"{print $2}')
netag=$(curl -fsSI "$nurl" | tr -d '\r' | awk -F': ' 'tolower($1)=="etag"{print $2}')
[ "$(curl -s -o /dev/null -w '%{http_code}' -H "If-None-Match: $tetag" "$turl")" = 304 ] || { echo "FAIL: no 304 from tributary"; exit 1; }
[ "$(curl -s -o /dev/null -w '%{http_code}' -H "If-None-Match: $netag" "$nurl")" = 304 ] || { echo "FAIL: no 304 from nginx"; exit 1; }

# wrk_run URL [HEADER] -> "requests/s non2xx3xx errors"
wrk_run() {
  local out
  if [ $# -gt 1 ]; then out=$(wrk -t1 -c"$conns" -d"${secs}s" -H "$2" "$1" 2>&1); else out=$(wrk -t1 -c"$conns" -d"${secs}s" "$1" 2>&1); fi
  local rps errs bad
  rps=$(awk '/Requests\/sec/{print $2}' <<<"$out")
  bad=$(awk '/Non-2xx or 3xx/{print $NF}' <<<"$out")
  errs=$(awk '/Socket errors/{gsub(",","");print $4+$6+$8+$10}' <<<"$out")
  echo "${rps:-0} ${bad:-0} ${errs:-0}"
}
median() { sort -g | awk '{a[NR]=$1} END{print (NR%2)?a[(NR+1)/2]:(a[NR/2]+a[NR/2+1])/2}'; }

declare -A results
errors=0
for case in 200 304; do
  for i in $(seq 1 "$runs"); do
    for side in tributary nginx; do
      if [ "$side" = tributary ]; then url=$turl etag=$tetag; else url=$nurl etag=$netag; fi
      if [ "$case" = 304 ]; then r=$(wrk_run "$url" "If-None-Match: $etag"); else r=$(wrk_run "$url"); fi
      read -r rps bad errs <<<"$r"
      printf '%-9s %s run %d: %10.0f req/s  non-2xx/3xx %s  socket errors %s\n' "$side" "$case" "$i" "$rps" "$bad" "$errs"
      results[$side.$case]+="$rps "
      errors=$((errors + bad + errs))
    done
  done
done

# Every 304 run must have sent the current ETag: the document may not change.
for pair in "$turl $tetag" "$nurl $netag"; do
  read -r url etag <<<"$pair"
  [ "$(curl -s -o /dev/null -w '%{http_code}' -H "If-None-Match: $etag" "$url")" = 304 ] ||
    { echo "FAIL: $url changed during the runs; the 304 figures are not 304s"; exit 1; }
done

echo
printf '%-6s %14s %14s %8s\n' case tributary nginx ratio
for case in 200 304; do
  t=$(tr ' ' '\n' <<<"${results[tributary.$case]}" | grep . | median)
  n=$(tr ' ' '\n' <<<"${results[nginx.$case]}" | grep . | median)
  printf '%-6s %14.0f %14.0f %8.2f\n' "$case" "$t" "$n" "$(awk -v a="$t" -v b="$n" 'BEGIN{print (b>0)?a/b:0}')"
done
echo "medians of $runs runs of ${secs}s, wrk -t1 -c$conns, nginx worker_processes $workers; errors: $errors"
