#!/usr/bin/env bash
# Outputs judged by outside tools: tributary renders real feeds, then
#   1. ../shared/schemas/validate_output.sh checks every generated Atom, RSS
#      and JSON Feed file (jing + atom.rnc, the JSON Feed 1.1 schema, RSS
#      structure): all must pass;
#   2. Debian's Python feedparser reads all three formats of every output
#      with bozo == 0 and finds the same entries (feedparser_check.py).
#
#   usage: validate_outputs.sh TRIBUTARY SHARED_DIR [CORPUS_DIR]
#
# Input feeds (file:// URLs, full text off): tests/fixtures/outputs, the
# feedparser "wellformed" corpus and the XSS corpus from SHARED_DIR, and
# every 20th feed of CORPUS_DIR/feeds (the generated c2000 corpus) if given.
# Exit 0 pass, 1 fail, 77 skip (SHARED_DIR, jing, or feedparser missing).
set -u
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
fixtures=$(cd "$here/../fixtures/outputs" && pwd)
tributary=${1:?usage: validate_outputs.sh TRIBUTARY SHARED_DIR [CORPUS_DIR]}
shared=${2:?usage: validate_outputs.sh TRIBUTARY SHARED_DIR [CORPUS_DIR]}
corpus=${3:-}
py=/usr/bin/python3

skip() { echo "SKIP: $*"; exit 77; }
[ -f "$shared/schemas/validate_output.sh" ] || skip "$shared/schemas/validate_output.sh not found (../shared absent)"
[ -d "$shared/corpora/feedparser/wellformed" ] || skip "$shared/corpora/feedparser not found"
command -v jing >/dev/null || skip "jing not installed (apt-get install jing)"
"$py" -c 'import feedparser, jsonschema' 2>/dev/null || skip "Debian python3-feedparser/python3-jsonschema not installed"

work=$(mktemp -d "${TMPDIR:-/tmp}/tributary-outputs.XXXXXX")
if [ -n "${KEEP:-}" ]; then echo "work dir: $work"; else trap 'rm -rf "$work"' EXIT; fi

# Debian's /usr/bin/jing launcher warns on stderr about optional jars that
# are not installed (xml-apis, avalon-framework, batik-all); the validator
# takes any stray line as an error. Drop exactly those warnings.
mkdir -p "$work/bin"
cat > "$work/bin/jing" <<JING
#!/bin/bash
exec 3>&1
$(command -v jing) "\$@" 2>&1 1>&3 | grep -v '^\[warning\] .*: Unable to locate ' >&2
exit "\${PIPESTATUS[0]}"
JING
chmod +x "$work/bin/jing"
export PATH="$work/bin:$PATH"

feed() {  # feed FILE TAG
  printf '[[feed]]\nurl = "file://%s"\nfull_text = false\ntags = ["%s"]\n\n' "$1" "$2"
}
{
  printf '[daemon]\nstate_dir = "%s/state"\noutput_dir = "%s/public"\nlisten = ""\n' "$work" "$work"
  printf 'public_url = "http://127.0.0.1:8080"\nwebsub_hub = "https://hub.example.org/"\n\n'
  for f in "$fixtures"/*; do feed "$f" fixtures; done
  find "$shared/corpora/feedparser/wellformed" -type f \( -name '*.xml' -o -name '*.json' \) | sort |
    while read -r f; do feed "$f" feedparser; done
  for f in "$shared"/hostile/xss/feeds/*.xml; do feed "$f" xss; done
  if [ -n "$corpus" ] && [ -d "$corpus/feeds" ]; then
    find "$corpus/feeds" -name '*.xml' | sort | awk 'NR % 20 == 1' | while read -r f; do feed "$f" corpus; done
  fi
  printf '[[output]]\nname = "all"\nlimit = 100000\n\n'
  printf '[[output]]\nname = "fixtures"\ntitle = "Fixtures & friends <test>"\ntags = ["fixtures"]\n\n'
  printf '[[output]]\nname = "feedparser"\ntags = ["feedparser"]\nlimit = 5000\n\n'
  printf '[[output]]\nname = "corpus"\ntags = ["corpus"]\n\n'
} > "$work/feeds.toml"
echo "feeds: $(grep -c '^\[\[feed\]\]' "$work/feeds.toml")"

if ! "$tributary" run --config "$work/feeds.toml" --once > "$work/run.log" 2>&1; then
  echo "FAIL: tributary run --once failed:"; tail -20 "$work/run.log"; exit 1
fi
tail -1 "$work/run.log"

status=0
files=("$work"/public/*.atom "$work"/public/*.rss "$work"/public/*.json)
bash "$shared/schemas/validate_output.sh" -q "${files[@]}" > "$work/validate.log" 2>&1
cat "$work/validate.log" | tail -40
last=$(tail -1 "$work/validate.log")
echo "schema validity: $last (${#files[@]} files)"
if [ "$last" != "${#files[@]} passed, 0 failed" ]; then status=1; fi

"$py" "$here/feedparser_check.py" "$work/public" > "$work/feedparser.log" 2>&1
grep -v '^ok ' "$work/feedparser.log" | tail -40
last=$(tail -1 "$work/feedparser.log")
echo "feedparser: $last"
case "$last" in *" passed, 0 failed") ;; *) status=1 ;; esac
exit $status
