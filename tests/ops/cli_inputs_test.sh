#!/bin/bash
# cli_inputs_test.sh TRIBUTARY - every command that reads a file treats the
# ways a person gets it wrong alike: a missing file or a directory is exit 1
# with one stderr line naming the file and the cause (never an exception's
# text, a crash or a silent empty result), and a pipe (/dev/stdin, <(...)) is
# read like a file.
set -uo pipefail
BIN=$(realpath "${1:?usage: cli_inputs_test.sh TRIBUTARY}")
W=$(mktemp -d /tmp/tributary-cli.XXXXXX)
trap 'rm -rf "$W"' EXIT
cd "$W"
mkdir folder
fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }

# expect_error CAUSE ARG... : exit 1, nothing on stdout, stderr names the
# path and the cause.
expect_error() {
  local cause=$1 path=${*: -1}
  shift
  "$BIN" "$@" >out 2>err
  local rc=$?
  [ "$rc" = 1 ] || fail "$*: exit $rc, not 1 ($(head -c 200 err))"
  [ ! -s out ] || fail "$*: wrote to stdout"
  grep -qF -- "$path" err || fail "$*: stderr does not name $path: $(cat err)"
  grep -qF -- "$cause" err || fail "$*: stderr does not say '$cause': $(cat err)"
  [ "$(wc -l <err)" -le 2 ] || fail "$*: more than two lines on stderr"
}

for what in "missing.file:No such file or directory" "folder:Is a directory"; do
  path=${what%%:*} cause=${what#*:}
  expect_error "$cause" check-config "$path"
  expect_error "$cause" parse --json "$path"
  expect_error "$cause" extract "$path"
  expect_error "$cause" dedup "$path"
  expect_error "$cause" import-opml --config new.toml "$path"
  expect_error "$cause" export-opml --config "$path"
  expect_error "$cause" run --once --config "$path"
done
[ ! -e new.toml ] || fail "import-opml of a bad file created the config"
# check-config reports the directory in its FILE:LINE:COL form.
"$BIN" check-config folder 2>err
grep -qx 'folder:1:1: cannot read folder: Is a directory' err || fail "check-config folder: $(cat err)"

# Empty standard input: parse gives the contract's empty result, extract
# says there is no article (once), dedup has nothing to print.
"$BIN" parse --json - </dev/null >out 2>err || fail "parse of empty stdin: exit $?"
grep -q '"format":""' out || fail "parse of empty stdin: $(cat out)"
"$BIN" extract - </dev/null >out 2>err
[ $? = 1 ] || fail "extract of empty stdin: not exit 1"
grep -qx 'tributary extract: no article content found' err || fail "extract of empty stdin: $(cat err)"
# A file that is not a web page at all (a PDF, an image) is named as such,
# not printed as the article.
printf '%%PDF-1.4\n%%\xe2\xe3\xcf\xd3\n1 0 obj << /Type /Catalog >> endobj\n' >report.pdf
expect_error "is not an HTML page (application/pdf)" extract report.pdf
printf '\x89PNG\r\n\x1a\n\0\0\0\rIHDR' >picture.html
expect_error "is not an HTML page (image/png)" extract picture.html
"$BIN" dedup </dev/null >out 2>err || fail "dedup of empty stdin: exit $?"
[ ! -s out ] || fail "dedup of empty stdin printed $(cat out)"

# Pipes: the same result as the file.
cat >feed.xml <<'X'
<?xml version="1.0"?><rss version="2.0"><channel><title>T</title>
<item><title>One</title><link>https://a.example/1</link></item></channel></rss>
X
"$BIN" parse --json feed.xml >from_file || fail "parse feed.xml"
"$BIN" parse --json <(cat feed.xml) >from_pipe 2>err || fail "parse <(...): $(cat err)"
cmp -s from_file from_pipe || fail "parse of a pipe differs from the file"
"$BIN" parse --json /dev/stdin <feed.xml >from_stdin 2>err || fail "parse /dev/stdin: $(cat err)"
cmp -s from_file from_stdin || fail "parse of /dev/stdin differs from the file"
printf '[[feed]]\nurl = "https://a.example/rss"\n' >ok.toml
"$BIN" check-config <(cat ok.toml) >out 2>err || fail "check-config <(...): $(cat err)"
echo '{"id":"1","title":"A headline long enough"}' >items.jsonl
"$BIN" dedup <(cat items.jsonl) >out 2>err || fail "dedup <(...): $(cat err)"
grep -q '"id":"1"' out || fail "dedup <(...) printed nothing"

# refetch --feed: an unknown URL is named, before the store is opened; the
# same feed named twice is no error.
mkdir state
printf '[daemon]\nstate_dir = "state"\nlisten = ""\n[[feed]]\nurl = "file://%s/feed.xml"\n' "$PWD" >refetch.toml
"$BIN" refetch --config refetch.toml --feed https://typo.example/rss --no-render 2>err
[ $? = 1 ] || fail "refetch --feed unknown: not exit 1"
grep -qF 'https://typo.example/rss' err || fail "refetch --feed unknown does not name it: $(cat err)"
[ ! -e state/tributary.db ] || fail "refetch --feed unknown created the store"
"$BIN" refetch --config refetch.toml --no-render 2>err
[ $? = 1 ] || fail "refetch before the daemon ran: not exit 1"
grep -qF "no store at $PWD/state/tributary.db yet" err || fail "refetch before the daemon ran: $(cat err)"
[ ! -e state/tributary.db ] || fail "refetch created the store"
"$BIN" run --once --config refetch.toml >/dev/null 2>&1 || fail "run --once"
"$BIN" refetch --config refetch.toml --feed "file://$PWD/feed.xml" --feed "FILE://$PWD/feed.xml" --no-render 2>err ||
  fail "refetch naming a feed twice: $(cat err)"

[ "$fails" = 0 ] || exit 1
echo "PASS: missing files and directories are exit 1 naming the file; pipes are read"
