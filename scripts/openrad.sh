#!/usr/bin/env bash
# OpenRad set-up, build and run. Idempotent: installs only missing Debian packages, builds incrementally.
#   scripts/openrad.sh demo   install what is missing, build, run the main job on generated sample studies
#   scripts/openrad.sh test   install what is missing, build, run every test (ctest summary at the end)
#   scripts/openrad.sh fuzz [COUNT] [SEED]
#                             a DICOM mutation campaign (default 5000 mutants of ../shared/data's DICOM files, each
#                             loaded in a child process); failing mutants are kept in $BUILD/fuzz-failures
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BUILD="${OPENRAD_BUILD_DIR:-$ROOT/build}"
SAMPLES="${OPENRAD_SAMPLES_DIR:-$ROOT/samples}"
JOBS="$(nproc)"
# Let ccache reuse objects across clones at other paths (CI builds a fresh clone each time).
export CCACHE_BASEDIR="$ROOT" CCACHE_NOHASHDIR=1

PACKAGES=(
  build-essential cmake ninja-build ccache pkg-config
  qt6-base-dev libqt6opengl6-dev libgl-dev libgl1-mesa-dri fonts-dejavu-core
  libvtk9-dev libinsighttoolkit5-dev libopenjp2-7-dev libdcmtk-dev libopencv-dev libeigen3-dev libtorch-dev
  libgtest-dev nlohmann-json3-dev libcli11-dev libspdlog-dev zlib1g-dev
  xvfb xauth dcm2niix dicom3tools poppler-utils
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
    cmake -S "$ROOT" -B "$BUILD" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo
  fi
  log "building with $JOBS jobs"
  cmake --build "$BUILD" -j "$JOBS"
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
  log "done. Open the studies in the workstation: $BUILD/src/app/openrad $SAMPLES/spine-xray"
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
  test) install_missing; build; run_tests ;;
  fuzz) install_missing; build; fuzz "${2:-}" "${3:-}" ;;
  *) echo "usage: $0 {demo|test|fuzz [COUNT] [SEED]}" >&2; exit 2 ;;
esac
