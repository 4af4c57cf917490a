#!/bin/bash
# opml_roundtrip.sh TRIBUTARY - OPML interchange with newsboat, both ways:
#   newsboat urls -> `newsboat -e` -> tributary import-opml -> the feeds file
#   keeps its comments and text and gains every feed with its title;
#   importing again adds nothing; tributary export-opml -> `newsboat -i`
#   -> newsboat's urls file has every feed with its tags -> `newsboat -e`
#   -> import-opml into an empty file gives the same feeds.
# Exit 0 pass, 1 fail, 77 skipped (newsboat missing).
set -euo pipefail
BIN=$(realpath "${1:?usage: opml_roundtrip.sh TRIBUTARY}")
command -v newsboat >/dev/null || { echo "SKIP: newsboat missing (apt-get install newsboat)"; exit 77; }
W=$(mktemp -d /tmp/tributary-opml.XXXXXX)
trap 'rm -rf "$W"' EXIT
export HOME=$W   # newsboat wants a home; keep it away from the real one
die() { echo "FAIL: $*"; exit 1; }
nb() { newsboat -u "$W/$1" -c "$W/$1.db" "${@:2}"; }

# A newsboat subscription list: titles via "~", tags, a query feed (not a
# subscription; newsboat leaves it out of its export), odd characters.
cat >"$W/urls" <<'U'
https://a.example.com/feed.xml tech "~A & B <blog>"
https://b.example.org/rss news world
https://c.example.net/atom?x=1&y=2 "~Ünïcödé – “quotes”"
http://d.example:8080/rss.xml
"query:Unread:unread = \"yes\""
U
nb urls -e >"$W/newsboat.opml"

printf '# my feeds (comment kept)\n[daemon]\nlisten = "127.0.0.1:8080"   # trailing comment\n\n[[feed]]\nurl = "https://b.example.org/rss"\ntags = ["news"]\n' >"$W/t.toml"
cp "$W/t.toml" "$W/before.toml"
"$BIN" import-opml "$W/newsboat.opml" --config "$W/t.toml" 2>"$W/import.log" || { cat "$W/import.log"; die "import-opml"; }
grep -q "3 feeds added, 1 already present" "$W/import.log" || { cat "$W/import.log"; die "import summary"; }
head -c "$(stat -c %s "$W/before.toml")" "$W/t.toml" | cmp -s - "$W/before.toml" || die "import changed the existing text"
"$BIN" check-config "$W/t.toml" >/dev/null || die "imported file does not check"
grep -q 'title = "A & B <blog>"' "$W/t.toml" || die "title lost"
grep -q 'title = "Ünïcödé – “quotes”"' "$W/t.toml" || die "unicode title lost"
echo "PASS: newsboat -e -> import-opml: 3 added, 1 already present, existing text kept byte for byte"
cp "$W/t.toml" "$W/once.toml"
"$BIN" import-opml "$W/newsboat.opml" --config "$W/t.toml" 2>"$W/import2.log"
cmp -s "$W/t.toml" "$W/once.toml" || die "second import changed the file"
grep -q "0 feeds added, 4 already present" "$W/import2.log" || die "second import summary"
echo "PASS: importing again adds nothing"

"$BIN" export-opml --config "$W/t.toml" >"$W/tributary.opml" || die "export-opml"
nb urls2 -i "$W/tributary.opml" >/dev/null || die "newsboat -i"
sort "$W/urls2" >"$W/urls2.sorted"
for want in 'https://a.example.com/feed.xml' 'https://b.example.org/rss "news"' \
            'https://c.example.net/atom?x=1&y=2' 'http://d.example:8080/rss.xml'; do
  grep -qxF "$want" "$W/urls2.sorted" || { cat "$W/urls2"; die "newsboat -i lacks: $want"; }
done
[ "$(grep -c . "$W/urls2")" = 4 ] || die "newsboat -i imported $(grep -c . "$W/urls2") feeds, not 4"
echo "PASS: export-opml -> newsboat -i: 4 feeds, tags as folders"

nb urls2 -e >"$W/newsboat2.opml"
: >"$W/fresh.toml"
"$BIN" import-opml "$W/newsboat2.opml" --config "$W/fresh.toml" 2>/dev/null || die "import of newsboat's re-export"
diff <(grep '^url' "$W/t.toml" | sort) <(grep '^url' "$W/fresh.toml" | sort) || die "feeds differ after the round trip"
echo "PASS: newsboat -e -> import-opml -> export-opml -> newsboat -i -> newsboat -e -> import-opml: same 4 feeds"
