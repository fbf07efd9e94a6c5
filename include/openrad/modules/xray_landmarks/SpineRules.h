#pragma once

#include "openrad/core/Document.h"
#include "openrad/measure/PixelScale.h"

#include <map>
#include <string>
#include <vector>

namespace openrad::ai {

/// How an AP corner set is measured.
struct SpineMeasureOptions {
  measure::PixelScale scale;       ///< pixel → mm (px when unknown)
  double imageRows = 0;            ///< needed by the AASCE rule
  bool imageLeftIsPatientRight = true;  ///< AP view (false for PA): decides the convex side in patient terms
  /// The measurements computed before (their "aiEnds" attribute carries the end vertebrae the AI found), or nullptr.
  const std::map<std::string, core::Measurement>* previous = nullptr;
};

/// Every measurement of an AP corner set: the AASCE Cobb angles by region (ids "cobb.proximal_thoracic",
/// "cobb.main_thoracic", "cobb.thoracolumbar"; only regions with a curve, i.e. distinct end vertebrae), "cobb.max",
/// plus the heights of measure::spineHeightMeasurements. Cobb entries carry the attributes "ends" ("T5–T11"),
/// "side" (convex side in patient terms), "apex" and "aiEnds" (the ends the AI's own corners gave); a Cobb angle is
/// edited when one of its 8 end-vertebra corners was moved by hand or when hand corrections moved its end vertebrae.
/// Every entry has "group" and "order" attributes for display. Throws std::invalid_argument when a corner is missing.
std::vector<core::Measurement> spineMeasurements(const core::LandmarkSet& set, const SpineMeasureOptions& options);

/// The same with the options taken from the series (pixel scale, rows, AP or PA view).
std::vector<core::Measurement> spineMeasurements(const core::LandmarkSet& set, const core::Series& series,
                                                 const std::map<std::string, core::Measurement>* previous);

/// The Document rule of the module: reads landmark set "ap-corners", owns the "cobb." and "height." measurements.
core::MeasurementRule spineRule();

}  // namespace openrad::ai
