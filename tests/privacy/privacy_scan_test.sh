#!/usr/bin/env bash
# scripts/privacy-scan against small RocksDB stores made with ldb: a needle behind binary bytes,
# in a second column family, in a deleted value compaction has not dropped yet, in a plain file;
# bytes that spell a needle only across a byte boundary do not count; exit codes 0, 1, 2, 3.
#
#   tests/privacy/privacy_scan_test.sh path/to/scripts/privacy-scan
set -euo pipefail
scan=$1
work=$(mktemp -d "${TMPDIR:-/tmp}/privacy-scan-test.XXXXXX")
trap 'rm -rf "$work"' EXIT
failures=0
hex() { printf '%s' "$1" | od -An -v -tx1 | tr -d ' \n'; }

expect() {  # expected-exit-code description command...
  local want=$1 what=$2 got=0
  shift 2
  "$@" >"$work/out" 2>"$work/err" || got=$?
  if [[ "$got" != "$want" ]]; then
    echo "FAIL: $what: exit $got, expected $want" >&2
    cat "$work/out" "$work/err" >&2
    failures=$((failures + 1))
  fi
}
expect_out() {  # text description
  if ! grep -qF -- "$1" "$work/out"; then
    echo "FAIL: $2: output lacks '$1'" >&2
    cat "$work/out" >&2
    failures=$((failures + 1))
  fi
}

data="$work/data"
db="$data/store"
mkdir -p "$data"
ldb --db="$db" --create_if_missing put --hex 0x6B31 "0x00FF$(hex 'Ayse.Yilmaz@example.com')00" >/dev/null
ldb --db="$db" create_column_family people >/dev/null
ldb --db="$db" --column_family=people put k2 "Ali Veli" >/dev/null
ldb --db="$db" put k3 deleted@example.com >/dev/null
ldb --db="$db" delete k3 >/dev/null
# "zqx" is 7A 71 78: these bytes hold the digits 7a7178 only across byte boundaries. (A needle
# of common letters would also match RocksDB's own LOG text by chance.)
ldb --db="$db" put --hex 0x6B34 0x07A71780 >/dev/null
printf 'a note about Zeynep Kaya\n' >"$data/notes.txt"
find "$data" -type f -exec sha256sum {} + | sort >"$work/before"

expect 1 "a value behind NUL bytes, ASCII case folded" "$scan" "$data" AYSE.yilmaz@example.com
expect_out 'store=store cf=default (scan) needle="AYSE.yilmaz@example.com" at key 0x6B31' "scan hit"
expect 1 "a second column family" "$scan" "$data" "ali veli"
expect_out 'cf=people (scan)' "second column family"
expect 1 "a deleted value before compaction" "$scan" "$data" deleted@example.com
expect_out 'cf=default (idump) needle="deleted@example.com"' "idump sees the deleted version"
expect 1 "a plain file" "$scan" "$data" "Zeynep Kaya"
expect_out 'file=notes.txt needle="Zeynep Kaya"' "raw file hit"
expect 0 "digits across byte boundaries" "$scan" "$data" zqx
expect 0 "absent needles" "$scan" "$data" nobody@example.com "Nobody Atall"
find "$data" -type f -exec sha256sum {} + | sort >"$work/after"
if ! diff -q "$work/before" "$work/after" >/dev/null; then
  echo "FAIL: the scan changed files under the data dir" >&2
  diff "$work/before" "$work/after" >&2 || true
  failures=$((failures + 1))
fi

ldb --db="$db" compact >/dev/null
expect 0 "the deleted value after a full compaction" "$scan" "$data" deleted@example.com

expect 2 "no needle" "$scan" "$data"
expect 2 "a needle too short" "$scan" "$data" ab
expect 2 "not a directory" "$scan" "$work/missing" abcd
mkdir -p "$work/broken"
echo garbage >"$work/broken/CURRENT"
expect 3 "a store ldb cannot read" "$scan" "$work/broken" abcd

if ((failures > 0)); then
  echo "privacy_scan_test: $failures failures" >&2
  exit 1
fi
echo "privacy_scan_test: all passed"
