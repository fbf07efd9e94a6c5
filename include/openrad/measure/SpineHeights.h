#pragma once

#include "openrad/measure/PixelScale.h"
#include "openrad/measure/SpineLandmarks.h"

#include <string>
#include <vector>

namespace openrad::measure {

/// One height with the level it belongs to.
struct LevelHeight {
  std::string level;  ///< "T7" for a body, "T7-T8" for a disc
  double value = 0.0; ///< in PixelScale::unit()
};

/// Body height of each vertebra T1..L5: mean of its left (tl→bl) and right (tr→br) side lengths.
std::vector<LevelHeight> vertebralBodyHeights(const ApCorners& corners, const PixelScale& scale);
/// Height of each disc T1-T2..L4-L5: mean of the left (bl of the upper → tl of the lower) and right
/// (br → tr) gaps between adjacent endplate corners.
std::vector<LevelHeight> discHeights(const ApCorners& corners, const PixelScale& scale);
/// Mid-point of a vertebra's superior endplate (tl, tr).
Eigen::Vector2d superiorMidpoint(const ApCorners& corners, int vertebra);
/// Mid-point of a vertebra's inferior endplate (bl, br).
Eigen::Vector2d inferiorMidpoint(const ApCorners& corners, int vertebra);
/// Straight distance from the T1 superior endplate mid-point to the L5 inferior endplate mid-point.
double spinalHeight(const ApCorners& corners, const PixelScale& scale);
/// Straight distance from the T1 superior endplate mid-point to the T12 inferior endplate mid-point.
double thoracicHeight(const ApCorners& corners, const PixelScale& scale);

}  // namespace openrad::measure
