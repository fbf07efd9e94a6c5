#!/usr/bin/env bash
# Start-up cost of openrad-cli commands (issue 9): wall time of RUNS runs (median and min) and the shared libraries
# the dynamic loader loaded (dlopen'ed ones included), per program, in one run so that machine load hits all alike.
#   scripts/bench-startup.sh [RUNS] FILE CLI...
#     FILE  a small DICOM file or folder for `info`
#     CLI   one or more openrad-cli binaries to compare (e.g. a build before and after a change)
# Runs alternate between the programs. Prints, per program: median and min of `info FILE` and of `modules`, and the
# number of libraries each maps (LD_DEBUG=files), with how many of them are LibTorch's, libgomp and Qt.
set -euo pipefail
RUNS=20
if [[ "${1:-}" =~ ^[0-9]+$ ]]; then RUNS=$1; shift; fi
FILE=${1:?usage: bench-startup.sh [RUNS] FILE CLI...}
shift
[ $# -ge 1 ] || { echo "usage: bench-startup.sh [RUNS] FILE CLI..." >&2; exit 2; }
unset OMP_WAIT_POLICY

now() { date +%s%N; }
declare -A times
for ((i = 0; i < RUNS; i++)); do
  for cli in "$@"; do
    for cmd in info modules; do
      args=(info "$FILE"); [ "$cmd" = modules ] && args=(modules)
      t0=$(now); "$cli" "${args[@]}" >/dev/null 2>&1 || true; t1=$(now)
      times["$cli|$cmd"]+="$(( (t1 - t0) / 1000 )) "
    done
  done
done

stats() { tr ' ' '\n' | grep . | sort -n | awk '{v[NR]=$1} END {m = NR % 2 ? v[(NR+1)/2] : (v[NR/2]+v[NR/2+1])/2; printf "median %7.3f s  min %7.3f s", m/1e6, v[1]/1e6}'; }
libs() {
  LD_DEBUG=files "$@" 2>&1 >/dev/null | grep -E 'file=.*generating link map' | sed 's/.*file=\([^ ]*\).*/\1/' | sort -u > /tmp/bench-startup-libs.$$
  printf "%3d libraries (libtorch*/libc10*: %d, libgomp: %d, Qt6: %d); program images started: %d" \
    "$(wc -l < /tmp/bench-startup-libs.$$)" "$(grep -cE '(^|/)(libtorch|libc10)' /tmp/bench-startup-libs.$$ || true)" \
    "$(grep -c 'libgomp' /tmp/bench-startup-libs.$$ || true)" "$(grep -c 'libQt6' /tmp/bench-startup-libs.$$ || true)" \
    "$(LD_DEBUG=files "$@" 2>&1 >/dev/null | grep -c 'initialize program:' || true)"
  rm -f /tmp/bench-startup-libs.$$
}
for cli in "$@"; do
  echo "$cli"
  echo "  info FILE : $(echo "${times["$cli|info"]}" | stats)   $(libs "$cli" info "$FILE")"
  echo "  modules   : $(echo "${times["$cli|modules"]}" | stats)   $(libs "$cli" modules)"
done
