#pragma once

#include "openrad/core/Image.h"

#include <Eigen/Core>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace openrad::phantom {

/// Label values of the head CT label map (uint8, on the CT grid).
enum HeadCtLabel : std::uint8_t {
  kCtBackground = 0,
  kCtHematoma = 1,    ///< intraparenchymal hematoma
  kCtEdema = 2,       ///< perihematomal oedema
  kCtExtraAxial = 3,  ///< subdural or epidural collection
};

/// One intraparenchymal hematoma in head coordinates (mm, LPS axes, origin near the foramen of Monro).
struct HeadCtHematoma {
  Eigen::Vector3d centre{0, 0, 0};
  Eigen::Vector3d axes{1, 1, 1};  ///< relative semi-axes (elongation), scaled to reach the volume
  double radiusMm = 15;           ///< base radius before the irregular surface and the axes
  std::uint64_t shapeSeed = 1;    ///< irregular surface; kept across follow-ups
  double meanHu = 70;
  double edemaMm = 4;             ///< mean thickness of the oedema rim
  double edemaHu = 20;
  std::string location;           ///< "basal ganglia", "thalamus", "lobar"
};

/// An optional extra-axial collection.
struct HeadCtExtraAxial {
  std::string type;     ///< "subdural", "epidural" or empty (none)
  int side = 1;         ///< +1 = patient left, -1 = patient right
  double thicknessMm = 0;
  double meanHu = 60;
  Eigen::Vector2d centreYz{0, 30};  ///< centre of the collection along y (AP) and z (SI), head mm
};

/// Everything that defines one head CT study (one time point).
struct HeadCtParams {
  std::uint64_t seed = 1;         ///< noise and texture of this study
  std::uint64_t anatomySeed = 1;  ///< the patient's anatomy (same for all time points)
  int columns = 256, rows = 256, slices = 28;
  double pixelMm = 0.9, sliceMm = 5.0;
  double zFirstMm = -38;           ///< head-frame z of the first slice centre
  double atrophy = 0.2;            ///< 0..1 widens sulci and ventricles
  Eigen::Vector3d headScale{1, 1, 1};
  double yawDeg = 0, pitchDeg = 0;  ///< head pose in the scanner
  Eigen::Vector3d shiftMm{0, 0, 0};
  std::vector<HeadCtHematoma> hematomas;
  HeadCtExtraAxial extraAxial;
  double noiseHu = 4.0;
  int day = 0;                      ///< days after the baseline scan
};

/// One connected hematoma of the label map.
struct HeadCtLesion {
  double volumeMl = 0;
  Eigen::Vector3d centroidLps{0, 0, 0};
  double meanHu = 0;
};

/// One rendered head CT study with its ground truth (volumes from the label map).
struct HeadCtCase {
  HeadCtParams params;
  std::shared_ptr<core::Image> ct;      ///< int16 HU
  std::shared_ptr<core::Image> labels;  ///< uint8 HeadCtLabel
  double hematomaMl = 0, edemaMl = 0, extraAxialMl = 0;
  std::vector<HeadCtLesion> lesions;    ///< connected components of label 1, largest first
  double midlineShiftMm = 0;            ///< septum pellucidum displacement from the midline plane
  std::string midlineShiftToward;       ///< "left", "right" or "none" (patient side)
  /// The midline landmarks (patient LPS mm) at the septum's height: the displaced septum pellucidum and where the
  /// ideal midline (the head's x = 0 plane) meets the inner table anteriorly and posteriorly (the falx attachments).
  /// midlineShiftMm is the septum's distance from that plane.
  Eigen::Vector3d septumLps{0, 0, 0}, falxAnteriorLps{0, 0, 0}, falxPosteriorLps{0, 0, 0};
};

/// A patient: baseline plus follow-up time points.
struct HeadCtPatientPlan {
  std::string trend;                 ///< "growing" or "shrinking"
  std::vector<HeadCtParams> studies;  ///< baseline first, days increasing
};

/// Draws patient `index` of a dataset with seed `seed` (baseline + 1..2 follow-ups).
HeadCtPatientPlan sampleHeadCtPatient(std::uint64_t seed, std::uint64_t index = 0);
/// Renders one study and measures its ground truth.
HeadCtCase renderHeadCt(const HeadCtParams& params);

}  // namespace openrad::phantom
