#!/bin/bash
# docs_commands_test.sh TRIBUTARY - every subcommand `tributary --help` lists
# is documented where README.md says to look: its Commands block and the man
# page's COMMANDS section (daemon/tributary.1), and each documented option of
# the README's Commands block is one the command accepts.
set -uo pipefail
BIN=$(realpath "${1:?usage: docs_commands_test.sh TRIBUTARY}")
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
command -v man >/dev/null || { echo "SKIP: man missing"; exit 77; }
fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }

commands=$("$BIN" --help | sed -n '/^Subcommands:/,$p' | awk 'NR > 1 && NF { print $1 }')
[ -n "$commands" ] || { echo "FAIL: no subcommands in --help"; exit 1; }
readme=$(sed -n '/^## Commands/,/^## /p' "$ROOT/README.md")
manual=$(MANWIDTH=200 man -l "$ROOT/daemon/tributary.1" 2>/dev/null | sed -n '/^COMMANDS/,/^SIGNALS/p')
for c in $commands; do
  grep -qE "^tributary (.* / )?$c( |\$)" <<<"$readme" || fail "README.md Commands does not list '$c'"
  grep -qE "^ {7}$c( |\$)" <<<"$manual" || fail "man page COMMANDS does not describe '$c'"
  # Options the README shows for this command must exist.
  for opt in $(grep -E "^tributary $c( |\$)" <<<"$readme" | grep -oE -- '--[a-z-]+' | sort -u); do
    "$BIN" "$c" --help | grep -qE -- "(^|[ ,])$opt([ ,]|\$)" || fail "README shows '$c $opt', which --help does not know"
  done
done
[ "$fails" = 0 ] || exit 1
echo "PASS: $(wc -w <<<"$commands") commands in README.md and the man page"
