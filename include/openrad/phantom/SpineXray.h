#pragma once

#include "openrad/core/Image.h"
#include "openrad/measure/Cobb.h"
#include "openrad/phantom/Drr.h"
#include "openrad/phantom/SpineModel.h"

#include <Eigen/Core>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace openrad::phantom {

/// One simulated radiograph with its calibrated geometry and projected ground truth.
struct SpineXrayView {
  XrayGeometry geometry;
  DrrAppearance appearance;
  std::shared_ptr<core::Image> image;  ///< uint16, 12-bit, bone bright; geometry = the detector
  /// 4 corners per vertebra T1..L5 then S1 (72 points; the first 68 are the AASCE set), pixel (col, row).
  std::vector<Eigen::Vector2d> landmarks;
};

/// An AP (PA) + lateral pair of the same parametric spine.
struct SpineXrayStudy {
  std::uint64_t seed = 0;
  int index = 0;
  SpineModel model;
  SpineXrayView ap, lateral;
  measure::CobbAngles cobb;          ///< from the 68 AP ground-truth landmarks (AASCE definition)
  double lateralKyphosisDeg = 0.0;   ///< T4 superior to T12 inferior endplate on the lateral landmarks
  double lateralLordosisDeg = 0.0;   ///< L1 superior to S1 superior endplate on the lateral landmarks
};

/// Detector and geometry choices of the generator.
struct SpineXraySettings {
  int rows = 1100;             ///< detector rows (vertical)
  int columns = 512;           ///< detector columns
  double pixelSpacing = 0.6;   ///< imager pixel spacing, mm
  bool render = true;          ///< false: geometry and ground truth only (no images)
};

/// Builds study `index` of dataset `seed` in memory (deterministic: same arguments, same bytes).
SpineXrayStudy makeSpineXrayStudy(std::uint64_t seed, int index, const SpineXraySettings& settings = {});

/// Ground truth of a study as JSON text (format in docs/phantom-formats.md). `files` names the written
/// DICOM files relative to the study folder ("ap/...", "lateral/...") and may be empty.
std::string spineXrayGroundTruthJson(const SpineXrayStudy& study, const std::vector<std::string>& apFiles = {},
                                     const std::vector<std::string>& lateralFiles = {});

/// landmarks.csv of a study (shared real-data format): view,vertebra,corner,x,y.
std::string spineLandmarksCsv(const SpineXrayStudy& study);
/// angles.csv of a study (shared real-data format): measure,value_deg.
std::string spineAnglesCsv(const SpineXrayStudy& study);

/// Generates `pairs` AP+lateral pairs in memory on `threads` threads and returns the wall time in seconds.
double benchSpineXray(int pairs, int threads);

}  // namespace openrad::phantom
