#include "openrad/measure/SagittalFrame.h"

#include <algorithm>
#include <cmath>
#include <sstream>

namespace openrad::measure {

std::variant<SagittalFrame, std::string> sagittalFrame(const core::Geometry& g, double maxObliquityDegrees) {
  SagittalFrame f;
  // LPS: x is toward the patient's left; the axis most along it holds the sagittal planes.
  double best = -1;
  for (int c = 0; c < 3; ++c)
    if (const double along = std::abs(g.direction(0, c)) / std::max(1e-12, g.direction.col(c).norm()); along > best)
      best = along, f.sliceAxis = c;
  f.obliquityDegrees = std::acos(std::clamp(best, 0.0, 1.0)) * 180.0 / M_PI;
  if (f.obliquityDegrees > maxObliquityDegrees) {
    std::ostringstream why;
    why.precision(3);
    why << "not a sagittal series: no image axis within " << maxObliquityDegrees
        << " degrees of the patient's left-right (the closest is " << f.obliquityDegrees << " degrees off)";
    return why.str();
  }
  const int a = (f.sliceAxis + 1) % 3, b = (f.sliceAxis + 2) % 3;
  f.columnAxis = std::min(a, b), f.rowAxis = std::max(a, b);
  const double finest = g.spacing.minCoeff();
  if (f.sliceAxis != 2 && g.size[2] > 1 && g.spacing[2] > 1.5 * finest) {
    std::ostringstream why;
    why.precision(3);
    why << "not a sagittal series: its " << g.spacing[2] << " mm slices are not sagittal planes and the volume is too "
        << "coarse across them to reformat (finest spacing " << finest << " mm)";
    return why.str();
  }
  // A direction in mm projected on the plane's axes, in pixels per mm along each.
  const auto toPixels = [&](const Eigen::Vector3d& lps) {
    const Eigen::Vector2d p(g.direction.col(f.columnAxis).dot(lps) / g.spacing[f.columnAxis],
                            g.direction.col(f.rowAxis).dot(lps) / g.spacing[f.rowAxis]);
    return p.norm() > 1e-12 ? Eigen::Vector2d(p.normalized()) : Eigen::Vector2d(0, 0);
  };
  f.anterior = toPixels(Eigen::Vector3d(0, -1, 0));  // LPS: anterior is -y
  f.cranial = toPixels(Eigen::Vector3d(0, 0, 1));    // superior is +z
  return f;
}

}  // namespace openrad::measure
