#!/usr/bin/env bash
# Writes the C ABI of libbeamcore.so (ABIXML, abidw) — the public functions and the
# types of include/beamcore reachable from them — in a form stable across rebuilds
# (no paths, no source locations, hash type ids). Shared by check_abi.sh and
# scripts/update-abi, so the baseline and the check always use the same options.
#   dump_abi.sh <libbeamcore.so> <public headers dir> <out.abi>
# Debug info: in the library, or in <library>.debug beside it (release builds split it
# out, see src/CMakeLists.txt).
set -euo pipefail
lib="$1"; headers="$2"; out="$3"
if ! command -v abidw >/dev/null 2>&1; then
  echo "abidw not found (Debian: abigail-tools; scripts/setup-deps installs it)" >&2
  exit 2
fi
real="$(readlink -f "${lib}")"
abidw --debug-info-dir "$(dirname "${real}")" \
  --headers-dir "${headers}" --drop-private-types --exported-interfaces-only \
  --no-corpus-path --no-comp-dir-path --no-show-locs --no-elf-needed --no-architecture \
  --type-id-style hash \
  --out-file "${out}" "${real}"
# Every exported function must be described with its types (DWARF found): otherwise the
# check would only compare symbol names.
exported="$(nm -D --defined-only "${real}" | awk '$2 == "T" {print $3}' | sed 's/@.*//' | sort -u | wc -l)"
described="$(grep -c '<function-decl ' "${out}" || true)"
if [ "${described}" -lt "${exported}" ]; then
  echo "dump_abi: ${exported} exported functions but only ${described} described: no debug info for" \
       "some of them (are the translation units defining beam_* compiled with -g?)" >&2
  exit 1
fi
