#!/usr/bin/env bash
# One fixed-seed libFuzzer campaign of one target of build-fuzz (see docs/fuzzing.md).
#   scripts/libfuzzer-campaign.sh TARGET [SECONDS] [SEED]
# Builds the target's seed corpus on first use (the project's own writers, plus ../shared/data's DICOM cut to the
# target's -max_len), runs the target for SECONDS (default $OPENRAD_FUZZ_SECONDS, else 20; dicom_file 40) with
# -seed=SEED (default 1),
# and prints one line: executions, coverage (cov/ft of libFuzzer's last stats line), findings. Exit 0 when clean;
# 1 on any crash, leak, timeout (hang) or out-of-memory (the input is kept under build-fuzz/findings/TARGET/);
# 77 (skipped) when build-fuzz has no such binary, except with CI=true, where that is a failure (1).
# To look past a known finding: OPENRAD_LIBFUZZER_ARGS (more libFuzzer flags), OPENRAD_ASAN_EXTRA (more ASAN_OPTIONS,
# e.g. allocator_may_return_null=1), OPENRAD_FUZZ_ALLOW_SILENT=1 (a file giving no series and no issue is not a finding).
set -uo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
FUZZ_BUILD="${OPENRAD_FUZZ_BUILD_DIR:-$ROOT/build-fuzz}"
DATA="${OPENRAD_SHARED_DATA_DIR:-$ROOT/../shared/data}"
TARGET="${1:?usage: $0 TARGET [SECONDS] [SEED]}"
# dicom_file spends its first ~15 s under ASan on its 118 seeds (real files up to 1 MB): 40 s by default, the rest 20 s.
DEFAULT_SECONDS=20
[ "$TARGET" = dicom_file ] && DEFAULT_SECONDS=40
SECONDS_RUN="${2:-${OPENRAD_FUZZ_SECONDS:-$DEFAULT_SECONDS}}"
SEED="${3:-${OPENRAD_FUZZ_SEED:-1}}"
BIN="$FUZZ_BUILD/tests/fuzz/libfuzzer/fuzz_$TARGET"
SEEDER="$FUZZ_BUILD/tests/fuzz/libfuzzer/openrad-fuzz-seeds"
DICT="$ROOT/tests/fuzz/libfuzzer/dicom.dict"

say() { printf '[libfuzzer %s] %s\n' "$TARGET" "$*"; }

if [ ! -x "$BIN" ] || [ ! -x "$SEEDER" ]; then
  if [ "${CI:-}" = "true" ]; then
    say "FAIL: $BIN is not built (CI=true: a missing fuzz build is a failure; scripts/openrad.sh test builds it)"
    exit 1
  fi
  say "SKIP: $BIN is not built (scripts/openrad.sh libfuzzer builds it)"
  exit 77
fi

# -max_len per target: DICOM seeds are real files (up to 1 MB after cutting); the rest are small formats.
dict=()
case "$TARGET" in
  dicom_structure) MAXLEN=1048576; dict=(-dict="$DICT") ;;
  dicom_file) MAXLEN=1048576; dict=(-dict="$DICT") ;;
  dicomdir) MAXLEN=65536; dict=(-dict="$DICT") ;;
  nifti) MAXLEN=262144 ;;
  plain_image) MAXLEN=262144 ;;
  session) MAXLEN=65536 ;;
  series_planner) MAXLEN=4096 ;;
  *) say "unknown target"; exit 2 ;;
esac

