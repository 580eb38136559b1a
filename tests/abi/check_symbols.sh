#!/usr/bin/env bash
# The shared library exports exactly the checked-in symbol list (abi/libbeamcore.symbols).
# Removing or renaming a symbol breaks the ABI: update the list only on purpose.
#   check_symbols.sh <libbeamcore.so> <expected list>
set -euo pipefail
lib="$1"; expected="$2"
actual="$(nm -D --defined-only "${lib}" | awk '{print $3}' | sed 's/@.*//' | sort -u)"
if ! diff -u "${expected}" <(echo "${actual}"); then
  echo "exported symbols differ from ${expected} (diff above: - expected, + actual)" >&2
  exit 1
fi
if echo "${actual}" | grep -v '^beam_' >/dev/null; then
  echo "non-beam_ symbols exported" >&2
  exit 1
fi
echo "abi: $(echo "${actual}" | wc -l) exported symbols, all beam_*, as listed"
