#include "openrad/modules/xray_landmarks/LandmarkAugment.h"

namespace openrad::ai {

measure::ApCorners flipCornersHorizontally(const measure::ApCorners& corners, int imageWidth) {
  measure::ApCorners out;
  for (int i = 0; i < measure::kApCorners; ++i) {
    const auto& p = corners[static_cast<std::size_t>(i)];
    out[static_cast<std::size_t>(measure::mirroredCornerIndex(i))] = {imageWidth - 1.0 - p.x(), p.y()};
  }
  return out;
}

}  // namespace openrad::ai