# Seeds, once per build-fuzz (under a lock: ctest runs the targets' campaigns in parallel).
SEEDS="$FUZZ_BUILD/fuzz-seeds"
exec 9>"$FUZZ_BUILD/.fuzz-seeds.lock"
flock 9
if [ ! -f "$SEEDS/.done" ]; then
  rm -rf "$SEEDS"
  mkdir -p "$SEEDS"
  ASAN_OPTIONS=detect_leaks=0 "$SEEDER" "$SEEDS/generated" >"$SEEDS/seeder.log" 2>&1 ||
    { say "seed generator failed:"; cat "$SEEDS/seeder.log"; exit 1; }
  for t in dicom_structure dicom_file dicomdir nifti plain_image session series_planner; do mkdir -p "$SEEDS/$t"; done
  cp "$SEEDS"/generated/dicom_file/* "$SEEDS/dicom_file/"
  cp "$SEEDS"/generated/dicom_file/* "$SEEDS/dicom_structure/"
  cp "$SEEDS"/generated/dicomdir/* "$SEEDS/dicomdir/" 2>/dev/null || true
  cp "$SEEDS"/generated/dicom_file/small_native.dcm "$SEEDS/dicomdir/"
  cp "$SEEDS"/generated/nifti/* "$SEEDS/nifti/"
  cp "$SEEDS"/generated/plain_image/* "$SEEDS/plain_image/"
  cp "$SEEDS"/generated/session/* "$SEEDS/session/"
  # The planner reads its headers from the bytes: the committed shapes are its seeds.
  cp "$ROOT"/tests/fuzz/regressions/series_planner/* "$SEEDS/series_planner/"
  # Real-world DICOM (every codec of the corpus), cut to 1 MB: a cut file still drives the header parser and,
  # for a file whose pixels lie within the first megabyte, the decoders.
  n=0
  if [ -d "$DATA" ]; then
    while IFS= read -r -d '' f; do
      [ "$(head -c 132 "$f" 2>/dev/null | tail -c 4 | tr -d '\000')" = "DICM" ] || continue
      n=$((n + 1))
      name="real_$(printf '%04d' "$n")_$(basename "$f" | tr -c 'A-Za-z0-9._-' '_' | cut -c1-60)"
      head -c 1048576 "$f" >"$SEEDS/dicom_file/$name"
      head -c 1048576 "$f" >"$SEEDS/dicom_structure/$name"
    done < <(find "$DATA/dicom-corpus" "$DATA/ct-real" -type f -print0 2>/dev/null | sort -z)
  fi
  echo "$n real DICOM files" >"$SEEDS/.done"
fi
flock -u 9

WORK="$FUZZ_BUILD/fuzz-run/$TARGET"
FINDINGS="$FUZZ_BUILD/findings/$TARGET"
rm -rf "$WORK"
mkdir -p "$WORK/corpus" "$WORK/artifacts" "$FINDINGS"
LOG="$WORK/fuzz.log"

# Leak detection on (LSan at exit and libFuzzer's per-input -detect_leaks); UBSan findings are fatal.
export ASAN_OPTIONS="detect_leaks=1:symbolize=1:handle_abort=1:allocator_may_return_null=0${OPENRAD_ASAN_EXTRA:+:$OPENRAD_ASAN_EXTRA}"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
start=$(date +%s)
"$BIN" -seed="$SEED" -max_total_time="$SECONDS_RUN" -timeout=25 -rss_limit_mb=2560 -max_len="$MAXLEN" \
  -detect_leaks=1 -print_final_stats=1 -error_exitcode=1 -timeout_exitcode=1 -artifact_prefix="$WORK/artifacts/" \
  "${dict[@]}" ${OPENRAD_LIBFUZZER_ARGS:-} "$WORK/corpus" "$SEEDS/$TARGET" >"$LOG" 2>&1
rc=$?
elapsed=$(( $(date +%s) - start ))

execs=$(grep -o 'stat::number_of_executed_units: [0-9]*' "$LOG" | tail -1 | awk '{print $2}')
stats=$(grep -E '^#[0-9]+[[:space:]]+(INITED|NEW|REDUCE|pulse|DONE)' "$LOG" | tail -1)
cov=$(sed -n 's/.*cov: \([0-9]*\).*/\1/p' <<<"$stats")
ft=$(sed -n 's/.*ft: \([0-9]*\).*/\1/p' <<<"$stats")
corp=$(sed -n 's/.*corp: \([0-9]*\).*/\1/p' <<<"$stats")
seeds=$(find "$SEEDS/$TARGET" -maxdepth 1 -type f | wc -l)
# libFuzzer stops at the first finding of the process it runs in, so with rc 0 every artifact comes from a forked
# decoder child (GDCM under src/io/Isolation.cpp) that died of a sanitizer report or libFuzzer's malloc limit: the
# workstation survives those by design. They are kept and counted as "contained"; OPENRAD_FUZZ_STRICT=1 fails on them.
findings=0
contained=0
for f in "$WORK"/artifacts/*; do
  [ -f "$f" ] || continue
  case "$(basename "$f")" in crash-*|leak-*|timeout-*|oom-*) ;; *) continue ;; esac
  if [ "$rc" -eq 0 ]; then
    contained=$((contained + 1))
    mkdir -p "$FINDINGS/contained"
    cp "$f" "$FINDINGS/contained/"
  else
    findings=$((findings + 1))
    cp "$f" "$FINDINGS/"
  fi
done
status=ok
if [ "$rc" -ne 0 ] || [ "$findings" -gt 0 ] || [ -z "$execs" ]; then status=FAIL; fi
if [ "${OPENRAD_FUZZ_STRICT:-0}" = 1 ] && [ "$contained" -gt 0 ]; then status=FAIL; fi
# A failing parent leaves exactly one input; rc != 0 without one (e.g. LSan at exit) still fails.
line="target=$TARGET seconds=$elapsed seed=$SEED seeds=$seeds execs=${execs:-?} cov=${cov:-?} ft=${ft:-?} corpus=${corp:-?} findings=$findings contained=$contained rc=$rc status=$status"
mkdir -p "$FUZZ_BUILD/fuzz-results"
echo "$line" >"$FUZZ_BUILD/fuzz-results/$TARGET.txt"
say "$line"
if [ "$status" != ok ]; then
  say "log: $LOG; inputs kept in $FINDINGS (add them to tests/fuzz/regressions/$TARGET/)"
  grep -E 'ERROR|SUMMARY|deadly|Timeout|out-of-memory|let an exception|no series|harness fault' "$LOG" | head -40
  exit 1
fi
exit 0
