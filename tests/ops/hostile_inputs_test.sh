#!/bin/bash
# hostile_inputs_test.sh TRIBUTARY - the commands without a fuzz target of
# their own, end to end on inputs built to break them (each once crashed,
# hung or was taken silently): a bad input is exit 1 with a message on
# stderr and nothing on stdout, never a signal, a hang or a silent result;
# inputs that are only odd are read.
set -uo pipefail
BIN=$(realpath "${1:?usage: hostile_inputs_test.sh TRIBUTARY}")
W=$(mktemp -d /tmp/tributary-hostile.XXXXXX)
trap 'rm -rf "$W"' EXIT
cd "$W"
fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }
# repeat N TEXT: TEXT N times, without newlines.
repeat() { yes "$2" | head -n "$1" | tr -d '\n'; }

# run EXPECTED_RC SAYS ARG...: the command ends within 60 s with EXPECTED_RC;
# on 1 stderr says SAYS and stdout is empty.
run() {
  local want=$1 says=$2
  shift 2
  timeout 60 "$BIN" "$@" >out 2>err
  local rc=$?
  [ "$rc" = "$want" ] || { fail "$*: exit $rc, not $want ($(head -c 200 err))"; return; }
  if [ "$want" = 1 ]; then
    grep -qF -- "$says" err || fail "$*: stderr does not say '$says': $(head -c 300 err)"
    [ ! -s out ] || fail "$*: wrote to stdout"
  fi
}

# dedup: JSON lines.
printf '{"id":"a","title":"Hello world"}\n{"id":"a","title":"Something else"}\n' >dup.jsonl
run 1 'line 2: duplicate id' dedup dup.jsonl
printf '{"id":null,"title":"x"}\n' >nullid.jsonl
run 1 'line 1: missing "id"' dedup nullid.jsonl
printf '{"id":"a","title":["x"]}\n' >type.jsonl
run 1 'line 1: "title" must be a string' dedup type.jsonl
printf '{"id":"a","title":"x","published":1e300}\n' >time.jsonl
run 1 'line 1: "published" is out of range' dedup time.jsonl
{ printf '{"id":"a","title":"x","x":'; repeat 100000 '['; printf '}\n'; } >deep.jsonl
run 1 'line 1: too deep' dedup deep.jsonl
printf '{"id":"a","title":"\xff"}\n' >utf8.jsonl
run 1 'line 1: syntax error' dedup utf8.jsonl
run 2 'not a number' dedup --dup-window-hours nan dup.jsonl
{ printf '{"id":"a","title":"'; repeat 500000 'word '; printf '"}\n'; } >huge.jsonl
run 0 '' dedup huge.jsonl
[ "$(cat out)" = '{"id":"a","group":"ga","story":"sa"}' ] || fail "dedup of a 2.5 MB title: $(head -c 200 out)"

# import-opml.
{ printf '<opml><body>'; repeat 200000 '<outline text="f">'; printf '<outline xmlUrl="https://a.example/"/>';
  repeat 200000 '</outline>'; printf '</body></opml>'; } >deep.opml
run 1 'nested deeper than 100 levels' import-opml --dry-run --config new.toml deep.opml
{ printf '<opml><body><outline xmlUrl="https://a.example/" category="'; seq -f '/c%.0f,' 100000 | tr -d '\n';
  printf '/C1"/></body></opml>'; } >categories.opml
run 0 '' import-opml --dry-run --config new.toml categories.opml
grep -qF 'tags = ["c1", "c2", "c3"' out || fail "categories: $(head -c 300 out)"
grep -qF '"C1"' out && fail "categories: C1 kept beside c1"
echo "secret-$$-token" >secret.txt
cat >xxe.opml <<O
<?xml version="1.0"?>
<!DOCTYPE opml [<!ENTITY xxe SYSTEM "file://$W/secret.txt">]>
<opml><body><outline xmlUrl="https://a.example/" title="&xxe;"/></body></opml>
O
run 0 '' import-opml --dry-run --config new.toml xxe.opml
grep -qF "secret-$$-token" out && fail "xxe: the entity's file was read: $(cat out)"
printf '<opml><body><outline xmlUrl="https://a.example/" title="a&#xD800;b"/></body></opml>' >surrogate.opml
run 0 '' import-opml --config new.toml surrogate.opml
run 0 '' check-config new.toml

# check-config: toml++ recursed once per part of a dotted key.
{ repeat 100000 'a.'; printf 'a = 1\n'; } >key.toml
run 1 'key.toml:1:128: a key with more than 64 dotted parts' check-config key.toml

# extract --format html: deep trees, binary garbage.
{ printf '<html><body>'; repeat 200000 '<div>'; repeat 20 '<p>Some words of text. '; } >deep.html
run 0 '' extract --format html deep.html
{ printf '<svg><foreignObject>'; repeat 50000 '<math><mi>'; printf '<script>alert(1)</script><p>text text</p>'; } >foreign.html
timeout 60 "$BIN" extract --format html foreign.html >out 2>err
rc=$?
[ "$rc" -le 1 ] || fail "extract foreign.html: exit $rc"
grep -qi '<script' out && fail "extract foreign.html: <script in the output"
head -c 200000 /dev/urandom >random.html
timeout 60 "$BIN" extract --format html random.html >out 2>err
rc=$?
[ "$rc" -le 1 ] || fail "extract random.html: exit $rc"
iconv -f UTF-8 -t UTF-8 out >/dev/null 2>&1 || fail "extract random.html: output is not UTF-8"

[ "$fails" = 0 ] || exit 1
echo "PASS: hostile inputs to dedup, import-opml, check-config and extract"
