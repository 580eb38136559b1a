#!/usr/bin/env bash
# The shared library's C ABI is compatible with the checked-in baseline
# (abi/libbeamcore.abi): no function removed, no function's signature or any public
# type reachable from one (beam_buffer, beam_node_config, ...) changed. Added functions
# are compatible and pass (record them with scripts/update-abi).
#   check_abi.sh <libbeamcore.so> <public headers dir> <baseline.abi>
set -euo pipefail
lib="$1"; headers="$2"; baseline="$3"
here="$(cd "$(dirname "$0")" && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "${work}"' EXIT

"${here}/dump_abi.sh" "${lib}" "${headers}" "${work}/current.abi"

# abidiff's exit status is a bit set: 1 error, 2 usage error, 4 ABI change,
# 8 incompatible ABI change (e.g. a removed function). A changed type only sets 4, so
# any non-zero status fails; --no-added-syms keeps additions from setting it.
status=0
abidiff --no-added-syms "${baseline}" "${work}/current.abi" >"${work}/report" 2>&1 || status=$?
if [ "${status}" -ne 0 ]; then
  cat "${work}/report" >&2
  what=()
  (( status & 1 )) && what+=("abidiff error")
  (( status & 2 )) && what+=("usage error")
  (( status & 4 )) && what+=("ABI change")
  (( status & 8 )) && what+=("incompatible ABI change")
  echo "abi: ${lib} is not compatible with ${baseline} (abidiff status ${status}: $(IFS=,; echo "${what[*]}"))." >&2
  echo "abi: if the change is intended (fields appended to a versioned struct, a new major version), review" \
       "the report above and regenerate the baseline with scripts/update-abi." >&2
  exit 1
fi

# Compatible. Mention additions that are not in the baseline yet.
abidiff "${baseline}" "${work}/current.abi" >"${work}/added" 2>&1 || true
added="$(sed -n 's/^Functions changes summary: .* \([0-9][0-9]*\) Added.*/\1/p' "${work}/added" | head -n1)"
if [ -n "${added}" ] && [ "${added}" != "0" ]; then
  sed -n '/Added function/,$p' "${work}/added" | grep "^  \[A\]" || true
  echo "abi: compatible with ${baseline}; ${added} function(s) added (record them with scripts/update-abi)"
else
  echo "abi: compatible with ${baseline}"
fi
