#pragma once

#include "openrad/core/Image.h"

#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace openrad::phantom {

/// Label values of the lumbar MRI label map (uint8, on the T1/T2 series grid).
enum LumbarMriLabel : std::uint8_t {
  kMriBackground = 0,
  kMriL1 = 1,  ///< L1..L5 = 1..5
  kMriS1 = 6,
  kMriDiscL1L2 = 7,  ///< discs L1-L2..L5-S1 = 7..11
  kMriDiscL5S1 = 11,
  kMriCanal = 12,       ///< thecal sac (CSF, cord and roots) inside the spinal canal
  kMriHerniation = 13,  ///< disc material beyond the posterior disc margin
};

/// Number of lumbar discs (L1-L2 .. L5-S1).
constexpr int kLumbarDiscCount = 5;

/// One disc herniation of a lumbar MRI phantom.
struct DiscHerniation {
  int disc = 0;                   ///< 0 = L1-L2 .. 4 = L5-S1
  std::string type;               ///< "protrusion" or "extrusion"
  std::string side;               ///< "central", "left" or "right" (patient side)
  double lateralMm = 0.0;         ///< centre offset from the midline, + = patient left
  double depthMm = 0.0;           ///< posterior extent beyond the disc margin
  double widthMm = 0.0;           ///< left-right extent
  double heightMm = 0.0;          ///< cranio-caudal extent
  double migrationMm = 0.0;       ///< cranial (+) or caudal (-) migration of an extrusion
};

/// Sampled parameters of one lumbar MRI case; edit before render for controlled tests.
struct LumbarMriParams {
  std::uint64_t seed = 1;
  int slices = 11;                  ///< sagittal slices (9..15)
  double sliceThicknessMm = 4.0;    ///< 3..4 mm, no gap
  int columns = 320, rows = 320;
  double pixelMm = 0.9375;
  double midlineOffsetMm = 0.0;     ///< patient midline relative to the slab centre (+ = left)
  double sacralSlopeDeg = 38.0;
  std::array<double, kLumbarDiscCount> discAngleDeg{};   ///< segmental lordosis per disc (L1-L2..L5-S1)
  std::array<double, kLumbarDiscCount> discHeightMm{};   ///< posterior disc height
  std::array<double, kLumbarDiscCount> degeneration{};   ///< 0 healthy .. 1 severely degenerated
  std::array<double, kLumbarDiscCount> listhesisPercent{};  ///< anterolisthesis of the upper vertebra (% of lower endplate)
  std::array<double, 6> bodyHeightMm{};  ///< L1..L5, S1 posterior body height
  std::array<double, 6> bodyDepthMm{};   ///< L1..L5, S1 endplate depth (AP)
  double bodyHalfWidthMm = 22.0;
  double canalDepthMm = 15.0;        ///< thecal sac AP diameter at L1
  double subcutaneousFatMm = 18.0;
  double muscleMm = 55.0;
  double marrowFat = 0.5;            ///< 0..1, raises T1 marrow signal with age
  std::vector<DiscHerniation> herniations;
  double noiseSigma = 0.02;          ///< Rician noise sigma relative to the fat signal
  double biasStrength = 0.35;        ///< posterior-coil falloff and smooth bias
  double patientShiftMm[2] = {0.0, 0.0};  ///< in-plane shift (AP, SI)
  double columnTiltDeg = 0.0;        ///< lean of the T12-S1 line from the table axis (+ = top posterior)
};

/// A herniation's footprint on one sagittal slice (pixel box of its label, inclusive corners).
struct HerniationBox {
  int slice = 0;
  int x0 = 0, y0 = 0, x1 = 0, y1 = 0;  ///< column/row, inclusive
  std::string level;                   ///< "L4-L5"
  std::string side;                    ///< "central", "left", "right"
  std::string type;                    ///< "protrusion", "extrusion"
};

/// Listhesis of one motion segment (Meyerding %, + = anterolisthesis of the upper vertebra).
struct ListhesisTruth {
  std::string level;  ///< "L4-L5"
  double percent = 0.0;
  int grade = 0;      ///< Meyerding grade 0..4 (0 = < 1 %)
};

/// One generated lumbar MRI case in memory: both contrasts on the same grid plus ground truth.
struct LumbarMriCase {
  LumbarMriParams params;
  std::shared_ptr<core::Image> t1;      ///< uint16
  std::shared_ptr<core::Image> t2;      ///< uint16
  std::shared_ptr<core::Image> labels;  ///< uint8, LumbarMriLabel values
  std::vector<HerniationBox> herniationBoxes;
  std::vector<ListhesisTruth> listhesis;  ///< one per disc level, top to bottom
};

/// Names of the disc levels, "L1-L2".."L5-S1".
const std::array<const char*, kLumbarDiscCount>& lumbarDiscLevelNames();
/// Label name for a label value ("L3", "disc L3-L4", "canal", ...); empty when unknown.
std::string lumbarMriLabelName(int label);
/// Draws the parameters of case `index` of a dataset with seed `seed`.
LumbarMriParams sampleLumbarMriParams(std::uint64_t seed, std::uint64_t index = 0);
/// Renders T1, T2, the label map and the derived ground truth for given parameters.
LumbarMriCase renderLumbarMri(const LumbarMriParams& params);

}  // namespace openrad::phantom
