#!/usr/bin/env bash
# OpenRad set-up, build and run. Idempotent: installs only missing Debian packages, builds incrementally.
#   scripts/openrad.sh demo   install what is missing, build, run the main job on generated sample studies
#   scripts/openrad.sh test   install what is missing, build, run every test (ctest summary at the end)
#   scripts/openrad.sh fuzz [COUNT] [SEED]
#                             a DICOM mutation campaign (default 5000 mutants of ../shared/data's DICOM files, each
#                             loaded in a child process); failing mutants are kept in $BUILD/fuzz-failures
#   scripts/openrad.sh libfuzzer [SECONDS] [SEED]
#                             builds build-fuzz (clang, libFuzzer + ASan/UBSan) and runs every libFuzzer target for
#                             SECONDS (default 60) with a fixed seed; fails on any crash, leak, hang or OOM, keeping
#                             the input in build-fuzz/findings/<target>/; a table of executions/coverage at the end
#   scripts/openrad.sh sanitize [CTEST_REGEX]
#                             builds build-asan (gcc, ASan/UBSan) and runs ctest there (all tests, or the regex);
#                             OPENRAD_SANITIZE_TARGETS="a b" builds only those targets, OPENRAD_SANITIZE_LABELS="io|core"
#                             runs only tests with those ctest labels
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BUILD="${OPENRAD_BUILD_DIR:-$ROOT/build}"
SAMPLES="${OPENRAD_SAMPLES_DIR:-$ROOT/samples}"
FUZZ_BUILD="${OPENRAD_FUZZ_BUILD_DIR:-$ROOT/build-fuzz}"
ASAN_BUILD="${OPENRAD_ASAN_BUILD_DIR:-$ROOT/build-asan}"
FUZZ_TARGETS=(dicom_structure dicom_file dicomdir nifti plain_image session series_planner)
JOBS="$(nproc)"
# Let ccache reuse objects across clones at other paths (CI builds a fresh clone each time).
export CCACHE_BASEDIR="$ROOT" CCACHE_NOHASHDIR=1

PACKAGES=(
  build-essential cmake ninja-build ccache pkg-config
  qt6-base-dev libqt6opengl6-dev libgl-dev libgl1-mesa-dri fonts-dejavu-core
  libvtk9-dev libinsighttoolkit5-dev libopenjp2-7-dev libdcmtk-dev libopencv-dev libeigen3-dev libtorch-dev
  libgtest-dev nlohmann-json3-dev libcli11-dev libspdlog-dev zlib1g-dev
  xvfb xauth dcm2niix dicom3tools poppler-utils
  clang libclang-rt-14-dev
)

log() { printf '\033[1m[openrad]\033[0m %s\n' "$*" >&2; }

install_missing() {
  local missing=()
  for p in "${PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  if [ ${#missing[@]} -eq 0 ]; then
    log "all ${#PACKAGES[@]} Debian packages present"
    return
  fi
  local sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  log "installing ${#missing[@]} missing packages: ${missing[*]}"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
}

build() {
  if [ ! -f "$BUILD/build.ninja" ]; then
    log "configuring $BUILD"
    cmake -S "$ROOT" -B "$BUILD" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DOPENRAD_FUZZ_BUILD_DIR="$FUZZ_BUILD"
  fi
  log "building with $JOBS jobs"
  cmake --build "$BUILD" -j "$JOBS"
}

# The libFuzzer build: clang, only the fuzz targets and their seed generator (core + io instrumented).
build_fuzz() {
  if ! command -v clang++ >/dev/null; then
    if [ "${CI:-}" = "true" ]; then log "clang++ missing (CI=true: the libFuzzer campaign is required)"; exit 1; fi
    log "clang++ missing: no libFuzzer build (the fuzz.libfuzzer tests will be skipped)"
    return 0
  fi
  if [ ! -f "$FUZZ_BUILD/build.ninja" ]; then
    log "configuring $FUZZ_BUILD (clang, libFuzzer, ASan/UBSan)"
    CC=clang CXX=clang++ cmake -S "$ROOT" -B "$FUZZ_BUILD" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
      -DCMAKE_C_COMPILER=clang -DCMAKE_CXX_COMPILER=clang++ \
      -DOPENRAD_FUZZ=ON -DOPENRAD_BUILD_GUI=OFF -DOPENRAD_BUILD_TESTS=OFF
  fi
  log "building the libFuzzer targets with $JOBS jobs"
  cmake --build "$FUZZ_BUILD" -j "$JOBS" --target openrad_fuzz_targets
}

libfuzzer() {
  local seconds="${1:-60}" seed="${2:-1}" failed=0 t
  [ -x "$FUZZ_BUILD/tests/fuzz/libfuzzer/fuzz_dicom_file" ] || { log "no libFuzzer build at $FUZZ_BUILD"; exit 1; }
  rm -rf "$FUZZ_BUILD/fuzz-results"
  for t in "${FUZZ_TARGETS[@]}"; do
    log "libFuzzer campaign: $t, ${seconds} s, seed $seed"
    OPENRAD_FUZZ_BUILD_DIR="$FUZZ_BUILD" "$ROOT/scripts/libfuzzer-campaign.sh" "$t" "$seconds" "$seed" || failed=1
  done
  printf '\n%-16s %8s %10s %7s %7s %7s %9s %10s %7s\n' target seconds execs cov ft corpus findings contained status
  for t in "${FUZZ_TARGETS[@]}"; do
    local line
    line="$(cat "$FUZZ_BUILD/fuzz-results/$t.txt" 2>/dev/null || echo "target=$t status=FAIL")"
    field() { sed -n "s/.*\b$1=\([^ ]*\).*/\1/p" <<<"$line"; }
    printf '%-16s %8s %10s %7s %7s %7s %9s %10s %7s\n' "$t" "$(field seconds)" "$(field execs)" "$(field cov)" \
      "$(field ft)" "$(field corpus)" "$(field findings)" "$(field contained)" "$(field status)"
  done
  [ "$failed" -eq 0 ] || { log "libFuzzer campaign FAILED: inputs in $FUZZ_BUILD/findings/"; exit 1; }
  log "libFuzzer campaign clean"
}

