#pragma once

#include <Eigen/Core>

#include <array>
#include <string>
#include <utility>
#include <vector>

namespace openrad::measure {

/// One Cobb angle with the vertebrae (0 = T1 .. 16 = L5) whose lines define it, its apex and the side to which
/// it is convex. A measure that is no curve has angleDeg 0, upper == lower, apex -1 and convexity None.
struct CobbCurveMeasure {
  /// A side of the patient (not of the image).
  enum class Side { None, Left, Right };

  double angleDeg = 0.0;  ///< Cobb angle, degrees (0..90)
  int upper = 0;           ///< upper end vertebra; upper < lower for a curve
  int lower = 0;           ///< lower end vertebra
  /// Apex vertebra: of the vertebrae strictly between the end vertebrae (both end vertebrae when they are
  /// adjacent), the one whose mid-point (mean of its 4 corners) lies farthest from the line joining the
  /// mid-points of the end vertebrae; ties go to the upper one. -1 when not a curve.
  int apex = -1;
  /// The patient side to which the curve is convex: the side to which the apex is displaced from that line
  /// (when it is not displaced, e.g. for adjacent end vertebrae, the side on which the end vertebrae's lines
  /// diverge). None when not a curve.
  Side convexity = Side::None;

  /// True only when this is a curve: the end vertebrae differ and the angle is positive.
  bool isCurve() const { return upper != lower && angleDeg > 0.0; }
};

/// "left", "right" or "" (None), for reports.
std::string sideName(CobbCurveMeasure::Side side);

/// The three Cobb angles of an AP spine radiograph.
struct CobbAngles {
  /// In the order the AASCE 2019 evaluation code returns them: [0] the largest angle, [1] and [2] the
  /// secondary angles it derives (above/below the main curve, or the two curves above it).
  std::array<CobbCurveMeasure, 3> aasce;
  bool sShaped = false;  ///< the AASCE "is S" test on the endplate midpoints
  /// The same three values assigned to regions by the centre of their end vertebrae (PT above T6,
  /// MT T6–T11, TL/L from T12 down; ties go to the larger angle, the other to the nearest free region). A region
  /// without a curve holds a measure whose isCurve() is false.
  CobbCurveMeasure proximalThoracic, mainThoracic, thoracolumbar;
};

/// Cobb angles from 4·n AP corner landmarks (per vertebra top-left, top-right, bottom-left, bottom-right,
/// image pixels, y down), n = 17 for T1..L5, using the AASCE 2019 challenge definition: each vertebra is
/// represented by the line joining the midpoints of its left and right edges; angles are between those
/// lines. `imageHeight` is needed by the AASCE rule that decides whether the main curve is high or low.
/// Each measure also gets its apex and convexity; `imageLeftIsPatientRight` maps image sides to patient sides
/// (true for an AP view, false for PA). A measure whose end vertebrae coincide or whose angle is below 1e-4°
/// (rounding noise of parallel lines) is no curve and is reported as such (see CobbCurveMeasure).
/// Pure function, no state. Throws std::invalid_argument unless corners.size() is a positive multiple of 4.
CobbAngles cobbAnglesAasce(const std::vector<Eigen::Vector2d>& corners, double imageHeight,
                           bool imageLeftIsPatientRight = true);

/// Tilt (degrees, image convention: positive when the right end of the line is lower) of each vertebra's
/// mid-line, from 4·n corners as above.
std::vector<double> vertebraTiltsDeg(const std::vector<Eigen::Vector2d>& corners);

/// Unsigned angle (degrees, 0..90) between line a0-a1 and line b0-b1 (as a Cobb angle between two lines).
double angleBetweenLinesDeg(const Eigen::Vector2d& a0, const Eigen::Vector2d& a1, const Eigen::Vector2d& b0,
                            const Eigen::Vector2d& b1);

}  // namespace openrad::measure
