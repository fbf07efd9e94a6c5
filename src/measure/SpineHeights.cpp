#include "openrad/measure/SpineHeights.h"

namespace openrad::measure {

namespace {
const Eigen::Vector2d& corner(const ApCorners& c, int vertebra, int which) {
  return c[static_cast<std::size_t>(vertebra * kCornersPerVertebra + which)];
}
}  // namespace

std::vector<LevelHeight> vertebralBodyHeights(const ApCorners& corners, const PixelScale& scale) {
  std::vector<LevelHeight> out;
  for (int v = 0; v < kApVertebrae; ++v) {
    const double left = scale.distance(corner(corners, v, TopLeft), corner(corners, v, BottomLeft));
    const double right = scale.distance(corner(corners, v, TopRight), corner(corners, v, BottomRight));
    out.push_back({apVertebraName(v), 0.5 * (left + right)});
  }
  return out;
}

std::vector<LevelHeight> discHeights(const ApCorners& corners, const PixelScale& scale) {
  std::vector<LevelHeight> out;
  for (int v = 0; v + 1 < kApVertebrae; ++v) {
    const double left = scale.distance(corner(corners, v, BottomLeft), corner(corners, v + 1, TopLeft));
    const double right = scale.distance(corner(corners, v, BottomRight), corner(corners, v + 1, TopRight));
    out.push_back({apVertebraName(v) + "-" + apVertebraName(v + 1), 0.5 * (left + right)});
  }
  return out;
}

Eigen::Vector2d superiorMidpoint(const ApCorners& corners, int vertebra) {
  return 0.5 * (corner(corners, vertebra, TopLeft) + corner(corners, vertebra, TopRight));
}

Eigen::Vector2d inferiorMidpoint(const ApCorners& corners, int vertebra) {
  return 0.5 * (corner(corners, vertebra, BottomLeft) + corner(corners, vertebra, BottomRight));
}

double spinalHeight(const ApCorners& corners, const PixelScale& scale) {
  return scale.distance(superiorMidpoint(corners, 0), inferiorMidpoint(corners, kApVertebrae - 1));
}

double thoracicHeight(const ApCorners& corners, const PixelScale& scale) {
  return scale.distance(superiorMidpoint(corners, 0), inferiorMidpoint(corners, 11));
}

}  // namespace openrad::measure
