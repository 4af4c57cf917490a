#!/bin/sh
# Runs the shared dedup scorer (shared/conformance/dedup_score.py) on every
# labeled corpus in shared/corpora/dedup with `tributary dedup`, each with
# the granularity its labels are written at: UCI story clusters (story) and
# SemEval STS pairs (event). Exits 77 (skipped) when shared/ is absent.
#
#   conformance.sh TRIBUTARY_BINARY SHARED_DIR
set -u
bin=$1
shared=$2
score=$shared/conformance/dedup_score.py
corpora=$shared/corpora/dedup
if [ ! -f "$score" ] || [ ! -d "$corpora" ]; then
  echo "SKIP: $shared (the shared test material) is not present"
  exit 77
fi
status=0
# run FILE "DEDUP OPTIONS" [SCORER OPTIONS...]
run() {
  file=$1
  options=$2
  shift 2
  echo "== $(basename "$file") (tributary dedup $options)"
  python3 "$score" "$file" --cmd "$bin dedup $options" "$@" || status=1
}
run "$corpora/uci-exactdup-dev.jsonl" "--no-stories"
run "$corpora/uci-exactdup-dev.jsonl" ""
run "$corpora/uci-stories-dev.jsonl" "--granularity story"
run "$corpora/sts-headlines-pairs-dev.jsonl" "--granularity event"
# The seed page: titles only and no times; its story labels are the team's,
# not an independent gold set. Reported, not gated.
status_before=$status
run "$corpora/seed-headlines.jsonl" "--granularity event" --story-precision-min -1 --story-f1-min -1
status=$status_before
exit $status
