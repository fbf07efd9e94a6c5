#pragma once

#include <Eigen/Core>

#include <array>
#include <utility>
#include <vector>

namespace openrad::measure {

/// One Cobb angle with the vertebrae (0 = T1 .. 16 = L5) whose lines define it (upper < lower when the
/// angle is not zero).
struct CobbCurveMeasure {
  double angleDeg = 0.0;
  int upper = 0;
  int lower = 0;
};

/// The three Cobb angles of an AP spine radiograph.
struct CobbAngles {
  /// In the order the AASCE 2019 evaluation code returns them: [0] the largest angle, [1] and [2] the
  /// secondary angles it derives (above/below the main curve, or the two curves above it).
  std::array<CobbCurveMeasure, 3> aasce;
  bool sShaped = false;  ///< the AASCE "is S" test on the endplate midpoints
  /// The same three values assigned to regions by the centre of their end vertebrae (PT above T6,
  /// MT T6–T11, TL/L from T12 down; ties go to the larger angle, the other to the nearest free region).
  CobbCurveMeasure proximalThoracic, mainThoracic, thoracolumbar;
};

/// Cobb angles from 4·n AP corner landmarks (per vertebra top-left, top-right, bottom-left, bottom-right,
/// image pixels, y down), n = 17 for T1..L5, using the AASCE 2019 challenge definition: each vertebra is
/// represented by the line joining the midpoints of its left and right edges; angles are between those
/// lines. `imageHeight` is needed by the AASCE rule that decides whether the main curve is high or low.
/// Pure function, no state. Throws std::invalid_argument unless corners.size() is a positive multiple of 4.
CobbAngles cobbAnglesAasce(const std::vector<Eigen::Vector2d>& corners, double imageHeight);

/// Tilt (degrees, image convention: positive when the right end of the line is lower) of each vertebra's
/// mid-line, from 4·n corners as above.
std::vector<double> vertebraTiltsDeg(const std::vector<Eigen::Vector2d>& corners);

/// Unsigned angle (degrees, 0..90) between line a0-a1 and line b0-b1 (as a Cobb angle between two lines).
double angleBetweenLinesDeg(const Eigen::Vector2d& a0, const Eigen::Vector2d& a1, const Eigen::Vector2d& b0,
                            const Eigen::Vector2d& b1);

}  // namespace openrad::measure
