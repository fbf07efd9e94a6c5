#pragma once

#include "openrad/core/Image.h"
#include "openrad/core/Study.h"

#include <utility>

namespace openrad::render {

/// Intensity values at two quantiles (fractions 0..1) of an image, from a strided sample of at
/// most `maxSamples` voxels (exact for smaller images).
std::pair<double, double> quantileRange(const core::Image& image, double lowFraction, double highFraction,
                                        std::int64_t maxSamples = 1 << 20);

/// True for CT in Hounsfield units: modality CT or units HU, or an untagged volume (NIfTI, "OT")
/// whose intensities look like HU (air near -1000 and values well above water).
bool looksLikeCt(const core::Series& series);

}  // namespace openrad::render
