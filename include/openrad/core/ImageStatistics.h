#pragma once

#include "openrad/core/Image.h"

#include <cstdint>
#include <utility>
#include <vector>

namespace openrad::core {

/// Intensity values at two quantiles (fractions 0..1) of an image, from a strided sample of at
/// most `maxSamples` voxels (exact for smaller images). Non-finite values are ignored.
std::pair<double, double> quantileRange(const Image& image, double lowFraction, double highFraction,
                                        std::int64_t maxSamples = 1 << 20);

/// The upper median of `values` (the middle element, or the upper of the two middle ones); 0 for none.
double median(std::vector<double> values);
/// The arithmetic mean of `values`; NaN for none (an empty figure must not read as 0).
double mean(const std::vector<double>& values);

}  // namespace openrad::core
