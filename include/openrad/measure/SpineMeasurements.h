#pragma once

#include "openrad/core/Annotations.h"
#include "openrad/measure/PixelScale.h"

#include <string>
#include <vector>

namespace openrad::measure {

/// Heights derived from an AP corner landmark set, as measurement entries:
/// "height.spinal", "height.thoracic", "height.body.<V>" (17), "height.disc.<V>-<W>" (16). Each lists the
/// landmark names it reads as inputs, carries the set's provenance and is marked edited when any input is.
/// Throws std::invalid_argument when a corner is missing.
std::vector<core::Measurement> spineHeightMeasurements(const core::LandmarkSet& set, const PixelScale& scale);

/// True when any of the named landmarks of `set` is marked edited.
bool anyInputEdited(const core::LandmarkSet& set, const std::vector<std::string>& inputs);

}  // namespace openrad::measure
