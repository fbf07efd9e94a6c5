#pragma once

#include "openrad/core/Document.h"
#include "openrad/measure/PixelScale.h"

#include <string>
#include <vector>

namespace openrad::ai {

/// Every measurement of an AP corner set: the three AASCE Cobb angles (ids "cobb.proximal_thoracic",
/// "cobb.main_thoracic", "cobb.thoracolumbar", end vertebrae in the name, inputs = their 8 corners),
/// "cobb.max", plus the heights of measure::spineHeightMeasurements. `imageRows` is needed by the AASCE
/// rule. Throws std::invalid_argument when a corner is missing.
std::vector<core::Measurement> spineMeasurements(const core::LandmarkSet& set, const measure::PixelScale& scale,
                                                 double imageRows);

/// Derived-value update for the Document: when the change touches landmark set `setName`, recomputes its
/// measurements in place (replacing the old ones with the same ids) and flags changes.measurements.
void updateSpineMeasurements(core::SeriesAnnotations& annotations, core::ChangeSet& changes,
                             const std::string& setName, const measure::PixelScale& scale, double imageRows);

}  // namespace openrad::ai
