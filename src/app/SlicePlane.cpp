#include "openrad/app/SlicePlane.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <numeric>

namespace openrad::app {
namespace {

// Whether an in-plane axis should be mirrored so that the screen shows the usual convention:
// screen right towards patient left (axial, coronal) or posterior (sagittal), screen down towards
// posterior (axial) or feet (coronal, sagittal).
bool needsFlip(const Eigen::Vector3d& direction) {
  Eigen::Index dominant = 0;
  direction.cwiseAbs().maxCoeff(&dominant);
  const double component = direction[dominant];
  return dominant == 2 ? component > 0 : component < 0;
}

}  // namespace

SlicePlane SlicePlane::forAxis(const core::Geometry& geometry, int axis, bool canonical) {
  SlicePlane plane;
  plane.axis = std::clamp(axis, 0, 2);
  switch (plane.axis) {
    case 0: plane.u = 1; plane.v = 2; break;
    case 1: plane.u = 0; plane.v = 2; break;
    default: plane.u = 0; plane.v = 1; break;
  }
  if (canonical) {
    // Radiological layout whatever the acquisition: the in-plane axis closest to head-feet runs down the screen
    // on sagittal and coronal planes, the one closest to anterior-posterior on axial planes (a sagittal MR
    // acquired with rows along S-I would otherwise show S on the left).
    Eigen::Index normalLps = 0;
    geometry.direction.col(plane.axis).cwiseAbs().maxCoeff(&normalLps);
    const int downLps = normalLps == 2 ? 1 : 2;
    if (std::abs(geometry.direction(downLps, plane.u)) > std::abs(geometry.direction(downLps, plane.v)))
      std::swap(plane.u, plane.v);
    plane.flipU = needsFlip(geometry.direction.col(plane.u));
    plane.flipV = needsFlip(geometry.direction.col(plane.v));
  }
  return plane;
}

int SlicePlane::voxelAxisClosestTo(const core::Geometry& geometry, int lpsAxis) {
  int best = 2;
  double bestValue = -1.0;
  for (int a = 0; a < 3; ++a) {
    const double value = std::abs(geometry.direction(lpsAxis, a));
    if (value > bestValue) {
      bestValue = value;
      best = a;
    }
  }
  return best;
}

Eigen::Vector3d SlicePlane::displayToIndex(const core::Geometry& geometry, double x, double y, double slice) const {
  Eigen::Vector3d index = overlayPlane(0).displayToIndex(geometry, QPointF(x, y));
  index[axis] = slice;  // continuous along the normal
  return index;
}

Eigen::Vector2d SlicePlane::indexToDisplay(const core::Geometry& geometry, const Eigen::Vector3d& index) const {
  const QPointF d = overlayPlane(0).indexToDisplay(geometry, index);
  return {d.x(), d.y()};
}

Eigen::Vector3d SlicePlane::screenRight(const core::Geometry& geometry) const {
  const Eigen::Vector3d d = geometry.direction.col(u).normalized();
  return flipU ? Eigen::Vector3d(-d) : d;
}

Eigen::Vector3d SlicePlane::screenDown(const core::Geometry& geometry) const {
  const Eigen::Vector3d d = geometry.direction.col(v).normalized();
  return flipV ? Eigen::Vector3d(-d) : d;
}

std::string SlicePlane::name(const core::Geometry& geometry) const {
  const Eigen::Vector3d normal = geometry.direction.col(axis).cwiseAbs();
  Eigen::Index dominant = 0;
  const double strength = normal.maxCoeff(&dominant) / std::max(normal.norm(), 1e-9);
  if (strength < 0.8) return "Oblique";
  static const std::array<const char*, 3> names{"Sagittal", "Coronal", "Axial"};
  return names[static_cast<std::size_t>(dominant)];
}

std::string orientationLetters(const Eigen::Vector3d& lps) {
  static const std::array<char, 3> positive{'L', 'P', 'S'};
  static const std::array<char, 3> negative{'R', 'A', 'I'};
  std::array<int, 3> order{0, 1, 2};
  std::sort(order.begin(), order.end(), [&](int a, int b) { return std::abs(lps[a]) > std::abs(lps[b]); });
  const double norm = lps.norm();
  std::string letters;
  if (norm < 1e-9) return letters;
  for (int axis : order) {
    const double c = lps[axis] / norm;
    // Components below ~17 degrees of obliquity are not worth a letter.
    if (letters.empty() || std::abs(c) > 0.3)
      letters += c >= 0 ? positive[static_cast<std::size_t>(axis)] : negative[static_cast<std::size_t>(axis)];
  }
  return letters;
}

}  // namespace openrad::app