# The test suite under AddressSanitizer + UndefinedBehaviorSanitizer (gcc), in its own build folder.
sanitize() {
  local regex="${1:-}"
  if [ ! -f "$ASAN_BUILD/build.ninja" ]; then
    log "configuring $ASAN_BUILD (ASan/UBSan)"
    cmake -S "$ROOT" -B "$ASAN_BUILD" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DOPENRAD_SANITIZE=ON \
      -DOPENRAD_BUILD_GUI=OFF
  fi
  if [ -n "${OPENRAD_SANITIZE_TARGETS:-}" ]; then
    # shellcheck disable=SC2086
    cmake --build "$ASAN_BUILD" -j "$JOBS" --target $OPENRAD_SANITIZE_TARGETS
  else
    cmake --build "$ASAN_BUILD" -j "$JOBS"
  fi
  export ASAN_OPTIONS="detect_leaks=1:abort_on_error=0:strict_string_checks=1:detect_stack_use_after_return=1"
  export LSAN_OPTIONS="suppressions=$ROOT/tests/fuzz/sanitizer/lsan.supp:print_suppressions=1"
  export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1:suppressions=$ROOT/tests/fuzz/sanitizer/ubsan.supp"
  log "running ctest under ASan/UBSan${regex:+ (-R $regex)}"
  # The libFuzzer campaigns run build-fuzz's binaries, which are sanitized already.
  local args=(--test-dir "$ASAN_BUILD" --output-on-failure -j "$JOBS" --timeout 1800 -LE libfuzzer)
  [ -n "$regex" ] && args+=(-R "$regex")
  [ -n "${OPENRAD_SANITIZE_LABELS:-}" ] && args+=(-L "$OPENRAD_SANITIZE_LABELS")
  # Test executables left unbuilt on purpose (OPENRAD_SANITIZE_TARGETS) are not failures here.
  [ -n "${OPENRAD_SANITIZE_TARGETS:-}" ] && args+=(-E '_NOT_BUILT$')
  ctest "${args[@]}"
}

samples() {
  local cli="$BUILD/src/cli/openrad-cli"
  for kind in spine-xray spine-ct lumbar-mri head-ct; do
    if [ ! -f "$SAMPLES/$kind/manifest.json" ]; then
      log "generating sample $kind study"
      "$cli" phantom "$kind" --count 1 --seed 2026 --out "$SAMPLES/$kind"
    fi
  done
}

demo() {
  samples
  local cli="$BUILD/src/cli/openrad-cli"
  for kind in spine-xray spine-ct lumbar-mri head-ct; do
    log "openrad-cli info $SAMPLES/$kind"
    "$cli" info "$SAMPLES/$kind"
  done
  local study
  study="$(find "$SAMPLES/spine-xray" -mindepth 1 -maxdepth 1 -type d -name 'spine_xray_*' | sort | head -n 1)"
  log "openrad-cli analyze $study --modules xray-landmarks --out $SAMPLES/analysis"
  "$cli" analyze "$study" --modules xray-landmarks --out "$SAMPLES/analysis"
  log "AP spine report: $SAMPLES/analysis/report.pdf (CSV, JSON and the key image overlay.png beside it)"
  study="$(find "$SAMPLES/lumbar-mri" -mindepth 1 -maxdepth 1 -type d -name 'lumbar_mri_*' | sort | head -n 1)"
  log "openrad-cli analyze $study --modules mri-lumbar --out $SAMPLES/analysis-mri"
  "$cli" analyze "$study" --modules mri-lumbar --out "$SAMPLES/analysis-mri"
  log "lumbar MRI report: $SAMPLES/analysis-mri/report.pdf (label maps as NIfTI, CSV, JSON, key images beside it)"
  log "done. Open the studies in the workstation: $BUILD/src/app/openrad $SAMPLES/spine-xray $SAMPLES/lumbar-mri"
}

run_tests() {
  log "running the test suite"
  # GUI tests start their own Xvfb; the rest need no display and no GPU.
  ctest --test-dir "$BUILD" --output-on-failure -j "$JOBS" --timeout 900
}

fuzz() {
  local data="$ROOT/../shared/data"
  [ -d "$data" ] || { log "no seed data at $data"; exit 2; }
  log "mutation campaign: ${1:-5000} mutants, seed ${2:-1}"
  "$BUILD/tests/fuzz/openrad-mutation-campaign" --seeds "$data/dicom-corpus" --seeds "$data/ct-real" \
    --count "${1:-5000}" --seed "${2:-1}" --work "$BUILD/fuzz-work" --keep "$BUILD/fuzz-failures"
}

case "${1:-}" in
  demo) install_missing; build; demo ;;
  test) install_missing; build; build_fuzz; run_tests ;;
  fuzz) install_missing; build; fuzz "${2:-}" "${3:-}" ;;
  libfuzzer) install_missing; build_fuzz; libfuzzer "${2:-}" "${3:-}" ;;
  sanitize) install_missing; sanitize "${2:-}" ;;
  *) echo "usage: $0 {demo|test|fuzz [COUNT] [SEED]|libfuzzer [SECONDS] [SEED]|sanitize [CTEST_REGEX]}" >&2; exit 2 ;;
esac
