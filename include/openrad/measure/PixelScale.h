#pragma once

#include "openrad/core/Study.h"

#include <Eigen/Core>

#include <string>

namespace openrad::measure {

/// How pixel distances of a radiograph turn into lengths in the patient plane.
struct PixelScale {
  double mmPerPixelX = 1.0;  ///< along columns (i)
  double mmPerPixelY = 1.0;  ///< along rows (j)
  bool known = false;        ///< false: lengths stay in pixels
  double magnification = 1.0;  ///< SID/SOD divided out of the detector spacing (1 when not applied)

  /// "mm" when known, "px" otherwise.
  std::string unit() const { return known ? "mm" : "px"; }
  /// Length of a pixel-space vector (i, j) in the unit above.
  double length(const Eigen::Vector2d& delta) const;
  /// Distance between two pixel positions in the unit above.
  double distance(const Eigen::Vector2d& a, const Eigen::Vector2d& b) const { return length(b - a); }
};

/// Scale of a 2D series: image spacing when known; detector (Imager Pixel Spacing) spacing is divided by
/// the magnification factor SID/SOD when both distances are known; "px" (unit scale) when spacingKnown is
/// false.
PixelScale pixelScale(const core::Geometry& geometry, const core::SeriesInfo& info);
/// Same for a loaded series.
PixelScale pixelScale(const core::Series& series);

}  // namespace openrad::measure
